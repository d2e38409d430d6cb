/** Cutting a tensor into pieces along one axis: split (torch.split) and chunk (torch.chunk). */
import { toTensor, type TensorLike } from '../convert.js';
import { formatShape, isIntArray, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { narrow } from './slice.js';

function splitWithSizes(t: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  const pieces: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    pieces.push(narrow(t, axis, start, size));
    start += size;
  }
  return pieces;
}

/**
 * torch.split: a number cuts pieces of that size (the last may be smaller); a list gives
 * each piece's size and must add up to the size of `axis`.
 */
export function split(x: TensorLike, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  const op = 'split';
  const t = toTensor(x, op, 'x');
  if (t.rank === 0) throw new Error(`${op}: cannot split a 0-d tensor`);
  const resolved = normalizeAxis(op, axis, t.rank);
  const n = t.shape[resolved];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 1) {
      throw new Error(`${op}: split size must be a positive integer, got ${sizeOrSections}`);
    }
    const count = Math.max(1, Math.ceil(n / sizeOrSections));
    const sizes = Array.from({ length: count }, (_, i) => Math.min(sizeOrSections, n - i * sizeOrSections));
    return splitWithSizes(t, sizes, resolved);
  }
  if (!isIntArray(sizeOrSections) || !sizeOrSections.every((s) => s >= 0)) {
    throw new Error(`${op}: sizes must be a number or an array of non-negative integers, got ${String(sizeOrSections)}`);
  }
  const total = sizeOrSections.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new Error(`${op}: sizes ${formatShape(sizeOrSections)} add up to ${total} but axis ${resolved} of ${formatShape(t.shape)} has size ${n}`);
  }
  return splitWithSizes(t, sizeOrSections, resolved);
}

/** torch.chunk: at most `chunks` pieces of ceil(size / chunks) elements along `axis`. */
export function chunk(x: TensorLike, chunks: number, axis = 0): Tensor[] {
  const op = 'chunk';
  const t = toTensor(x, op, 'x');
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`${op}: chunks must be a positive integer, got ${chunks}`);
  if (t.rank === 0) throw new Error(`${op}: cannot chunk a 0-d tensor`);
  const resolved = normalizeAxis(op, axis, t.rank);
  const n = t.shape[resolved];
  // As PyTorch: an empty axis still gives `chunks` (empty) pieces.
  if (n === 0) return splitWithSizes(t, new Array<number>(chunks).fill(0), resolved);
  return split(t, Math.ceil(n / chunks), resolved);
}

declare module '../tensor.js' {
  interface Tensor {
    split(sizeOrSections: number | readonly number[], axis?: number): Tensor[];
    chunk(chunks: number, axis?: number): Tensor[];
  }
}

Tensor.prototype.split = function (this: Tensor, sizeOrSections: number | readonly number[], axis?: number) { return split(this, sizeOrSections, axis); };
Tensor.prototype.chunk = function (this: Tensor, chunks: number, axis?: number) { return chunk(this, chunks, axis); };
