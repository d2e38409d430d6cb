import '@nn/backend-cpu';
import { gzipSync } from 'fflate';
import { encode as encodePngBytes } from 'fast-png';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from './image/idx.js';
import { readCsvFile, readIdxFile, readImageFile, readMnist } from './node.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nn-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('@nn/data/node readers', () => {
  it('read CSV files, gzipped or not, naming the file in errors', async () => {
    const text = 'a,b\n1,x\n2,y\n';
    await writeFile(join(dir, 'plain.csv'), text);
    await writeFile(join(dir, 'packed.csv.gz'), gzipSync(new TextEncoder().encode(text)));
    expect((await readCsvFile(join(dir, 'plain.csv'))).column('b')).toEqual(['x', 'y']);
    expect((await readCsvFile(join(dir, 'packed.csv.gz'))).rows).toEqual([['1', 'x'], ['2', 'y']]);
    await writeFile(join(dir, 'ragged.csv'), 'a,b\n1\n');
    await expect(readCsvFile(join(dir, 'ragged.csv'))).rejects.toThrow(`${join(dir, 'ragged.csv')}: row 1 (line 2) has 1 field, expected 2`);
    await writeFile(join(dir, 'empty.csv'), '');
    await expect(readCsvFile(join(dir, 'empty.csv'))).rejects.toThrow(`${join(dir, 'empty.csv')}: the file is empty`);
  });

  it('read an MNIST folder (gzipped files) and single IDX files', async () => {
    const images = { dtype: 'uint8' as const, shape: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i) };
    const labels = { dtype: 'uint8' as const, shape: [3], data: Uint8Array.from([7, 8, 9]) };
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx(images)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(labels));
    const train = await readMnist(dir, 'train');
    expect(train.images).toEqual(images);
    expect(train.labels).toEqual(labels);
    await expect(readMnist(dir, 'test')).rejects.toThrow(/readMnist: none of .*t10k-images-idx3-ubyte\.gz, .*t10k-images-idx3-ubyte exists/);
    const bad = encodeIdx(labels).subarray(0, 10);
    await writeFile(join(dir, 'bad-idx1-ubyte'), bad);
    await expect(readIdxFile(join(dir, 'bad-idx1-ubyte'))).rejects.toThrow(`${join(dir, 'bad-idx1-ubyte')}: the IDX header says 3 uint8 values`);
    await writeFile(join(dir, 'bad-idx1-ubyte.gz'), gzipSync(bad));
    await expect(readIdxFile(join(dir, 'bad-idx1-ubyte.gz'))).rejects.toThrow(/but the unzipped file has 10 bytes/);
    await writeFile(join(dir, 'cut.gz'), gzipSync(encodeIdx(labels)).subarray(0, 15));
    await expect(readIdxFile(join(dir, 'cut.gz'))).rejects.toThrow(`${join(dir, 'cut.gz')}: the gzip data is corrupt or truncated`);
  });

  it('read image files and name the file that is not an image', async () => {
    await writeFile(join(dir, 'dot.png'), encodePngBytes({ width: 1, height: 1, channels: 3, depth: 8, data: Uint8Array.from([1, 2, 3]) }));
    expect(Array.from((await readImageFile(join(dir, 'dot.png'))).data)).toEqual([1, 2, 3]);
    await writeFile(join(dir, 'fake.png'), 'not really');
    await expect(readImageFile(join(dir, 'fake.png'))).rejects.toThrow(`${join(dir, 'fake.png')}: not a PNG or JPEG image`);
  });
});

describe('the main entry stays browser-safe', () => {
  it('imports no Node module outside node.ts and the tests', async () => {
    const src = dirname(fileURLToPath(import.meta.url));
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'node.ts');
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const code = await readFile(join(src, f), 'utf8');
      expect(code, f).not.toMatch(/from '(node:|fs|path|zlib|stream|os)/);
      expect(code, f).not.toMatch(/\bBuffer\b/);
    }
  });
});
