import '@nn/backend-cpu';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset.js';
import { DataLoader } from '../loader.js';
import { BucketBatchSampler } from './bucket.js';

const lengths = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 20);
const spread = (batch: number[]): number => Math.max(...batch.map((i) => lengths[i])) - Math.min(...batch.map((i) => lengths[i]));

describe('BucketBatchSampler', () => {
  it('uses every item exactly once per epoch, in batches of similar length', () => {
    const sampler = new BucketBatchSampler(lengths, { batchSize: 32, poolBatches: 10, seed: 1 });
    const batches = sampler.batches();
    expect(batches.length).toBe(sampler.length);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    // Pools of 320 items over 20 lengths: a sorted batch of 32 spans about two lengths.
    const meanSpread = batches.reduce((s, b) => s + spread(b), 0) / batches.length;
    expect(meanSpread).toBeLessThan(3);
  });

  it('repeats by seed, differs between epochs', () => {
    const a = new BucketBatchSampler(lengths, { batchSize: 32, seed: 5 });
    const b = new BucketBatchSampler(lengths, { batchSize: 32, seed: 5 });
    const first = a.batches();
    expect(b.batches()).toEqual(first);
    expect(a.batches()).not.toEqual(first);
  });

  it('counts its batches with dropLast, and sorts all when not shuffling', () => {
    const sampler = new BucketBatchSampler(lengths, { batchSize: 32, poolBatches: 4, dropLast: true, seed: 2 });
    const batches = sampler.batches();
    expect(batches.length).toBe(sampler.length);
    expect(batches.every((b) => b.length === 32)).toBe(true);
    const sorted = new BucketBatchSampler([3, 1, 2, 0], { batchSize: 2, shuffle: false }).batches();
    expect(sorted).toEqual([[3, 1], [2, 0]]);
    expect(() => new BucketBatchSampler([1], { batchSize: 0 })).toThrow(/BucketBatchSampler: batchSize must be an integer >= 1, got 0/);
    expect(() => new BucketBatchSampler([-1], { batchSize: 1 })).toThrow(/length 0 must be an integer >= 0, got -1/);
  });

  it('drives a DataLoader in place of batchSize and shuffle', () => {
    const dataset: Dataset<number> = { length: lengths.length, get: (i) => lengths[i] };
    const loader = new DataLoader(dataset, { batchSampler: new BucketBatchSampler(lengths, { batchSize: 50, seed: 3 }) });
    let seen = 0;
    for (const batch of loader) {
      seen += batch.shape[0];
      batch.dispose();
    }
    expect(seen).toBe(1000);
    expect(loader.length).toBe(20);
    expect(() => new DataLoader(dataset, { batchSampler: new BucketBatchSampler(lengths, { batchSize: 2 }), shuffle: true })).toThrow(
      /DataLoader: batchSampler chooses the batches; leave out shuffle/,
    );
  });
});
