/**
 * Bucketing by length: batches of similar lengths, so a batch of short words is not padded to
 * the length of the longest word of the epoch (torchtext's BucketIterator, AllenNLP's
 * BucketBatchSampler). Each epoch the items are shuffled, cut into pools of
 * `batchSize × poolBatches`, each pool is sorted by length and cut into batches, and the
 * batches are shuffled: every item exactly once per epoch, seeded, and still random enough
 * that a batch is not always the same words.
 *
 *   const sampler = new BucketBatchSampler(words.map((w) => w.length), { batchSize: 64, seed: 1 });
 *   new DataLoader(dataset, { batchSampler: sampler, collate: padCollate() })
 */
import type { Generator as RandomGenerator } from '@nn/tensor';
import type { BatchSampler } from '../loader.js';
import { randperm, resolveGenerator } from '../random.js';

export interface BucketBatchSamplerOptions {
  batchSize: number;
  /** Batches per sorted pool (default 50): larger pools pad less and shuffle less. */
  poolBatches?: number;
  /** Shuffle the items before pooling and the batches after (default true); false sorts the whole set by length. */
  shuffle?: boolean;
  /** Drop the last, short batch of each pool. Default false. */
  dropLast?: boolean;
  seed?: number;
  generator?: RandomGenerator;
}

export class BucketBatchSampler implements BatchSampler {
  readonly lengths: readonly number[];
  readonly batchSize: number;
  readonly poolBatches: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly ownGenerator: RandomGenerator | undefined;

  constructor(lengths: readonly number[], options: BucketBatchSamplerOptions) {
    const count = (name: string, value: unknown): void => {
      if (!Number.isInteger(value) || (value as number) < 1) throw new Error(`BucketBatchSampler: ${name} must be an integer >= 1, got ${String(value)}`);
    };
    count('batchSize', options.batchSize);
    count('poolBatches', options.poolBatches ?? 50);
    lengths.forEach((len, i) => {
      if (!Number.isInteger(len) || len < 0) throw new Error(`BucketBatchSampler: length ${i} must be an integer >= 0, got ${len}`);
    });
    this.lengths = [...lengths];
    this.batchSize = options.batchSize;
    this.poolBatches = options.poolBatches ?? 50;
    this.shuffle = options.shuffle ?? true;
    this.dropLast = options.dropLast ?? false;
    this.ownGenerator = options.seed !== undefined || options.generator !== undefined ? resolveGenerator(options) : undefined;
  }

  get length(): number {
    const n = this.lengths.length;
    const pool = this.poolSize();
    let total = 0;
    for (let start = 0; start < n; start += pool) {
      const size = Math.min(pool, n - start);
      total += this.dropLast ? Math.floor(size / this.batchSize) : Math.ceil(size / this.batchSize);
    }
    return total;
  }

  /** Items sorted together: a pool when shuffling, the whole set when not. */
  private poolSize(): number {
    return this.shuffle ? this.batchSize * this.poolBatches : Math.max(this.lengths.length, 1);
  }

  batches(): number[][] {
    const n = this.lengths.length;
    const generator = this.shuffle ? (this.ownGenerator ?? resolveGenerator()) : undefined;
    const order = generator ? randperm(n, generator) : Array.from({ length: n }, (_, i) => i);
    const pool = this.poolSize();
    const batches: number[][] = [];
    for (let start = 0; start < n; start += pool) {
      // A stable sort: equal lengths keep their shuffled order.
      const sorted = order.slice(start, start + pool).sort((a, b) => this.lengths[a] - this.lengths[b]);
      for (let at = 0; at < sorted.length; at += this.batchSize) {
        const batch = sorted.slice(at, at + this.batchSize);
        if (batch.length < this.batchSize && this.dropLast) break;
        batches.push(batch);
      }
    }
    if (!generator) return batches;
    return randperm(batches.length, generator).map((i) => batches[i]);
  }
}
