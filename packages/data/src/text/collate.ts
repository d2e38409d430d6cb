/**
 * A DataLoader collate for variable-length sequences: the sequence of each item is padded
 * (padSequences) into { tokens, lengths }, everything else is collated as defaultCollate does.
 *
 * Items may be a sequence alone (Int32Array or number[]), a tuple whose first entry is the
 * sequence (`[tokens, label]`), or a plain object with a `tokens` field (`{ tokens, label }`).
 */
import { dispose, tidy, type TensorContainer } from '@nn/tensor';
import { defaultCollate, type Collated, type CollateFn } from '../collate.js';
import { padSequences, type PadOptions, type PaddedBatch } from './pad.js';

export type Sequence = Int32Array | readonly number[];

/** What padCollate makes of items of type T. */
export type PadCollated<T> = T extends Sequence
  ? PaddedBatch
  : T extends readonly [Sequence, ...infer Rest]
    ? [PaddedBatch, ...{ -readonly [K in keyof Rest]: Collated<Rest[K]> }]
    : T extends { tokens: Sequence }
      ? PaddedBatch & { -readonly [K in Exclude<keyof T, 'tokens'>]: Collated<T[K]> }
      : never;

function isSequence(value: unknown): value is Sequence {
  return value instanceof Int32Array || (Array.isArray(value) && value.every((v) => typeof v === 'number'));
}

/**
 *   new DataLoader(words, { batchSize: 64, collate: padCollate({ maxLength: 20 }) })
 *   // items [Int32Array, number] → batches [{ tokens [B, T], lengths [B] }, labels [B]]
 */
export function padCollate<T>(options: PadOptions = {}): CollateFn<T, PadCollated<T>> {
  dispose(padSequences([[]], options, 'padCollate')); // checks the options now, not at the first batch
  return (items: readonly T[]): PadCollated<T> => {
    if (items.length === 0) throw new Error('padCollate: cannot collate an empty batch');
    const first = items[0] as unknown;
    // Every check comes before the first tensor is made, so a bad batch leaks nothing.
    const sequencesAt = (pick: (item: unknown) => unknown): Sequence[] =>
      items.map((item, i) => {
        const s = pick(item);
        if (!isSequence(s)) throw new Error(`padCollate: item ${i} has no sequence of indices where item 0 has one`);
        return s;
      });
    if (isSequence(first)) return padSequences(sequencesAt((item) => item), options, 'padCollate') as PadCollated<T>;
    if (Array.isArray(first) && first.length > 0 && isSequence(first[0])) {
      const sequences = sequencesAt((item) => (Array.isArray(item) ? (item as unknown[])[0] : undefined));
      return tidy(() => {
        const rest = first.length > 1 ? (defaultCollate(items.map((item) => (item as unknown[]).slice(1))) as TensorContainer[]) : [];
        return [padSequences(sequences, options, 'padCollate'), ...rest] as TensorContainer;
      }) as unknown as PadCollated<T>;
    }
    if (typeof first === 'object' && first !== null && 'tokens' in first && isSequence((first).tokens)) {
      if ('lengths' in first) throw new Error("padCollate: the items' field 'lengths' would clash with the lengths of tokens");
      const sequences = sequencesAt((item) => (item as { tokens?: unknown }).tokens);
      const rest = items.map((item) => {
        const { tokens: _, ...others } = item as Record<string, unknown>;
        return others;
      });
      return tidy(() => {
        const collated = Object.keys(rest[0]).length > 0 ? (defaultCollate(rest) as Record<string, TensorContainer>) : {};
        return { ...padSequences(sequences, options, 'padCollate'), ...collated };
      }) as unknown as PadCollated<T>;
    }
    throw new Error('padCollate: expected items that are a sequence of indices, a tuple starting with one, or an object with a tokens field');
  };
}
