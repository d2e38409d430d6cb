import '@nn/backend-cpu';
import { dispose, memory } from '@nn/tensor';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../loader.js';
import { encodeIdx, idxToTensor, parseIdx, type IdxArray } from './idx.js';
import { gzipBomb } from '../test-utils/bombs.js';
import { ImageDataset } from './image_dataset.js';

/** A tiny MNIST-like pair: n images of h×w with pixel (i, y, x) = 10 i + w y + x, labels i % 10. */
function tinyMnist(n: number, h: number, w: number): { images: IdxArray; labels: IdxArray } {
  const pixels = Uint8Array.from({ length: n * h * w }, (_, k) => {
    const i = Math.floor(k / (h * w));
    return 10 * i + (k % (h * w));
  });
  return {
    images: { dtype: 'uint8', shape: [n, h, w], data: pixels },
    labels: { dtype: 'uint8', shape: [n], data: Uint8Array.from({ length: n }, (_, i) => i % 10) },
  };
}

describe('parseIdx', () => {
  it('reads every IDX type, big-endian, gzipped or not', () => {
    const arrays: IdxArray[] = [
      { dtype: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 1, 2, 253, 254, 255]) },
      { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
      { dtype: 'int16', shape: [2], data: Int16Array.from([-300, 1000]) },
      { dtype: 'int32', shape: [1, 2], data: Int32Array.from([-70000, 123456789]) },
      { dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2.25]) },
      { dtype: 'float64', shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
    ];
    for (const a of arrays) {
      const bytes = encodeIdx(a);
      expect(parseIdx(bytes)).toEqual(a);
      expect(parseIdx(gzipSync(bytes))).toEqual(a);
    }
    // The header is big-endian: [2, 3] uint8 is 00 00 08 02 | 00 00 00 02 | 00 00 00 03.
    expect(Array.from(encodeIdx(arrays[0]).subarray(0, 12))).toEqual([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(Array.from(encodeIdx(arrays[2]).subarray(8))).toEqual([0xfe, 0xd4, 0x03, 0xe8]);
  });

  it('rejects a header that disagrees with the length, naming both', () => {
    const bytes = encodeIdx(tinyMnist(3, 4, 5).images);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), { file: 'cut-idx3-ubyte' })).toThrow(
      /^cut-idx3-ubyte: the IDX header says 3 × 4 × 5 uint8 values \(60 bytes after the 16-byte header, 76 in all\), but the file has 75 bytes$/,
    );
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(() => parseIdx(gzipSync(longer), { file: 'long.gz' })).toThrow(/long\.gz: .*76 in all\), but the unzipped file has 78 bytes/);
    expect(() => parseIdx(bytes.subarray(0, 10), { file: 'h' })).toThrow(/h: the file has 10 bytes, too few for the header of 3 dimensions \(16 bytes\)/);
  });

  it('rejects an unknown type code, a wrong magic number, a short file and broken gzip', () => {
    const bytes = encodeIdx(tinyMnist(1, 2, 2).images);
    bytes[2] = 0x07;
    expect(() => parseIdx(bytes, { file: 'odd.idx' })).toThrow(/^odd\.idx: unknown IDX type code 0x07; expected 0x08 \(uint8\), 0x09 \(int8\), 0x0b \(int16\)/);
    expect(() => parseIdx(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), { file: 'x.png' })).toThrow(
      /x\.png: not an IDX file: it starts with 0x89 0x50, expected 0x00 0x00 then a type code/,
    );
    expect(() => parseIdx(Uint8Array.from([0, 0]), { file: 's' })).toThrow(/s: the file has 2 bytes, expected at least 4/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 0]))).toThrow(/the IDX header has 0 dimensions/);
    const gz = gzipSync(encodeIdx(tinyMnist(2, 3, 3).images));
    expect(() => parseIdx(gz.subarray(0, 20), { file: 'part.gz' })).toThrow(/part\.gz: the gzip data is corrupt or truncated/);
  });

  it('makes int32 label tensors and scaled float image tensors', () => {
    const { images, labels } = tinyMnist(2, 2, 2);
    const y = idxToTensor(labels);
    const x = idxToTensor(images, { scale: 1 / 255 });
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([0, 1]);
    expect(x.shape).toEqual([2, 2, 2]);
    expect((x.toArray() as number[][][])[1][1][1]).toBeCloseTo(13 / 255, 6);
    dispose([x, y]);
  });
});

describe('IDX bombs', () => {
  /** The IDX header of `count` uint8 values in one dimension. */
  const header = (count: number): Uint8Array => encodeIdx({ dtype: 'uint8', shape: [count], data: new Uint8Array(count) }).subarray(0, 8);

  it('stops gunzipping past maxBytes, naming the file and the option', () => {
    // 4 MB of zeros gzip to 4 KB; with the cap at 1 MB, unzipping stops after about 1 MB.
    const bomb = gzipBomb(header(4_000_000), 4_000_000);
    expect(bomb.length).toBeLessThan(8000);
    expect(() => parseIdx(bomb, { file: 'bomb-idx1-ubyte.gz', maxBytes: 1_000_000 })).toThrow(
      /^bomb-idx1-ubyte\.gz: the unzipped data passes maxBytes = 1000000 bytes \(a gzip bomb\?\); if the file is real, raise the cap with \{ maxBytes: \.\.\. \}$/,
    );
    expect(parseIdx(bomb, { maxBytes: 4_000_008 }).shape).toEqual([4_000_000]);
  });

  it('refuses a header that declares more than maxBytes (default 1 GiB) before reading the values', () => {
    const huge = encodeIdx({ dtype: 'float32', shape: [1, 1], data: new Float32Array(1) });
    new DataView(huge.buffer).setUint32(4, 300_000_000); // 300 M float32 values: 1.2 GB
    expect(() => parseIdx(gzipBomb(huge.subarray(0, 12), 1000), { file: 'huge.gz' })).toThrow(
      /^huge\.gz: the IDX header declares 300000000 × 1 float32 values \(1200000012 bytes\), more than maxBytes = 1073741824; if the file is real, raise the cap with \{ maxBytes: 1200000012 \}$/,
    );
  });

  it('idxToTensor scales in a plain loop, with the values of a map', () => {
    const images: IdxArray = { dtype: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 1, 2, 128, 254, 255]) };
    const x = idxToTensor(images, { scale: 1 / 255 });
    expect(Array.from(x.dataSync())).toEqual(Array.from(Float32Array.from(images.data, (v) => v * (1 / 255))));
    const f = idxToTensor({ dtype: 'float64', shape: [2], data: Float64Array.from([0.1, -2]) });
    expect([f.dtype, ...f.dataSync()]).toEqual(['float32', Math.fround(0.1), -2]);
    dispose([x, f]);
  });
});

describe('ImageDataset.fromIdx', () => {
  it('feeds a DataLoader with [N, 1, H, W] batches in [0, 1] and their labels', () => {
    const { images, labels } = tinyMnist(5, 3, 4);
    const ds = ImageDataset.fromIdx(parseIdx(gzipSync(encodeIdx(images))), parseIdx(encodeIdx(labels)));
    expect(ds.length).toBe(5);
    const before = memory().numTensors;
    const batches: number[][] = [];
    for (const [x, y] of new DataLoader(ds, { batchSize: 2 })) {
      expect(x.shape).toEqual([y.shape[0], 1, 3, 4]);
      const values = x.dataSync();
      const ys = y.toArray() as number[];
      ys.forEach((label, n) => expect(values[n * 12 + 5]).toBeCloseTo((10 * label + 5) / 255, 6));
      batches.push(ys);
      dispose([x, y]);
    }
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
    const [x2, label] = ds.get(2);
    expect(x2.shape).toEqual([1, 3, 4]);
    expect(label).toBe(2);
    x2.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('checks that images and labels agree', () => {
    const { images } = tinyMnist(3, 2, 2);
    expect(() => ImageDataset.fromIdx(images, { dtype: 'uint8', shape: [2], data: new Uint8Array(2) })).toThrow(
      /ImageDataset\.fromIdx: labels must be \[N\] with N = 3 \(the number of images\), got \[2\]/,
    );
    expect(() => ImageDataset.fromIdx({ dtype: 'float32', shape: [3, 4], data: new Float32Array(12) }, images)).toThrow(/images must be uint8 \[N, H, W\]/);
  });
});
