/**
 * Words to batches for the classifiers: each example is its character indices and its
 * language, grouped by length (BucketBatchSampler) and padded per batch (padCollate), so a
 * batch of short words is not padded to 20 characters.
 */
import { BucketBatchSampler, DataLoader, padCollate, type CharVocabulary, type Dataset } from '@nn/data';
import type { Example } from './data.js';
import { MAX_WORD_LENGTH } from './words.js';

export type EncodedExample = [Int32Array, number];

export function encodeExamples(vocab: CharVocabulary, examples: readonly Example[]): Dataset<EncodedExample> {
  const items = examples.map(({ word, label }): EncodedExample => [vocab.encode(word), label]);
  return { length: items.length, get: (i) => items[i] };
}

/** Training batches of similar lengths, in a new seeded order each epoch; or, without a seed, every example in order. */
export function wordLoader(dataset: Dataset<EncodedExample>, batchSize: number, seed?: number) {
  return new DataLoader(dataset, { batchSampler: bucketSampler(dataset, batchSize, seed), collate: padCollate<EncodedExample>({ maxLength: MAX_WORD_LENGTH }) });
}

function bucketSampler(dataset: Dataset<EncodedExample>, batchSize: number, seed?: number): BucketBatchSampler {
  const lengths = Array.from({ length: dataset.length }, (_, i) => (dataset.get(i) as EncodedExample)[0].length);
  return new BucketBatchSampler(lengths, { batchSize, seed, shuffle: seed !== undefined });
}

/** For wordLoader(dataset, batchSize) without a seed: the dataset index of each row its batches yield, in order. */
export function unseededOrder(dataset: Dataset<EncodedExample>, batchSize: number): number[] {
  return bucketSampler(dataset, batchSize).batches().flat();
}
