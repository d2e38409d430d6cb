/**
 * DataLoader: batches of a dataset, in order or reshuffled each epoch by a seeded
 * generator, as torch.utils.data.DataLoader.
 *
 * Two ways to iterate, over the same batches:
 *   for (const [x, y] of loader) ...        // sync: for in-memory datasets
 *   for await (const [x, y] of loader) ...  // async: items may be promises, or the source an
 *                                           // (async) iterable that streams from disk or network
 *
 * Tensor ownership: each batch is new and belongs to the loop body, which disposes it
 * (`dispose(batch)`, or make it inside `tidy`). The items a dataset returned are disposed
 * by the loader once they are collated. The async iterator prepares `prefetch` batches
 * ahead (default 1), so one more batch is alive while the body runs; if the loop stops
 * early the loader disposes the batches it had prepared.
 */
import { dispose, type Generator as RandomGenerator, type TensorContainer } from '@nn/tensor';
import { defaultCollate, disposeItems, type Collated, type CollateFn } from './collate.js';
import type { Dataset } from './dataset.js';
import { randperm, resolveGenerator } from './random.js';

/** Hands a DataLoader the index lists of one epoch's batches (torch's batch_sampler). */
export interface BatchSampler {
  /** The batches of one epoch (a new draw on each call, when random). */
  batches(): number[][];
  /** Batches per epoch. */
  readonly length: number;
}

export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the order at the start of every epoch (map datasets only). */
  shuffle?: boolean;
  /** Seed for the loader's own shuffling generator; the epochs differ, the run repeats. */
  seed?: number;
  /** Generator to shuffle with; without seed or generator, the default one of @nn/tensor. */
  generator?: RandomGenerator;
  /** Drop the last batch if it is smaller than batchSize. */
  dropLast?: boolean;
  /** Turns a list of items into a batch (default: defaultCollate, which stacks tensors). */
  collate?: CollateFn<T, B>;
  /** Batches the async iterator prepares ahead of the one being used (default 1). */
  prefetch?: number;
  /**
   * Chooses each epoch's batches instead of batchSize/shuffle/dropLast (torch's batch_sampler),
   * e.g. a BucketBatchSampler that groups items of similar length. Map datasets only.
   */
  batchSampler?: BatchSampler;
}

/** What a DataLoader reads: a map-style dataset, or a stream of items (no shuffling). */
export type DataSource<T> = Dataset<T> | Iterable<T> | AsyncIterable<T>;

function isDataset<T>(source: DataSource<T>): source is Dataset<T> {
  const s = source as Partial<Dataset<T>>;
  return typeof s.get === 'function' && typeof s.length === 'number';
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`DataLoader: ${name} must be an integer >= ${min}, got ${value}`);
}

export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly prefetch: number;
  private readonly collate: CollateFn<T, B>;
  private readonly ownGenerator: RandomGenerator | undefined;
  private readonly useGetBatch: boolean;
  private readonly batchSampler: BatchSampler | undefined;

  constructor(
    readonly source: DataSource<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    this.batchSize = options.batchSize ?? 1;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.prefetch = options.prefetch ?? 1;
    checkCount('batchSize', this.batchSize, 1);
    checkCount('prefetch', this.prefetch, 0);
    if (this.shuffle && !isDataset(source)) {
      throw new Error('DataLoader: shuffle needs a map-style dataset (length and get); a streamed source is read in order');
    }
    this.batchSampler = options.batchSampler;
    if (this.batchSampler !== undefined) {
      const clash = (['batchSize', 'shuffle', 'dropLast', 'seed', 'generator'] as const).filter((k) => options[k] !== undefined);
      if (clash.length > 0) throw new Error(`DataLoader: batchSampler chooses the batches; leave out ${clash.join(', ')}`);
      if (!isDataset(source)) throw new Error('DataLoader: batchSampler needs a map-style dataset (length and get)');
    }
    this.collate = options.collate ?? (defaultCollate as CollateFn<T, B>);
    // With only the default generator, look it up each epoch: manualSeed replaces it.
    this.ownGenerator = options.seed !== undefined || options.generator !== undefined ? resolveGenerator(options) : undefined;
    this.useGetBatch = options.collate === undefined && isDataset(source) && typeof source.getBatch === 'function';
  }

  /** Batches per epoch. */
  get length(): number {
    if (!isDataset(this.source)) throw new Error('DataLoader: length is unknown for a streamed source');
    if (this.batchSampler) return this.batchSampler.length;
    const n = this.source.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The index lists of one epoch's batches (draws a new order when shuffling). */
  batchIndices(): number[][] {
    if (!isDataset(this.source)) throw new Error('DataLoader: batch indices need a map-style dataset');
    const n = this.source.length;
    if (this.batchSampler) return this.batchSampler.batches();
    const order = this.shuffle ? randperm(n, this.ownGenerator ?? resolveGenerator()) : Array.from({ length: n }, (_, i) => i);
    const batches: number[][] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (indices.length < this.batchSize && this.dropLast) break;
      batches.push(indices);
    }
    return batches;
  }

  private collateItems(items: T[]): B {
    let batch: B | undefined;
    try {
      batch = this.collate(items);
      return batch;
    } finally {
      disposeItems(items, batch);
    }
  }

  *[Symbol.iterator](): Iterator<B> {
    const source = this.source;
    if (!isDataset(source)) {
      if (!(Symbol.iterator in source)) throw new Error('DataLoader: the source is an async iterable; iterate with for await');
      yield* this.chunks(source[Symbol.iterator]());
      return;
    }
    for (const indices of this.batchIndices()) {
      if (this.useGetBatch) {
        const batch = source.getBatch!(indices);
        if (isPromiseLike(batch)) {
          batch.then((value) => dispose(value as TensorContainer), () => undefined);
          throw new Error('DataLoader: getBatch returned a Promise; iterate with for await');
        }
        yield batch as B;
        continue;
      }
      const items: T[] = [];
      for (const i of indices) {
        const item = source.get(i);
        if (isPromiseLike(item)) {
          // Free what this batch already holds, and the item once it arrives.
          disposeItems(items, undefined);
          item.then((value) => disposeItems([value], undefined), () => undefined);
          throw new Error(`DataLoader: item ${i} is a Promise (the dataset is asynchronous); iterate with for await`);
        }
        items.push(item);
      }
      yield this.collateItems(items);
    }
  }

  private *chunks(iterator: Iterator<T>): Generator<B> {
    let items: T[] = [];
    try {
      for (let r = iterator.next(); !r.done; r = iterator.next()) {
        items.push(r.value);
        if (items.length === this.batchSize) {
          const batch = items;
          items = [];
          yield this.collateItems(batch);
        }
      }
      if (items.length > 0 && !this.dropLast) {
        const batch = items;
        items = [];
        yield this.collateItems(batch);
      }
    } finally {
      // Items read but never collated (a dropped last batch, or the loop stopped early).
      disposeItems(items, undefined);
    }
  }

  /** Starts loading one batch; the dataset's get calls happen now, in index order. */
  private async loadBatch(source: Dataset<T>, indices: number[]): Promise<B> {
    if (this.useGetBatch) return (await source.getBatch!(indices)) as B;
    const settled = await Promise.allSettled(indices.map((i) => source.get(i)));
    const items = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      disposeItems(items, undefined); // the items that did arrive
      throw failed.reason;
    }
    return this.collateItems(items);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const source = this.source;
    if (!isDataset(source)) {
      yield* this.asyncChunks(source);
      return;
    }
    const batches = this.batchIndices();
    const ahead: Promise<B>[] = [];
    let next = 0;
    const fill = (): void => {
      while (ahead.length <= this.prefetch && next < batches.length) {
        const p = this.loadBatch(source, batches[next++]);
        // Marked handled now: it is awaited (and its error thrown) when its turn comes.
        p.catch(() => undefined);
        ahead.push(p);
      }
    };
    try {
      fill();
      while (ahead.length > 0) {
        const batch = await ahead.shift()!;
        fill();
        yield batch;
      }
    } finally {
      // The loop stopped early: free what was prepared ahead.
      for (const result of await Promise.allSettled(ahead)) {
        if (result.status === 'fulfilled') dispose(result.value as TensorContainer);
      }
    }
  }

  private async *asyncChunks(source: Iterable<T> | AsyncIterable<T>): AsyncGenerator<B> {
    let items: T[] = [];
    try {
      for await (const item of source) {
        items.push(item);
        if (items.length === this.batchSize) {
          const batch = items;
          items = [];
          yield this.collateItems(batch);
        }
      }
      if (items.length > 0 && !this.dropLast) {
        const batch = items;
        items = [];
        yield this.collateItems(batch);
      }
    } finally {
      disposeItems(items, undefined);
    }
  }
}
