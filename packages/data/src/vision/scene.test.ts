import { describe, expect, it } from 'vitest';
import { DataLoader } from '../loader.js';
import { generateScene, SceneDataset, type Scene } from './scene.js';
import { maskBounds } from './sample.js';
import { checksum, testItems } from '../test-utils/vision_items.js';

const source = testItems();
const sum = (s: Scene): string => checksum(s.image.data, s.mask, s.boxes, s.labels, s.instanceMasks);

describe('generateScene', () => {
  it('gives byte-identical scenes for a seed, and the checksum written here', () => {
    const options = { size: 32, minObjects: 3, maxObjects: 3, scale: [1, 2] as const, seed: 1234 };
    const a = generateScene(source, options);
    const b = generateScene(source, options);
    expect(sum(a)).toBe(sum(b));
    // Pins the arithmetic: a change of any float or rule anywhere shows here (and on every machine).
    expect(sum(a)).toBe('7f7c7893');
    expect(sum(generateScene(source, { ...options, seed: 1235 }))).not.toBe(sum(a));
  });

  it('makes every background kind, in [0, 1], items brighter than the background', () => {
    for (const background of ['plain', 'noise', 'gradient', 'texture'] as const) {
      const scene = generateScene(source, { size: 24, background, channels: 1, seed: 3 });
      const values = Array.from(scene.image.data);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      expect(Array.from(scene.mask).every((m, p) => m === 0 || scene.image.data[p] >= 0.5)).toBe(true);
    }
  });

  it('keeps boxes, labels, the class mask and instance masks consistent', () => {
    let occluded = 0;
    for (let seed = 0; seed < 30; seed++) {
      const scene = generateScene(source, { size: 32, minObjects: 2, maxObjects: 6, seed });
      const k = scene.labels.length;
      const plane = 32 * 32;
      expect(scene.boxes.length).toBe(4 * k);
      expect(scene.instanceMasks.length).toBe(k * plane);
      // Instance masks never overlap, and the class mask is the label of the one that covers a pixel.
      const expected = new Uint8Array(plane);
      let overlaps = 0;
      for (let i = 0; i < k; i++) {
        for (let p = 0; p < plane; p++) {
          if (scene.instanceMasks[i * plane + p] === 0) continue;
          if (expected[p] !== 0) overlaps++;
          expected[p] = scene.labels[i];
        }
      }
      expect(overlaps).toBe(0);
      expect(scene.mask).toEqual(expected);
      for (let i = 0; i < k; i++) {
        const bounds = maskBounds(scene.instanceMasks, i * plane, 32, 32)!;
        const box = Array.from(scene.boxes.subarray(4 * i, 4 * i + 4));
        const later = Array.from({ length: k - i - 1 }, (_, j) => Array.from(scene.boxes.subarray(4 * (i + j + 1), 4 * (i + j + 2))));
        const hidden = later.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]);
        // The box is the pasted ink's: exactly the mask's bounds when nothing covers it, around them when something does.
        if (hidden) occluded++;
        if (!hidden) expect(bounds).toEqual(box);
        else expect(bounds[0] >= box[0] && bounds[1] >= box[1] && bounds[2] <= box[2] && bounds[3] <= box[3]).toBe(true);
        expect(scene.labels[i]).toBe(source.labels.data[scene.sourceIndices[i]] + 1);
      }
    }
    expect(occluded).toBeGreaterThan(5); // the occluded case is exercised
  });

  it("keeps boxes apart with overlap 'avoid'", () => {
    for (let seed = 0; seed < 20; seed++) {
      const { boxes } = generateScene(source, { size: 40, minObjects: 4, maxObjects: 4, overlap: 'avoid', seed });
      for (let i = 0; i < boxes.length; i += 4) {
        for (let j = i + 4; j < boxes.length; j += 4) {
          expect(boxes[i] < boxes[j + 2] && boxes[j] < boxes[i + 2] && boxes[i + 1] < boxes[j + 3] && boxes[j + 1] < boxes[i + 3]).toBe(false);
        }
      }
    }
  });

  it('checks its options and source', () => {
    expect(() => generateScene(source, { size: 12, scale: [1, 2] })).toThrow('generateScene: size must be integers of at least the largest item (16×16 at scale 2)');
    expect(() => generateScene(source, { minObjects: 3, maxObjects: 2 })).toThrow('minObjects and maxObjects must be integers with 0 ≤ minObjects ≤ maxObjects ≤ 253, got 3 and 2');
    expect(() => generateScene(source, { background: 'stars' as never })).toThrow("background must be 'random' or one of plain, noise, gradient, texture, got \"stars\"");
    expect(() => generateScene({ images: source.images, labels: { dtype: 'uint8', shape: [3], data: new Uint8Array(3) } })).toThrow('source labels must be [N] with N = 10');
  });
});

describe('SceneDataset', () => {
  it('gives scene i the same whatever order it is read in', () => {
    const set = new SceneDataset(source, { length: 5, size: 32, seed: 9 });
    const forward = Array.from({ length: 5 }, (_, i) => sum(set.get(i)));
    const backward = [4, 3, 2, 1, 0].map((i) => sum(new SceneDataset(source, { length: 5, size: 32, seed: 9 }).get(i))).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward).size).toBe(5);
    expect(() => set.get(5)).toThrow('SceneDataset: index 5 is out of range for a dataset of length 5');
  });

  it('batches through a DataLoader as lists of scenes (object counts differ)', () => {
    const set = new SceneDataset(source, { length: 5, size: 32, seed: 9 });
    const batches = [...new DataLoader(set, { batchSize: 2, shuffle: true, seed: 1, collate: (scenes: readonly Scene[]) => [...scenes] })];
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(batches.flat().map(sum).sort()).toEqual([0, 1, 2, 3, 4].map((i) => sum(set.get(i))).sort());
  });
});
