import '@nn/backend-cpu';
import { dispose, Generator, manualSeed } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../loader.js';
import type { Image } from './image.js';
import { ImageDataset } from './image_dataset.js';
import { centerCrop, compose, crop, horizontalFlip, normalize, randomCrop, randomHorizontalFlip, resize } from './transforms.js';

/** An image of bytes (or floats) from its planar values. */
const bytes = (height: number, width: number, values: number[], channels = 1): Image => ({ channels, height, width, data: Uint8Array.from(values) });
const floats = (height: number, width: number, values: number[]): Image => ({ channels: 1, height, width, data: Float32Array.from(values) });
const rows = (image: Image): number[][] => Array.from({ length: image.height * image.channels }, (_, r) => Array.from(image.data.subarray(r * image.width, (r + 1) * image.width)));

describe('geometric transforms', () => {
  const image = bytes(2, 3, [0, 1, 2, 3, 4, 5]);

  it('flips each row of each channel, and randomHorizontalFlip(p) flips with probability p', () => {
    expect(rows(horizontalFlip(image))).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(rows(horizontalFlip(bytes(1, 2, [1, 2, 3, 4], 2)))).toEqual([[2, 1], [4, 3]]);
    expect(randomHorizontalFlip(0)(image)).toBe(image);
    expect(rows(randomHorizontalFlip(1)(image))).toEqual([[2, 1, 0], [5, 4, 3]]);
    const g = new Generator(1);
    let flips = 0;
    for (let i = 0; i < 2000; i++) if (randomHorizontalFlip(0.3)(image, g) !== image) flips++;
    expect(flips / 2000).toBeGreaterThan(0.26);
    expect(flips / 2000).toBeLessThan(0.34);
    expect(() => randomHorizontalFlip(2)).toThrow(/randomHorizontalFlip: p must be in \[0, 1\], got 2/);
  });

  it('crops with a fill outside the image; randomCrop covers every offset of the padded image', () => {
    expect(rows(crop(image, -1, 1, 2, 3, 9))).toEqual([[9, 9, 9], [1, 2, 9]]);
    expect(rows(centerCrop([2, 1])(image))).toEqual([[1], [4]]);
    const seen = new Set<string>();
    const g = new Generator(2);
    const t = randomCrop([2, 3], { padding: 1 });
    for (let i = 0; i < 200; i++) seen.add(JSON.stringify(rows(t(image, g))));
    expect(seen.size).toBe(9); // 3 vertical × 3 horizontal offsets
    expect(seen.has(JSON.stringify([[0, 0, 0], [0, 0, 1]]))).toBe(true); // top-left corner of the padding
    expect(() => randomCrop(4)(image)).toThrow(/randomCrop: the crop 4×4 is larger than the padded image 2×3/);
    expect(() => randomCrop(2, { padding: [1, 2, 3] })).toThrow(/randomCrop: padding must be/);
    expect(() => resize(0)).toThrow(/resize: size must be a positive integer/);
  });

  it('resizes bilinearly with half-pixel centres, as torch.nn.functional.interpolate(align_corners=False)', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(4, 4), mode='bilinear')
    expect(rows(resize([4, 4])(floats(2, 2, [0, 1, 2, 3])))).toEqual([
      [0, 0.25, 0.75, 1],
      [0.5, 0.75, 1.25, 1.5],
      [1.5, 1.75, 2.25, 2.5],
      [2, 2.25, 2.75, 3],
    ]);
    // Downsampling by 2 averages each 2×2 block's centre: (0 + 1 + 4 + 5) / 4 = 2.5, ...
    expect(rows(resize([1, 2])(floats(2, 4, [0, 1, 2, 3, 4, 5, 6, 7])))).toEqual([[2.5, 4.5]]);
    // A number sets the shorter side, keeping the aspect ratio; bytes stay bytes.
    const r = resize(4)(bytes(2, 3, [0, 10, 20, 30, 40, 50]));
    expect([r.height, r.width, r.data instanceof Uint8Array]).toEqual([4, 6, true]);
  });
});

describe('normalize', () => {
  it('divides bytes by 255, then subtracts the mean and divides by the std per channel', () => {
    const out = normalize([0.5, 0], [0.5, 2])(bytes(1, 2, [0, 255, 51, 102], 2));
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data).map((v) => +v.toFixed(6))).toEqual([-1, 1, 0.1, 0.2]);
    expect(Array.from(normalize([1], [2])(floats(1, 2, [3, 5])).data)).toEqual([1, 2]);
    expect(() => normalize([0.5, 0.5], [0.5])).toThrow(/normalize: mean and std need one value per channel/);
    expect(() => normalize([0], [0])).toThrow(/std values must be positive/);
    expect(() => normalize([0, 0], [1, 1])(bytes(1, 1, [1, 2, 3], 3))).toThrow(/normalize: 2 means and stds for an image with 3 channels/);
  });
});

describe('seeded augmentation in an ImageDataset', () => {
  const images = Array.from({ length: 6 }, (_, i) => bytes(4, 4, Array.from({ length: 16 }, (_, k) => (i * 16 + k) % 256)));
  const labels = [0, 1, 2, 3, 4, 5];
  const augment = compose(randomCrop(4, { padding: 2 }), randomHorizontalFlip(), normalize([0.5], [0.25]));

  const epoch = (ds: ImageDataset, seed: number): number[][] => {
    const out: number[][] = [];
    for (const [x, y] of new DataLoader(ds, { batchSize: 4, shuffle: true, seed })) {
      expect(x.shape).toEqual([y.shape[0], 1, 4, 4]);
      out.push(Array.from(x.dataSync()));
      dispose([x, y]);
    }
    return out;
  };

  it('repeats exactly with the same seeds and differs with others', () => {
    const a = epoch(new ImageDataset(images, labels, { transform: augment, seed: 9 }), 1);
    const b = epoch(new ImageDataset(images, labels, { transform: augment, seed: 9 }), 1);
    const c = epoch(new ImageDataset(images, labels, { transform: augment, seed: 10 }), 1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    manualSeed(4);
    const d = epoch(new ImageDataset(images, labels, { transform: augment }), 1);
    manualSeed(4);
    expect(epoch(new ImageDataset(images, labels, { transform: augment }), 1)).toEqual(d);
  });

  it('gives the same images through get() as through batches', () => {
    const viaBatch = new ImageDataset(images, labels, { transform: augment, seed: 3 }).getBatch([2, 5]);
    const ds = new ImageDataset(images, labels, { transform: augment, seed: 3 });
    const items = [ds.get(2), ds.get(5)];
    expect(Array.from(viaBatch[0].dataSync())).toEqual([...items[0][0].dataSync(), ...items[1][0].dataSync()]);
    expect(viaBatch[1].toArray()).toEqual([2, 5]);
    dispose([...viaBatch, items[0][0], items[1][0]]);
  });

  it('rejects images of different sizes in one batch', () => {
    const ds = new ImageDataset([bytes(2, 2, [0, 0, 0, 0]), bytes(3, 3, new Array<number>(9).fill(0))], [0, 1]);
    expect(() => ds.getBatch([0, 1])).toThrow(/ImageDataset: image 1 is 1×3×3, expected 1×2×2 like image 0 \(resize or crop first\)/);
    expect(() => new ImageDataset(images, [1, 2])).toThrow(/ImageDataset: 6 images but 2 labels/);
  });
});
