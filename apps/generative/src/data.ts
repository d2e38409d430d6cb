/**
 * The images the models learn from: any MNIST-format folder of 28×28 grey images (the four
 * IDX files, gzipped or not), by default the embedded Fashion-MNIST subset that ships with
 * the app (data/fashion-mnist, see scripts/make_data.ts). Pixels become floats in [0, 1].
 */
import { fileURLToPath } from 'node:url';
import { readMnist } from '@nn/data/node';
import { tensor, type Tensor } from '@nn/tensor';

export const EMBEDDED_DATA_DIR = fileURLToPath(new URL('../data/fashion-mnist', import.meta.url));

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export interface ImageSet {
  /** N × 784 pixels in [0, 1], image after image. */
  pixels: Float32Array;
  /** Class 0..9 per image. */
  labels: Int32Array;
  length: number;
}

export async function readImages(dir: string, split: 'train' | 'test'): Promise<ImageSet> {
  const { images, labels } = await readMnist(dir, split);
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== SIDE || w !== SIDE) {
    throw new Error(`${dir}: the ${split} images must be ${SIDE}×${SIDE} (MNIST format), got shape [${images.shape.join(',')}]`);
  }
  const pixels = new Float32Array(n * PIXELS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  const classes = Int32Array.from(labels.data as ArrayLike<number>);
  for (const c of classes) if (!(c >= 0 && c < 10)) throw new Error(`${dir}: the ${split} labels must be classes 0..9, found ${c}`);
  return { pixels, labels: classes, length: n };
}

/** Images [n, 1, 28, 28] of the given indices, in [0, 1] or (for the GAN's tanh) in [−1, 1]. */
export function batchOf(set: ImageSet, indices: readonly number[], range: 'unit' | 'signed' = 'unit'): Tensor {
  const values = new Float32Array(indices.length * PIXELS);
  indices.forEach((index, n) => values.set(set.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), n * PIXELS));
  if (range === 'signed') for (let i = 0; i < values.length; i++) values[i] = values[i] * 2 - 1;
  return tensor(values, [indices.length, 1, SIDE, SIDE]);
}

/** Indices 0..n−1 shuffled by a seeded LCG (Fisher–Yates): the same order for a seed on every machine. */
export function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The first `count` indices of each class, in order, so that pictures show every class. */
export function perClass(set: ImageSet, count: number): number[] {
  const picked: number[] = [];
  for (let c = 0; c < 10; c++) {
    let found = 0;
    for (let i = 0; i < set.length && found < count; i++) {
      if (set.labels[i] === c) {
        picked.push(i);
        found++;
      }
    }
  }
  return picked;
}
