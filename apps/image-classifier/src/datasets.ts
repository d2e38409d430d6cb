/** Splits as @nn/data datasets and loaders: views on the stored bytes, transformed per batch. */
import { DataLoader, ImageDataset, splitIndices, Subset, type Image, type Transform } from '@nn/data';
import type { Tensor } from '@nn/tensor';
import type { Split } from './data.js';

/** Image `index` of a split, sharing its bytes. */
export function imageAt(split: Split, index: number): Image {
  const size = split.height * split.width;
  return { channels: 1, height: split.height, width: split.width, data: split.pixels.subarray(index * size, (index + 1) * size) };
}

export type Examples = Subset<[Tensor, number]>;

/** The first `limit` images of a split (all without a limit). */
export function limited(split: Split, limit: number | undefined): Split {
  if (limit === undefined || limit >= split.count) return split;
  const size = split.height * split.width;
  return { ...split, count: limit, pixels: split.pixels.subarray(0, limit * size), labels: split.labels.subarray(0, limit) };
}

/** The examples of `split` at `indices` (all by default), through `transform`. */
export function examples(split: Split, transform: Transform, options: { indices?: readonly number[]; seed?: number } = {}): Examples {
  const dataset = new ImageDataset((i) => imageAt(split, i), split.labels, { transform, seed: options.seed });
  return new Subset(dataset, options.indices ?? Array.from({ length: split.count }, (_, i) => i));
}

/** A seeded split of 0..count-1 into training and validation indices, both in ascending order. */
export function validationSplit(count: number, fraction: number, seed: number): { train: number[]; val: number[] } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`--val-split must be between 0 and 1 (exclusive), got ${fraction}`);
  const valCount = Math.max(1, Math.round(count * fraction));
  if (valCount >= count) throw new Error(`--val-split ${fraction} leaves no training images out of ${count}`);
  const [train, val] = splitIndices(count, [count - valCount, valCount], { seed });
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

export function loader(set: Examples, batchSize: number, shuffleSeed?: number): DataLoader<[Tensor, number], [Tensor, Tensor]> {
  return new DataLoader(set, { batchSize, shuffle: shuffleSeed !== undefined, seed: shuffleSeed });
}
