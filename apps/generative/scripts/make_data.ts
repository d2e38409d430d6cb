/**
 * Writes the embedded data, data/fashion-mnist/: the first 6,000 training and 1,000 test
 * images of apps/image-classifier's seeded, class-balanced Fashion-MNIST subset (about 600
 * and 100 per class), as gzipped IDX files with the usual names, so the default runs need
 * nothing else. Run once by hand; the output is committed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdx, type IdxArray } from '@nn/data';
import { readMnist } from '@nn/data/node';

const source = fileURLToPath(new URL('../../image-classifier/data/fashion-mnist-subset', import.meta.url));
const target = fileURLToPath(new URL('../data/fashion-mnist', import.meta.url));
const COUNT = { train: 6000, test: 1000 } as const;

function head(array: IdxArray, n: number): IdxArray {
  const per = array.shape.slice(1).reduce((a, b) => a * b, 1);
  return { ...array, shape: [n, ...array.shape.slice(1)], data: array.data.slice(0, n * per) };
}

await mkdir(target, { recursive: true });
for (const split of ['train', 'test'] as const) {
  const { images, labels } = await readMnist(source, split);
  const prefix = split === 'train' ? 'train' : 't10k';
  for (const [kind, array] of [['images-idx3-ubyte', images], ['labels-idx1-ubyte', labels]] as const) {
    // Level 9, no name or time in the gzip header: the same bytes on every run.
    const bytes = gzipSync(encodeIdx(head(array, COUNT[split])), { level: 9 });
    await writeFile(join(target, `${prefix}-${kind}.gz`), bytes);
    console.log(`${prefix}-${kind}.gz: ${(bytes.length / 1e6).toFixed(2)} MB`);
  }
}
