import { Generator } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  composeJoint,
  cropJoint,
  horizontalFlipJoint,
  randomCropJoint,
  randomHorizontalFlipJoint,
  randomScaleJoint,
  resizeJoint,
  verticalFlipJoint,
} from './joint_transforms.js';
import { maskBounds, type VisionSample } from './sample.js';
import { generateScene } from './scene.js';
import { checksum, testItems } from '../test-utils/vision_items.js';

/** A 6×8 image with two rectangles: object 0 (class 3) at x 1..3, y 1..2; object 1 (class 5) at x 5..7, y 2..5. */
function twoBoxes(): VisionSample {
  const height = 6;
  const width = 8;
  const plane = height * width;
  const data = new Uint8Array(plane).map((_, p) => p); // every pixel different, to see it move
  const mask = new Uint8Array(plane);
  const instanceMasks = new Uint8Array(2 * plane);
  const objects = [
    [1, 1, 4, 3, 3],
    [5, 2, 8, 6, 5],
  ];
  objects.forEach(([x0, y0, x1, y1, c], k) => {
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        mask[y * width + x] = c;
        instanceMasks[k * plane + y * width + x] = 1;
      }
    }
  });
  return {
    image: { channels: 1, height, width, data },
    mask,
    boxes: Float32Array.from(objects.flatMap((o) => o.slice(0, 4))),
    labels: Int32Array.from([3, 5]),
    instanceMasks,
  };
}

/** Every object's box equals the bounds of its instance mask (where nothing hides it). */
function expectBoxesFitMasks(sample: VisionSample): void {
  const { height, width } = sample.image;
  const k = sample.labels!.length;
  for (let i = 0; i < k; i++) {
    expect(maskBounds(sample.instanceMasks!, i * height * width, height, width)).toEqual(Array.from(sample.boxes!.subarray(4 * i, 4 * i + 4)));
  }
}

describe('joint transforms', () => {
  it('flip the image, masks and boxes together', () => {
    const s = twoBoxes();
    const h = horizontalFlipJoint(s);
    expect(Array.from(h.boxes!)).toEqual([4, 1, 7, 3, 0, 2, 3, 6]);
    expect(h.image.data[0]).toBe(7); // pixel (0, 7) moved to (0, 0)
    expect(h.mask![1 * 8 + 6]).toBe(3);
    expectBoxesFitMasks(h);
    const v = verticalFlipJoint(s);
    expect(Array.from(v.boxes!)).toEqual([1, 3, 4, 5, 5, 0, 8, 4]);
    expect(v.image.data[0]).toBe(40);
    expectBoxesFitMasks(v);
    expect(horizontalFlipJoint(h)).toEqual(s);
    expect(verticalFlipJoint(v)).toEqual(s);
  });

  it('crop and shift, clipping boxes and dropping objects that mostly leave', () => {
    const s = twoBoxes();
    // Window x 2..7, y 0..5: object 0 keeps 2 of 3 columns (2/3 ≥ 0.25), object 1 keeps all.
    const c = cropJoint(s, 0, 2, 6, 6);
    expect(Array.from(c.boxes!)).toEqual([0, 1, 2, 3, 3, 2, 6, 6]);
    expect(Array.from(c.labels!)).toEqual([3, 5]);
    expectBoxesFitMasks(c);
    // Window x 3..7: object 0 keeps 1 of 3 columns, more than 0.25 but less than minVisible 0.5: dropped.
    const d = cropJoint(s, 0, 3, 6, 5, { minVisible: 0.5 });
    expect(Array.from(d.labels!)).toEqual([5]);
    expect(Array.from(d.boxes!)).toEqual([2, 2, 5, 6]);
    expect(d.instanceMasks!.length).toBe(6 * 5);
    expect(d.mask![1 * 5 + 0]).toBe(3); // the sliver's pixels keep their class in the class mask
    // A shift right by 2 (window starts at x = -2): the new columns are fill and maskFill.
    const shifted = cropJoint(s, 0, -2, 6, 8, { fill: 9, maskFill: 255 });
    expect(shifted.image.data[0]).toBe(9);
    expect(shifted.mask![0]).toBe(255);
    expect(Array.from(shifted.boxes!)).toEqual([3, 1, 6, 3, 7, 2, 8, 6]);
    expect(() => cropJoint(s, 0.5, 0, 2, 2)).toThrow('cropJoint: top must be an integer, got 0.5');
  });

  it('resize: image bilinear, masks nearest, boxes scaled', () => {
    const s = twoBoxes();
    const r = resizeJoint(s, [12, 16]);
    expect(Array.from(r.boxes!)).toEqual([2, 2, 8, 6, 10, 4, 16, 12]);
    expect(new Set(r.mask)).toEqual(new Set([0, 3, 5])); // no blended classes
    expectBoxesFitMasks(r);
    const small = resizeJoint(s, [3, 4]);
    expect(Array.from(small.boxes!)).toEqual([0.5, 0.5, 2, 1.5, 2.5, 1, 4, 3]);
  });

  it('random ones repeat with the seed, and keep scene targets consistent', () => {
    const scene = generateScene(testItems(), { size: 32, minObjects: 3, maxObjects: 3, overlap: 'avoid', seed: 5 });
    const augment = composeJoint(randomHorizontalFlipJoint(), randomScaleJoint([0.75, 1.5]), randomCropJoint(24, { padding: 4 }));
    const a = augment(scene, new Generator(11));
    const b = augment(scene, new Generator(11));
    const sum = (x: VisionSample): string => checksum(x.image.data, x.mask!, x.boxes!, x.labels!, x.instanceMasks!);
    expect(sum(a)).toBe(sum(b));
    expect(a.image.height).toBe(24);
    for (let seed = 0; seed < 10; seed++) {
      const flipped = randomHorizontalFlipJoint(1)(randomCropJoint(28)(scene, new Generator(seed)));
      const k = flipped.labels!.length;
      for (let i = 0; i < k; i++) {
        // Clipped boxes still hold the whole visible mask.
        const bounds = maskBounds(flipped.instanceMasks!, i * 28 * 28, 28, 28);
        const box = flipped.boxes!.subarray(4 * i, 4 * i + 4);
        if (bounds) expect(bounds[0] >= box[0] && bounds[1] >= box[1] && bounds[2] <= box[2] && bounds[3] <= box[3]).toBe(true);
      }
    }
  });
});
