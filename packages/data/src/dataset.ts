/**
 * Map-style datasets, as torch.utils.data has them: a length and item access by index.
 *
 * Ownership: `get(i)` returns a fresh item that belongs to the caller (TensorDataset's
 * items are new slices of its tensors). The DataLoader relies on this: it disposes the
 * items' tensors once it has collated them into a batch.
 */
import { indexSelect, select, Tensor, tidy } from '@nn/tensor';
import type { Collated } from './collate.js';
import { randperm, resolveGenerator, type RandomOptions } from './random.js';

export interface Dataset<T> {
  /** Number of items. */
  readonly length: number;
  /** Item `index` in [0, length): a value or, for data that streams from somewhere, a promise. */
  get(index: number): T | Promise<T>;
  /**
   * Optional fast path: the collated batch of several items at once (e.g. one indexSelect
   * instead of a slice per item and a stack). It must equal defaultCollate of the items.
   */
  getBatch?(indices: readonly number[]): Collated<T> | Promise<Collated<T>>;
}

/** Throws unless `index` is an integer in [0, length). */
export function checkIndex(owner: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new Error(`${owner}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Rows of tensors that share their first dimension; item i is [t0[i], t1[i], ...].
 *   new TensorDataset(features, targets).get(0)  // [features[0], targets[0]]
 * The dataset does not own its tensors: dispose them (or call dispose()) when done.
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.rank === 0) throw new Error(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first (item) dimension`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new Error(
          `TensorDataset: tensor ${i} has ${t.shape[0]} rows (shape [${t.shape.join(',')}]), expected ${tensors[0].shape[0]} like tensor 0 (shape [${tensors[0].shape.join(',')}])`,
        );
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => select(t, 0, index));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    for (const i of indices) checkIndex('TensorDataset', i, this.length);
    return tidy(() => this.tensors.map((t) => indexSelect(t, 0, [...indices])));
  }

  dispose(): void {
    for (const t of this.tensors) t.dispose();
  }
}

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T> implements Dataset<T> {
  readonly getBatch?: (indices: readonly number[]) => Collated<T> | Promise<Collated<T>>;

  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    for (const i of indices) checkIndex('Subset', i, dataset.length);
    const batched = dataset.getBatch?.bind(dataset);
    if (batched) this.getBatch = (batchIndices) => batched(batchIndices.map((i) => this.indices[this.check(i)]));
  }

  get length(): number {
    return this.indices.length;
  }

  private check(index: number): number {
    checkIndex('Subset', index, this.indices.length);
    return index;
  }

  get(index: number): T | Promise<T> {
    return this.dataset.get(this.indices[this.check(index)]);
  }
}

/** Several datasets one after the other. */
export class ConcatDataset<T> implements Dataset<T> {
  private readonly offsets: number[] = [];
  readonly length: number;

  constructor(readonly datasets: readonly Dataset<T>[]) {
    let total = 0;
    for (const d of datasets) {
      this.offsets.push(total);
      total += d.length;
    }
    this.length = total;
  }

  get(index: number): T | Promise<T> {
    checkIndex('ConcatDataset', index, this.length);
    let k = this.datasets.length - 1;
    while (this.offsets[k] > index || this.datasets[k].length === 0) k--;
    return this.datasets[k].get(index - this.offsets[k]);
  }
}

/**
 * Split sizes for `total` items from fractions (summing to 1) or counts (summing to total),
 * as torch.utils.data.random_split: each fraction is floored and the remainder is handed
 * out one by one to the splits in order.
 */
export function splitLengths(total: number, lengths: readonly number[]): number[] {
  const op = 'randomSplit';
  if (lengths.length === 0) throw new Error(`${op}: expected at least one length or fraction`);
  if (lengths.some((l) => !Number.isFinite(l) || l < 0)) {
    throw new Error(`${op}: lengths must be non-negative numbers, got [${lengths.join(', ')}]`);
  }
  const sum = lengths.reduce((a, b) => a + b, 0);
  const isFractions = lengths.every((l) => l <= 1) && Math.abs(sum - 1) < 1e-6 && !lengths.every((l) => Number.isInteger(l) && sum === total);
  if (isFractions) {
    const counts = lengths.map((f) => Math.floor(total * f));
    let remainder = total - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]++;
    return counts;
  }
  if (!lengths.every((l) => Number.isInteger(l))) {
    throw new Error(`${op}: fractions must sum to 1 (got ${sum}), or lengths must be integers summing to ${total}`);
  }
  if (sum !== total) throw new Error(`${op}: lengths [${lengths.join(', ')}] sum to ${sum}, expected the dataset's length ${total}`);
  return [...lengths];
}

/**
 * Splits a dataset into disjoint random subsets of the given fractions or lengths.
 *   const [train, test] = randomSplit(ds, [0.8, 0.2], { seed: 42 });
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomOptions = {}): Subset<T>[] {
  return splitIndices(dataset.length, lengths, options).map((indices) => new Subset(dataset, indices));
}

/** The index lists behind randomSplit (also used to split tables). */
export function splitIndices(total: number, lengths: readonly number[], options: RandomOptions = {}): number[][] {
  const counts = splitLengths(total, lengths);
  const order = randperm(total, resolveGenerator(options));
  const out: number[][] = [];
  let offset = 0;
  for (const count of counts) {
    out.push(order.slice(offset, offset + count));
    offset += count;
  }
  return out;
}
