/**
 * Writes the embedded default data set, data/fashion-mnist-subset/: a seeded,
 * class-balanced subset of Fashion-MNIST (1,200 training and 200 test images per class,
 * 12,000 and 2,000 in all), as gzipped IDX files with the usual names, so the app runs on a
 * fresh clone without the 30 MB originals. Run it once by hand; the output is committed.
 *
 *   pnpm make-subset [SOURCE_DIR]     # default: ../shared/data/fashion-mnist beside the repository
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '@nn/data';
import { balancedSubset, EMBEDDED_DATA_DIR, FASHION_MNIST_CLASSES, mnistFileNames, readSplit, selectIdx } from '../src/data.js';

const SEED = 20170825; // the day Fashion-MNIST was published
const PER_CLASS = { train: 1200, test: 200 } as const;

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const source = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared', 'data', 'fashion-mnist'));

await mkdir(EMBEDDED_DATA_DIR, { recursive: true });
for (const split of ['train', 'test'] as const) {
  const full = await readSplit(source, split, FASHION_MNIST_CLASSES.length);
  const indices = balancedSubset(full.labels, FASHION_MNIST_CLASSES.length, PER_CLASS[split], SEED + (split === 'test' ? 1 : 0));
  const { images, labels } = selectIdx(full, indices);
  const names = mnistFileNames(split);
  for (const [name, array] of [[names.images, images], [names.labels, labels]] as const) {
    // Level 9 and no file name or time in the gzip header: the same bytes on every run.
    const bytes = gzipSync(encodeIdx(array), { level: 9 });
    const path = join(EMBEDDED_DATA_DIR, `${name}.gz`);
    await writeFile(path, bytes);
    console.log(`${path}: ${array.shape.join(' × ')}, ${(bytes.length / 1e6).toFixed(2)} MB`);
  }
}
