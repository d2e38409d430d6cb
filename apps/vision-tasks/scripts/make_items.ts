/**
 * Writes the embedded items, data/fashion-mnist-items/: byte copies of apps/image-classifier's
 * seeded, class-balanced Fashion-MNIST subset (12,000 training and 2,000 test images, gzipped
 * IDX with the usual names). Byte copies, so git stores each file once for both apps; copies,
 * so neither app reads the other's folder. Scenes are pasted from them at run time (seeded),
 * so the default runs need nothing else. Run once by hand; the output is committed.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../image-classifier/data/fashion-mnist-subset', import.meta.url));
const target = fileURLToPath(new URL('../data/fashion-mnist-items', import.meta.url));
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

await mkdir(target, { recursive: true });
for (const file of FILES) {
  await copyFile(join(source, file), join(target, file));
  console.log(`${file}: ${((await stat(join(target, file))).size / 1e6).toFixed(2)} MB`);
}
