import '@nn/backend-cpu';
import { dispose, memory } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { encodeBatch, padSequences } from './pad.js';
import { CharVocabulary } from './vocab.js';

describe('padSequences', () => {
  it('pads right to the longest sequence with lengths, as int32', () => {
    const { tokens, lengths } = padSequences([[5, 6, 7], [8], []]);
    expect(tokens.dtype).toBe('int32');
    expect(lengths.dtype).toBe('int32');
    expect(tokens.toArray()).toEqual([[5, 6, 7], [8, 0, 0], [0, 0, 0]]);
    expect(lengths.toArray()).toEqual([3, 1, 0]);
    dispose([tokens, lengths]);
  });

  it('pads left, cuts at maxLength from either end, or to a fixed length', () => {
    const left = padSequences([[1, 2, 3, 4], [5]], { padSide: 'left', maxLength: 3, padValue: 9 });
    expect(left.tokens.toArray()).toEqual([[1, 2, 3], [9, 9, 5]]);
    expect(left.lengths.toArray()).toEqual([3, 1]);
    const keepEnd = padSequences([[1, 2, 3, 4]], { maxLength: 2, truncation: 'left' });
    expect(keepEnd.tokens.toArray()).toEqual([[3, 4]]);
    const fixed = padSequences([Int32Array.of(1)], { length: 4 });
    expect(fixed.tokens.toArray()).toEqual([[1, 0, 0, 0]]);
    dispose([left, keepEnd, fixed]);
  });

  it('gives a batch of empty sequences one padding step', () => {
    const { tokens, lengths } = padSequences([[], []]);
    expect(tokens.shape).toEqual([2, 1]);
    dispose([tokens, lengths]);
  });

  it('rejects bad options and values in one line', () => {
    expect(() => padSequences([])).toThrow(/padSequences: cannot pad an empty batch/);
    expect(() => padSequences([[1]], { padSide: 'top' as 'left' })).toThrow(/padSide must be 'right' or 'left', got "top"/);
    expect(() => padSequences([[1]], { maxLength: 0 })).toThrow(/maxLength must be an integer >= 1, got 0/);
    expect(() => padSequences([[1.5]])).toThrow(/sequence 0 holds 1.5 at 0, expected integer indices/);
    expect(() => padSequences([[1]], { pad: 1 } as never)).toThrow(/unknown option 'pad'/);
  });
});

describe('encodeBatch', () => {
  it('encodes with the vocabulary, unknowns as unk, padding as its padIndex', () => {
    const v = CharVocabulary.fit(['abc']);
    const before = memory().numTensors;
    const { tokens, lengths } = encodeBatch(v, ['cab', 'az'], { maxLength: 20 });
    expect(tokens.shape).toEqual([2, 3]);
    expect(tokens.toArray()).toEqual([
      [v.indexOf('c'), v.indexOf('a'), v.indexOf('b')],
      [v.indexOf('a'), v.unkIndex, v.padIndex],
    ]);
    expect(lengths.toArray()).toEqual([3, 2]);
    dispose([tokens, lengths]);
    expect(memory().numTensors).toBe(before);
    expect(() => encodeBatch(v, ['a', 3 as unknown as string])).toThrow(/encodeBatch: text 1 is a number, expected a string/);
  });
});
