import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { Generator, setBackend } from '@nn/tensor';
import { cropBox, cropTensor, jitterBox, maskedImage, squareWindow } from './crops.js';

await setBackend('cpu');

describe('squareWindow', () => {
  it('is the square around the box, its side the longer side times 1 + margin', () => {
    // Box x 10..20, y 4..30: 10 wide, 26 high. Side round(26 × 1.5) = 39; centre (15, 17):
    // top round((4 + 30 - 39) / 2) = round(-2.5) = -2, left round((10 + 20 - 39) / 2) = round(-4.5) = -4.
    expect(squareWindow([10, 4, 20, 30], 0.5)).toEqual([-2, -4, 39]);
    expect(squareWindow([0, 0, 4, 2], 0)).toEqual([-1, 0, 4]);
  });
});

describe('cropBox', () => {
  // An 8×8 one-channel ramp: pixel (y, x) = 8y + x.
  const image = { channels: 1, height: 8, width: 8, data: Float32Array.from({ length: 64 }, (_, i) => i) };

  it('cuts the square window and resamples it (half-pixel bilinear)', () => {
    // Box x 2..6, y 2..4 (4 × 2), no margin: the window is rows 1..4, columns 2..5 (side 4).
    // Halving 4 → 2: output (i, j) samples source (2i + 0.5, 2j + 0.5) of the window, the mean of
    // a 2×2 block: (0, 0) → rows 1–2, cols 2–3: (10 + 11 + 18 + 19) / 4 = 14.5.
    const out = cropBox(image, [2, 2, 6, 4], 2, 0);
    expect([out.channels, out.height, out.width]).toEqual([1, 2, 2]);
    expect(Array.from(out.data)).toEqual([14.5, 16.5, 30.5, 32.5]);
  });

  it('fills what lies outside the image with 0', () => {
    // Box x 0..2, y 0..2 with margin 1: side 4, top = left = round((0 + 2 - 4) / 2) = -1.
    const out = cropBox(image, [0, 0, 2, 2], 4, 1);
    expect(Array.from(out.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.data.subarray(4, 8))).toEqual([0, 0, 1, 2]);
  });
});

describe('cropTensor', () => {
  it('averages the channels, standardizes each crop and mirrors on request', () => {
    // Two channels 1×2: [0, 2] and [2, 4] average to [1, 3]: mean 2, spread 1 → [-1, 1]; mirrored [1, -1].
    const crop = { channels: 2, height: 1, width: 2, data: Float32Array.of(0, 2, 2, 4) };
    const t = cropTensor([crop, crop], [false, true]);
    expect(t.shape).toEqual([2, 1, 1, 2]);
    expect(Array.from(t.dataSync())).toEqual([-1, 1, 1, -1]);
  });
});

describe('maskedImage and jitterBox', () => {
  it('zeroes every channel outside the mask', () => {
    const image = { channels: 2, height: 1, width: 3, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    expect(Array.from(maskedImage(image, [1, 0, 1]).data)).toEqual([1, 0, 3, 4, 0, 6]);
  });

  it('moves and scales a box by at most the amount', () => {
    const g = new Generator(3);
    for (let i = 0; i < 50; i++) {
      const [x0, y0, x1, y1] = jitterBox([10, 20, 30, 60], g, 0.1);
      expect(x1 - x0).toBeGreaterThanOrEqual(18 - 1e-9);
      expect(x1 - x0).toBeLessThanOrEqual(22 + 1e-9);
      expect(Math.abs((x0 + x1) / 2 - 20)).toBeLessThanOrEqual(2 + 1e-9);
      expect(Math.abs((y0 + y1) / 2 - 40)).toBeLessThanOrEqual(4 + 1e-9);
    }
  });
});
