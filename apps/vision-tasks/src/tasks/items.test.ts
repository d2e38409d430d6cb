import { describe, expect, it } from 'vitest';
import { Generator } from '@nn/tensor';
import { itemObject } from './items.js';

// Two 3×4 items: the first with ink in row 1, columns 1..2 (one fringe pixel below the threshold), the second blank.
const items = {
  images: { shape: [2, 3, 4], data: Uint8Array.from([0, 0, 0, 0, 0, 255, 32, 8, 0, 0, 0, 0, ...new Array<number>(12).fill(0)]) },
  labels: { data: Uint8Array.from([6, 1]) },
};

describe('itemObject', () => {
  it('draws the ink as the scenes do, on black, and boxes the ink', () => {
    const generator = new Generator(3);
    const tint = 0.5 + 0.5 * new Generator(3).nextFloat();
    const { image, box } = itemObject(items, 0, generator);
    expect([image.channels, image.height, image.width]).toEqual([1, 3, 4]);
    // v = 255: shade 0.5 + 0.5·tint·(0.25 + 0.75) at alpha 1; v = 32: shade 0.5 + 0.5·tint·(0.25 + 0.75·32/255) at alpha 1;
    // v = 8 (below the threshold 16): alpha 0.5, and outside the box.
    expect(image.data[5]).toBeCloseTo(0.5 + 0.5 * tint, 5);
    expect(image.data[6]).toBeCloseTo(0.5 + 0.5 * tint * (0.25 + (0.75 * 32) / 255), 5);
    expect(image.data[7]).toBeCloseTo((0.5 + 0.5 * tint * (0.25 + (0.75 * 8) / 255)) * 0.5, 5);
    expect([image.data[0], image.data[4], image.data[11]]).toEqual([0, 0, 0]);
    expect(box).toEqual([1, 1, 3, 2]);
  });

  it('boxes the whole item where it has no ink', () => {
    expect(itemObject(items, 1, new Generator(1)).box).toEqual([0, 0, 4, 3]);
  });
});
