import { describe, expect, it } from 'vitest';
import { centreTargets, growSeeds, matchGarments, mergeOverlapping, nameComponents, patches, peaks, splitAtCentres, splitTouching, trueClassOf, voteComponents, type Patch } from './vote.js';

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

describe('centreTargets', () => {
  it('puts a Gaussian of a sixth of the shorter side (at least 1 px) at each box centre, the larger where two meet', () => {
    // Box [0, 0, 6, 4) in a 4×8 image: centre (x 3, y 2), spread max(1, 4 / 6) = 1.
    // Box [6, 0, 8, 2): centre (7, 1), spread 1.
    const heat = centreTargets([0, 0, 6, 4, 6, 0, 8, 2], 4, 8);
    expect(heat[2 * 8 + 3]).toBe(1);
    expect(heat[1 * 8 + 7]).toBe(1);
    // One pixel from the first centre: exp(-1/2); two (diagonal): exp(-1).
    expect(heat[2 * 8 + 4]).toBeCloseTo(Math.exp(-0.5), 6);
    expect(heat[1 * 8 + 2]).toBeCloseTo(Math.exp(-1), 6);
    // (x 5, y 1): exp(-(4 + 1) / 2) from the first centre, exp(-4 / 2) from the second: the larger, the second's.
    expect(heat[1 * 8 + 5]).toBeCloseTo(Math.exp(-2), 6);
    // A larger box spreads wider: [0, 0, 12, 12) in 12×12: centre (6, 6), spread 2; one pixel off, exp(-1/8).
    expect(centreTargets([0, 0, 12, 12], 12, 12)[6 * 12 + 7]).toBeCloseTo(Math.exp(-1 / 8), 6);
  });
});

describe('peaks', () => {
  // A 3×6 heatmap: a hill at (x 1, y 1) of 0.9 and a lower one at (x 4, y 1) of 0.5, three columns apart.
  const heat = [0.1, 0.2, 0.1, 0.0, 0.2, 0.1, 0.3, 0.9, 0.4, 0.1, 0.5, 0.3, 0.1, 0.2, 0.1, 0.0, 0.25, 0.25];
  it('finds the pixels that are the largest of their window and over the threshold', () => {
    // Reach 1: (1, 1) = index 7 and (4, 1) = index 10; the 0.25s lie beside the 0.5.
    expect(peaks(heat, 3, 6, 0.3, 1)).toEqual([7, 10]);
    // Threshold 0.6: only the first hill.
    expect(peaks(heat, 3, 6, 0.6, 1)).toEqual([7]);
    // Reach 3: the window of (4, 1) holds the 0.9 at distance 3: one peak.
    expect(peaks(heat, 3, 6, 0.3, 3)).toEqual([7]);
  });

  it('keeps the first pixel of a plateau', () => {
    const flat = [0, 0, 0, 0, 0.5, 0.5, 0, 0, 0];
    expect(peaks(flat, 3, 3, 0.3, 1)).toEqual([4]);
  });
});

describe('splitAtCentres and growSeeds', () => {
  // A 3×9 image: a 3×4 block (columns 0..3) touching a 3×5 block (columns 4..8): one patch of
  // 27 pixels, as two garments pasted side by side come out of the U-Net.
  const w = 9;
  const h = 3;
  const all = patches(new Array(w * h).fill(1), h, w);

  it('splits a patch with two centres, each pixel going to the nearer one (ties to the first)', () => {
    // Centres at (x 1, y 1) and (x 6, y 1): a pixel of column x is |x - 1| + |y - 1| steps from the
    // first and |x - 6| + |y - 1| from the second: columns 0..3 are nearer the first; the middle
    // column (3.5) does not exist, so the split falls between columns 3 and 4.
    const parts = splitAtCentres(all, [1 * w + 1, 1 * w + 6], h, w, 0);
    expect(parts.map((p) => p.box)).toEqual([
      [0, 0, 4, 3],
      [4, 0, 9, 3],
    ]);
    expect(parts.map((p) => p.pixels.length)).toEqual([12, 15]);
    // Seeds of radius 1 (the centre and its 4 neighbours) change nothing here.
    expect(splitAtCentres(all, [1 * w + 1, 1 * w + 6], h, w, 1).map((p) => p.box)).toEqual([
      [0, 0, 4, 3],
      [4, 0, 9, 3],
    ]);
    // Centres at x 1 and x 5: column 3 is 2 steps from both (a tie): it goes to the first.
    expect(splitAtCentres(all, [1 * w + 1, 1 * w + 5], h, w, 0).map((p) => p.box)).toEqual([
      [0, 0, 4, 3],
      [4, 0, 9, 3],
    ]);
  });

  it('keeps a patch whole with one centre, and ignores centres off the clothes', () => {
    expect(splitAtCentres(all, [1 * w + 1], h, w)).toEqual(all);
    const left = patches(Array.from({ length: w * h }, (_, i) => Number(i % w <= 3)), h, w);
    // The second centre (x 6) lies on the background.
    expect(splitAtCentres(left, [1 * w + 1, 1 * w + 6], h, w)).toEqual(left);
  });

  it('gives each pixel to the core it reaches first, inside the patch only', () => {
    // A U: columns 0 and 2 of a 3×3 image joined by the bottom row; cores at the two top pixels.
    const u = [1, 0, 1, 1, 0, 1, 1, 1, 1];
    const [patch] = patches(u, 3, 3);
    const parts = growSeeds(patch, [{ pixels: [0], box: [0, 0, 1, 1] }, { pixels: [2], box: [2, 0, 3, 1] }], 3, 3);
    // (1, 2), the bottom middle, is 3 steps from both: the first core's. Through the background it would be 1 from each.
    expect(parts.map((p) => [...p.pixels].sort((a, b) => a - b))).toEqual([
      [0, 3, 6, 7],
      [2, 5, 8],
    ]);
  });
});

describe('matchGarments and trueClassOf (the first stage alone)', () => {
  // A 1×8 image: true garment A on pixels 0..2, B on 3..7.
  const instances = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  const patch = (pixels: number[]): Patch => ({ pixels, box: [Math.min(...pixels), 0, Math.max(...pixels) + 1, 1] });

  it('counts a merged pair: the one found garment matches B (IoU 5/8) but not A (3/8), and holds both', () => {
    expect(matchGarments([patch([0, 1, 2, 3, 4, 5, 6, 7])], instances, 8)).toEqual({ garments: 2, matched: 1, merged: 2, split: 0 });
  });

  it('counts splits: A (IoU 2/3 with its best) and B (3/5) matched, each held a quarter or more by two found garments', () => {
    expect(matchGarments([patch([0, 1]), patch([2, 3, 4]), patch([5, 6, 7])], instances, 8)).toEqual({ garments: 2, matched: 2, merged: 0, split: 2 });
    expect(matchGarments([patch([0, 1, 2]), patch([3, 4, 5, 6, 7])], instances, 8)).toEqual({ garments: 2, matched: 2, merged: 0, split: 0 });
  });

  it('names a garment with the clothes class most of its pixels have, the background only where it has no other', () => {
    const mask = [0, 0, 3, 3, 5, 5, 5, 0];
    expect(trueClassOf(patch([0, 1, 2, 3, 4]), mask)).toBe(3);
    expect(trueClassOf(patch([2, 4, 5]), mask)).toBe(5);
    expect(trueClassOf(patch([0, 7]), mask)).toBe(0);
  });
});
