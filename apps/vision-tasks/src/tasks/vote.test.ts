import { describe, expect, it } from 'vitest';
import { mergeOverlapping, nameComponents, patches, splitTouching, voteComponents } from './vote.js';

// A 3×4 image, 3 classes (0 background). Two patches of clothes: the left one (4 pixels) is
// labelled 1, 1, 2, 1 per pixel; the right one (2 pixels) is labelled 2, 2.
const labels = [1, 1, 0, 2, 2, 1, 0, 2, 0, 0, 0, 0];
const width = 4;
const height = 3;

function probabilitiesOf(perPixel: [number, number, number][]): Float32Array {
  const plane = width * height;
  const p = new Float32Array(3 * plane);
  perPixel.forEach((v, i) => v.forEach((q, c) => (p[c * plane + i] = q)));
  return p;
}

describe('voteComponents', () => {
  it('gives each connected patch the class with the largest summed probability', () => {
    // Left patch: class 1 sums 0.6 + 0.6 + 0.1 + 0.6 = 1.9, class 2 sums 0.4 × 3 + 0.9 = 2.1: class 2 wins
    // though three of its four pixels say 1. Right patch: only class 2.
    const mid: [number, number, number] = [0, 0.6, 0.4];
    const p = probabilitiesOf([mid, mid, [1, 0, 0], [0, 0.1, 0.9], [0, 0.1, 0.9], mid, [1, 0, 0], [0, 0.2, 0.8], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]]);
    // Pixel 3 ([0, 3]) touches pixel 7 ([1, 3]) only: the right patch is {3, 7}; the left is {0, 1, 4, 5}.
    expect(Array.from(voteComponents(labels, p, 3, height, width))).toEqual([2, 2, 0, 2, 2, 2, 0, 2, 0, 0, 0, 0]);
  });

  it('leaves the background alone and keeps a patch whose pixels agree', () => {
    const p = probabilitiesOf(labels.map((l) => [l === 0 ? 1 : 0, l === 1 ? 1 : 0, l === 2 ? 1 : 0]));
    // Left patch: 1, 1, 2(pixel 4), 1 with certainty → class 1 (3 votes against 1).
    expect(Array.from(voteComponents(labels, p, 3, height, width))).toEqual([1, 1, 0, 2, 1, 1, 0, 2, 0, 0, 0, 0]);
  });
});

describe('patches and nameComponents (two stages)', () => {
  it('finds each 4-connected patch with its box, and gives all its pixels the class named for it', () => {
    // Clothes at pixels 0, 1, 4, 5 (left patch: x 0..2, y 0..2) and 3, 7 (right patch: x 3..4, y 0..2);
    // pixel 3 touches 2 (background) and 7 only.
    const clothes = labels.map((l) => Number(l > 0));
    expect(patches(clothes, height, width)).toEqual([
      { pixels: [0, 4, 5, 1], box: [0, 0, 2, 2] },
      { pixels: [3, 7], box: [3, 0, 4, 2] },
    ]);
    // The namer sees the patches in that order and names them 7 and 2.
    const named = nameComponents(clothes, height, width, (found) => found.map((p) => (p.box[0] === 0 ? 7 : 2)));
    expect(Array.from(named)).toEqual([7, 7, 0, 2, 7, 7, 0, 2, 0, 0, 0, 0]);
  });
});

describe('mergeOverlapping', () => {
  it('merges patches whose boxes overlap (a sandal in pieces), repeatedly, and keeps apart boxes that only touch', () => {
    const found = [
      { pixels: [1], box: [0, 0, 4, 4] as [number, number, number, number] },
      { pixels: [2], box: [6, 0, 8, 2] as [number, number, number, number] },
      { pixels: [3], box: [3, 3, 7, 5] as [number, number, number, number] },
      { pixels: [4], box: [8, 0, 9, 1] as [number, number, number, number] },
    ];
    // 0 and 2 overlap (x 3..4, y 3..4): merged to [0, 0, 7, 5], which now overlaps 1 (x 6..7, y 0..2):
    // all three are one garment, [0, 0, 8, 5]. Patch 3 starts at x 8, where 1 ends: it only touches.
    expect(mergeOverlapping(found)).toEqual([
      { pixels: [1, 3, 2], box: [0, 0, 8, 5] },
      { pixels: [4], box: [8, 0, 9, 1] },
    ]);
  });
});

describe('splitTouching', () => {
  // A 7×12 image: two 5×5 squares (rows 1..5; columns 0..4 and 7..11) joined by a one-pixel
  // bridge in row 3 (columns 5, 6): one 4-connected patch of 52 pixels.
  const w = 12;
  const h = 7;
  const mask = Array.from({ length: w * h }, (_, i) => {
    const [y, x] = [Math.floor(i / w), i % w];
    return Number(y >= 1 && y <= 5 && (x <= 4 || x >= 7 || (y === 3 && (x === 5 || x === 6))));
  });

  it('splits a patch of two garments joined by a bridge at the bridge', () => {
    const found = patches(mask, h, w);
    expect(found).toHaveLength(1);
    // One erosion (the image's edge erodes nothing) leaves rows 2..4 of each square but its column
    // facing the other, and its pixel at the bridge (the bridge goes): two cores of 13 pixels. Each
    // pixel goes to the nearer core; the bridge's pixels (3, 5) and (3, 6) go to the left and right.
    const parts = splitTouching(found, h, w, 1, 5);
    expect(parts.map((p) => p.box)).toEqual([
      [0, 1, 6, 6],
      [6, 1, 12, 6],
    ]);
    expect(parts.map((p) => p.pixels.length)).toEqual([26, 26]);
  });

  it('keeps a patch whole where the erosion leaves one core, or cores too small', () => {
    const found = patches(mask, h, w);
    expect(splitTouching(found, h, w, 1, 14)).toEqual(found);
    const square = patches(mask.map((v, i) => (i % w <= 4 ? v : 0)), h, w);
    expect(splitTouching(square, h, w, 1, 5)).toEqual(square);
  });
});
