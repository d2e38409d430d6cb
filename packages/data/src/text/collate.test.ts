import '@nn/backend-cpu';
import { dispose, memory } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset.js';
import { DataLoader } from '../loader.js';
import { padCollate } from './collate.js';

const words: [Int32Array, number][] = [
  [Int32Array.of(3, 4, 5), 0],
  [Int32Array.of(6), 1],
  [Int32Array.of(7, 8), 2],
];
const dataset: Dataset<[Int32Array, number]> = { length: words.length, get: (i) => words[i] };

describe('padCollate', () => {
  it('pads the sequences of tuple items and stacks the rest, inside a DataLoader', () => {
    const before = memory().numTensors;
    const batches = [...new DataLoader(dataset, { batchSize: 2, collate: padCollate() })];
    const [[{ tokens, lengths }, labels]] = batches;
    expect(tokens.toArray()).toEqual([[3, 4, 5], [6, 0, 0]]);
    expect(lengths.toArray()).toEqual([3, 1]);
    expect(labels.toArray()).toEqual([0, 1]);
    expect(batches[1][0].tokens.shape).toEqual([1, 2]);
    dispose(batches);
    expect(memory().numTensors).toBe(before);
  });

  it('takes sequences alone and objects with a tokens field', () => {
    const alone = padCollate<number[]>({ padSide: 'left' })([[1, 2], [3]]);
    expect(alone.tokens.toArray()).toEqual([[1, 2], [0, 3]]);
    const objects = padCollate<{ tokens: number[]; label: number }>()([
      { tokens: [1], label: 4 },
      { tokens: [2, 3], label: 5 },
    ]);
    expect(objects.tokens.toArray()).toEqual([[1, 0], [2, 3]]);
    expect(objects.label.toArray()).toEqual([4, 5]);
    dispose([alone, objects]);
  });

  it('checks its options at once and names bad items', () => {
    expect(() => padCollate({ maxLength: -1 })).toThrow(/padCollate: maxLength must be an integer >= 1/);
    const before = memory().numTensors;
    expect(() => padCollate()([[[1], 1], ['x', 2]] as never)).toThrow(/padCollate: item 1 has no sequence of indices/);
    expect(() => padCollate()([{ tokens: [1], lengths: 1 }] as never)).toThrow(/field 'lengths' would clash/);
    expect(() => padCollate()([{ x: 1 }] as never)).toThrow(/padCollate: expected items that are a sequence/);
    expect(memory().numTensors).toBe(before);
  });
});
