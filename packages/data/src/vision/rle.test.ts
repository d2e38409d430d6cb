import { describe, expect, it } from 'vitest';
import { polygonToRle, rleDecode, rleEncode, rleFromString, rleToString } from './rle.js';

// Expected values printed by pycocotools 2.0.11 (mask.frPyObjects, mask.encode, mask.decode).
const rows = (mask: Uint8Array, width: number): number[][] =>
  Array.from({ length: mask.length / width }, (_, y) => Array.from(mask.subarray(y * width, (y + 1) * width)));

describe('COCO run-length encoding', () => {
  it('rasterises polygons as pycocotools does', () => {
    const square = polygonToRle([1, 1, 4, 1, 4, 3, 1, 3], 5, 6);
    expect(rleToString(square)).toBe('6230009');
    expect(rows(rleDecode(square), 6)).toEqual([
      [0, 0, 0, 0, 0, 0],
      [0, 1, 1, 1, 0, 0],
      [0, 1, 1, 1, 0, 0],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
    const triangle = polygonToRle([0.5, 0.5, 5.5, 0.5, 3, 4.5], 6, 7);
    expect(rleToString(triangle)).toBe('7152N00N=');
    expect(rows(rleDecode(triangle), 7).slice(0, 4)).toEqual([
      [0, 0, 0, 0, 0, 0, 0],
      [0, 1, 1, 1, 1, 0, 0],
      [0, 0, 1, 1, 0, 0, 0],
      [0, 0, 1, 1, 0, 0, 0],
    ]);
    const diamond = polygonToRle([2, 0, 6, 4, 2, 8, 0, 4], 9, 8);
    expect(rleToString(diamond)).toBe('3254M11N2N2N`0');
    expect(rleDecode(diamond).reduce((a, b) => a + b, 0)).toBe(24);
  });

  it('encodes masks to the strings pycocotools writes', () => {
    const mask = new Uint8Array(4 * 5);
    for (let y = 1; y < 3; y++) for (let x = 1; x < 4; x++) mask[y * 5 + x] = 1;
    mask[3 * 5 + 4] = 1;
    const rle = rleEncode(mask, 4, 5);
    expect(rleToString(rle)).toBe('5220002O');
    expect(rleDecode(rleFromString('5220002O', [4, 5]))).toEqual(mask);

    const big = new Uint8Array(60 * 50);
    for (let y = 10; y < 50; y++) for (let x = 5; x < 45; x++) big[y * 50 + x] = y >= 20 && y < 30 && x >= 20 && x < 30 ? 0 : 1;
    const s = 'f9X1d00000000000000000000000000000ROF::FF::FF::FF::FF::FF::FF::FF::FF::FF::d00000000000000000000000000000R9';
    expect(rleToString(rleEncode(big, 60, 50))).toBe(s);
    expect(rleDecode(rleFromString(s, [60, 50]))).toEqual(big);
    expect(rleToString({ size: [60, 50], counts: [0, 3000] })).toBe('0hm2');
  });

  it('round-trips hand-written counts through the string form', () => {
    for (const counts of [[12], [0, 12], [3, 4, 5], [0, 1, 1, 1, 1, 8], [100000, 5, 7, 1000, 1, 1]]) {
      const total = counts.reduce((a, b) => a + b, 0);
      const rle = { size: [1, total] as [number, number], counts };
      expect(rleFromString(rleToString(rle), rle.size).counts).toEqual(counts);
      expect(rleEncode(rleDecode(rle), 1, total).counts).toEqual(counts);
    }
  });

  it('names the file and field of bad counts', () => {
    expect(() => rleFromString('5 2', [4, 5], 'a.json', 'annotations[0].segmentation')).toThrow(
      "a.json: annotations[0].segmentation.counts has ' ' at character 1; compressed RLE uses the characters '0' to 'o' (ASCII 48 to 111)",
    );
    expect(() => rleFromString('52', [4, 5], 'a.json')).toThrow('a.json: segmentation.counts sum to 7 pixels, expected height × width = 4 × 5 = 20');
    expect(() => rleFromString('5h', [4, 5], 'a.json')).toThrow('a.json: segmentation.counts ends inside a number (character 2); the string is truncated');
    expect(() => rleDecode({ size: [2, 2], counts: [1, -1, 4] }, 'b.json')).toThrow('b.json: segmentation.counts[1] must be a non-negative integer, got -1');
  });
});
