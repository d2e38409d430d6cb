import '@nn/backend-cpu';
import { gzipSync } from 'fflate';
import { encode as encodePngBytes } from 'fast-png';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from './image/idx.js';
import { readCsvFile, readIdxFile, readImageFile, readMnist } from './node.js';
import { gzipBomb, pngBomb } from './test-utils/bombs.js';

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

describe('paths in errors', () => {
  it('names a folder or a missing file given where a file was expected, in every reader', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nn-data-paths-'));
    try {
      for (const read of [readCsvFile, readIdxFile, readImageFile]) {
        await expect(read(dir)).rejects.toThrow(`${dir}: is a folder, expected a file`);
        await expect(read(join(dir, 'none'))).rejects.toThrow(`${join(dir, 'none')}: no such file`);
      }
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('bombs and big files', () => {
  it('refuse a PNG bomb (what classify reads) and a gzip bomb, naming the file and the cap', async () => {
    const png = join(dir, 'huge.png');
    await writeFile(png, pngBomb(20000, 20000));
    await expect(readImageFile(png)).rejects.toThrow(`${png}: the PNG header declares 20000×20000 = 400000000 pixels, more than maxPixels = 100000000`);
    expect((await readImageFile(join(dir, 'dot.png'), { maxPixels: 1 })).width).toBe(1);
    const idx = join(dir, 'bomb-idx1-ubyte.gz');
    const header = encodeIdx({ dtype: 'uint8', shape: [4_000_000], data: new Uint8Array(4_000_000) }).subarray(0, 8);
    await writeFile(idx, gzipBomb(header, 4_000_000));
    await expect(readIdxFile(idx, { maxBytes: 1_000_000 })).rejects.toThrow(`${idx}: the unzipped data passes maxBytes = 1000000 bytes (a gzip bomb?)`);
    expect((await readIdxFile(idx)).shape).toEqual([4_000_000]);
  });

  it('read CSV files strictly: Latin-1 is an error naming file and row, UTF-16 reads right', async () => {
    const latin = join(dir, 'latin.csv');
    await writeFile(latin, Buffer.from('name,n\nM\xe9,1\nM\xe8,2\n', 'latin1'));
    await expect(readCsvFile(latin)).rejects.toThrow(`${latin}: row 1 (line 2): invalid UTF-8 bytes e9 2c 31 0a at byte 8`);
    const wide = join(dir, 'wide.csv');
    await writeFile(wide, Buffer.from('\ufeffname,n\r\nMé,1\r\nMè,2\r\n', 'utf16le'));
    expect((await readCsvFile(wide)).column('name')).toEqual(['Mé', 'Mè']);
  });

  it('read a CSV file a chunk at a time: the heap holds the parsed cells, not the text', async () => {
    // 40 MB of text whose cells are small once trimmed; the last cell of each row is long and
    // its own (a V8 substring of 13 or more characters is a view that keeps the whole chunk alive).
    const pad = ' '.repeat(1000);
    const lines = Array.from({ length: 20_000 }, (_, n) => `${n % 10},${pad}${n % 7}${pad},label_${n}_long_enough\n`);
    const path = join(dir, 'wide-padded.csv');
    await writeFile(path, 'a,b,c\n' + lines.join(''));
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThan(40e6);

    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = getHeapStatistics().used_heap_size;
    // Collect often while the file streams in, so that the profile's sizes are live data, not garbage.
    const collector = setInterval(gc, 10);
    const profiler = new GCProfiler();
    profiler.start();
    const table = await readCsvFile(path);
    const { statistics } = profiler.stop();
    clearInterval(collector);
    expect(table.length).toBe(20_000);
    expect(table.rows[3]).toEqual(['3', '3', 'label_3_long_enough']);
    const peak = Math.max(...statistics.map((s) => s.afterGC.heapStatistics.usedHeapSize)) - before;
    gc();
    const kept = getHeapStatistics().used_heap_size - before;
    // The whole text alone would be 40 MB; the table is a few MB.
    expect(kept).toBeLessThan(size / 5);
    expect(peak).toBeLessThan(size / 3);
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
