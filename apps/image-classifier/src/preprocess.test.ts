import { describe, expect, it } from 'vitest';
import type { Image } from '@nn/data';
import { fitTransform, imageTransform, pixelStatistics, toDatasetImage } from './preprocess.js';

const grey = (height: number, width: number, value: (y: number, x: number) => number): Image => ({
  channels: 1,
  height,
  width,
  data: Uint8Array.from({ length: height * width }, (_, i) => value(Math.floor(i / width), i % width)),
});

describe('pixelStatistics', () => {
  it('gives the mean and population standard deviation in [0, 1] units', () => {
    const pixels = Uint8Array.from([0, 255, 51, 102]);
    const values = Array.from(pixels, (v) => v / 255);
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    const stats = pixelStatistics(pixels);
    expect(stats.mean).toBeCloseTo(mean, 12);
    expect(stats.std).toBeCloseTo(std, 12);
  });
});

describe('fitting images to the model', () => {
  it("pads 28×28 to 32×32 with a 2-pixel zero border, as LeNet-5's paper", () => {
    const image = grey(28, 28, () => 200);
    const out = fitTransform({ size: 32, fit: 'pad' })(image);
    expect([out.height, out.width]).toEqual([32, 32]);
    const at = (y: number, x: number): number => out.data[y * 32 + x];
    expect([at(0, 0), at(1, 31), at(31, 16), at(16, 1)]).toEqual([0, 0, 0, 0]);
    expect([at(2, 2), at(29, 29), at(16, 16)]).toEqual([200, 200, 200]);
  });

  it('resizes when the model wants a larger input (AlexNet)', () => {
    const out = fitTransform({ size: 64, fit: 'resize' })(grey(28, 28, () => 90));
    expect([out.height, out.width]).toEqual([64, 64]);
    expect(out.data.every((v) => v === 90)).toBe(true);
  });

  it('normalises with the given mean and std after the fit', () => {
    const out = imageTransform({ input: { size: 32, fit: 'pad' }, normalization: { mean: 0.5, std: 0.25 } })(grey(28, 28, () => 255));
    expect(out.data[0]).toBeCloseTo(-2, 6); // the border: (0 - 0.5) / 0.25
    expect(out.data[16 * 32 + 16]).toBeCloseTo(2, 6); // (1 - 0.5) / 0.25
  });

  it('augments the same way for the same seed, and differently for another', async () => {
    const { Generator } = await import('@nn/tensor');
    const transform = imageTransform({ input: { size: 32, fit: 'pad' }, normalization: { mean: 0, std: 1 }, augment: true, flip: true });
    const image = grey(28, 28, (y, x) => (x < 10 ? 255 : y));
    const run = (seed: number): number[] => {
      const g = new Generator(seed);
      return Array.from({ length: 4 }, () => Array.from(transform(image, g).data.slice(0, 200)).reduce((a, b) => a + b));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});

describe('toDatasetImage (classify)', () => {
  it('inverts a dark object on a light background, trims it, centres it on a square and shrinks it to 28×28', () => {
    // 60 × 120 white picture with a black 20 × 40 bar off centre.
    const photo = grey(60, 120, (y, x) => (y >= 10 && y < 30 && x >= 70 && x < 110 ? 0 : 255));
    const { image, inverted } = toDatasetImage(photo, 28, 28, 'auto');
    expect(inverted).toBe(true);
    expect([image.height, image.width]).toEqual([28, 28]);
    const at = (y: number, x: number): number => image.data[y * 28 + x];
    // The bar's long side fills the width; rows 7..20 hold it, centred; the rest is background.
    for (const x of [0, 14, 27]) expect(at(14, x)).toBeGreaterThan(240);
    for (const y of [0, 5, 22, 27]) expect(at(y, 14)).toBeLessThan(10);
  });

  it('shrinks a large photo by block averages, without aliasing', () => {
    // Stripes one pixel wide average to mid-grey; a 2-pixel-per-sample resize would not.
    const photo = grey(280, 280, (_y, x) => (x % 2 === 0 ? 255 : 0));
    const { image } = toDatasetImage(photo, 28, 28, false);
    for (const v of image.data) expect(v).toBeGreaterThan(100);
    for (const v of image.data) expect(v).toBeLessThan(155);
  });

  it('keeps a light object on black as it is, unless told to invert', () => {
    const photo = grey(28, 28, (y, x) => (Math.abs(y - 14) < 6 && Math.abs(x - 14) < 6 ? 250 : 0));
    expect(toDatasetImage(photo, 28, 28, 'auto')).toMatchObject({ inverted: false, image: { data: photo.data } });
    expect(toDatasetImage(photo, 28, 28, true).image.data[0]).toBe(255);
  });
});
