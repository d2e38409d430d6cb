/**
 * Padding variable-length sequences into one int32 batch, with the lengths a recurrent layer
 * (`lstm.forward(x, null, { lengths })`) or a padding mask needs: what torch's
 * pad_sequence does, plus truncation and a choice of side.
 */
import { tensor, type Tensor } from '@nn/tensor';
import type { Vocabulary } from './vocab.js';

export interface PadOptions {
  /** The index written into padded steps. Default 0 (a Vocabulary's padIndex). */
  padValue?: number;
  /** Where the padding goes: 'right' (after the tokens, default) or 'left' (before them). */
  padSide?: 'right' | 'left';
  /** Longer sequences are cut to this many tokens. Default: no limit. */
  maxLength?: number;
  /** Which end a cut keeps: 'right' cuts the end (keeps the first tokens, default), 'left' cuts the start. */
  truncation?: 'right' | 'left';
  /** Every batch is exactly this long (padded or cut), instead of as long as its longest sequence. */
  length?: number;
}

/** tokens int32 [B, T], lengths int32 [B]: the valid (unpadded) tokens of each row. A type, not an interface, so that it is a TensorContainer. */
export type PaddedBatch = {
  tokens: Tensor;
  lengths: Tensor;
};

const PAD_KEYS = new Set(['padValue', 'padSide', 'maxLength', 'truncation', 'length']);

function checkOptions(owner: string, options: PadOptions): void {
  for (const key of Object.keys(options)) if (!PAD_KEYS.has(key)) throw new Error(`${owner}: unknown option '${key}' (expected ${[...PAD_KEYS].join(', ')})`);
  const { padSide = 'right', truncation = 'right', padValue = 0 } = options;
  if (padSide !== 'right' && padSide !== 'left') throw new Error(`${owner}: padSide must be 'right' or 'left', got ${JSON.stringify(padSide)}`);
  if (truncation !== 'right' && truncation !== 'left') throw new Error(`${owner}: truncation must be 'right' or 'left', got ${JSON.stringify(truncation)}`);
  if (!Number.isInteger(padValue)) throw new Error(`${owner}: padValue must be an integer, got ${padValue}`);
  for (const name of ['maxLength', 'length'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`${owner}: ${name} must be an integer >= 1, got ${value}`);
  }
}

/**
 * Pads sequences of indices into tokens [B, T] and lengths [B]. T is the longest (cut)
 * sequence, at least 1, so that a batch of empty sequences still has one (padding) step.
 *   padSequences([[5, 6, 7], [8]])  // tokens [[5, 6, 7], [8, 0, 0]], lengths [3, 1]
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadOptions = {}, owner = 'padSequences'): PaddedBatch {
  checkOptions(owner, options);
  if (sequences.length === 0) throw new Error(`${owner}: cannot pad an empty batch`);
  const { padValue = 0, padSide = 'right', truncation = 'right' } = options;
  const cap = Math.min(options.maxLength ?? Infinity, options.length ?? Infinity);
  const lengths = new Int32Array(sequences.length);
  sequences.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') throw new Error(`${owner}: sequence ${i} is not an array of indices`);
    lengths[i] = Math.min(s.length, cap);
  });
  const T = options.length ?? lengths.reduce((a, b) => Math.max(a, b), 1);
  const data = new Int32Array(sequences.length * T).fill(padValue);
  sequences.forEach((s, b) => {
    const n = lengths[b];
    const from = truncation === 'left' ? s.length - n : 0;
    const at = b * T + (padSide === 'left' ? T - n : 0);
    for (let k = 0; k < n; k++) {
      const v = s[from + k];
      if (!Number.isInteger(v)) throw new Error(`${owner}: sequence ${b} holds ${v} at ${from + k}, expected integer indices`);
      data[at + k] = v;
    }
  });
  return { tokens: tensor(data, [sequences.length, T], 'int32'), lengths: tensor(lengths, [sequences.length], 'int32') };
}

/**
 * Encodes texts with a vocabulary and pads them (unknown tokens become the unknown index,
 * padding is the vocabulary's padIndex).
 *   const { tokens, lengths } = encodeBatch(chars, ['chat', 'chien'], { maxLength: 20 });
 */
export function encodeBatch(vocab: Vocabulary, texts: readonly string[], options: Omit<PadOptions, 'padValue'> = {}): PaddedBatch {
  if (!Array.isArray(texts)) throw new Error('encodeBatch: texts must be an array of strings');
  const sequences = texts.map((text, i) => {
    if (typeof text !== 'string') throw new Error(`encodeBatch: text ${i} is a ${typeof text}, expected a string`);
    return vocab.encode(text);
  });
  return padSequences(sequences, { ...options, padValue: vocab.padIndex }, 'encodeBatch');
}
