/**
 * Index arguments shared by the indexing ops (gather, indexSelect, oneHot, ...): int32
 * tensors or JS arrays of integers, range-checked before any kernel runs so that a bad
 * index is an error naming the op, never garbage read from outside a buffer.
 */
import { tensor, toTensor, type NestedNumbers, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { Tensor } from '../tensor.js';

function assertIntegers(op: string, arg: string, values: NestedNumbers): void {
  if (Array.isArray(values)) {
    for (const v of values as readonly NestedNumbers[]) assertIntegers(op, arg, v);
  } else if (typeof values !== 'number' || !Number.isInteger(values)) {
    throw new Error(`${op}: argument '${arg}' must hold integers, got ${String(values)}`);
  }
}

/** An int32 index tensor from a tensor (which must be int32), an integer, or an array of integers. */
export function toIndexTensor(value: TensorLike, op: string, arg: string): Tensor {
  if (value instanceof Tensor) {
    const t = toTensor(value, op, arg);
    if (t.dtype !== 'int32') throw new Error(`${op}: argument '${arg}' has dtype ${t.dtype}, expected int32 indices`);
    return t;
  }
  if (value instanceof Int32Array) return tensor(value);
  if (ArrayBuffer.isView(value)) throw new Error(`${op}: argument '${arg}' must be an Int32Array, a number array or an int32 tensor`);
  assertIntegers(op, arg, value);
  try {
    return tensor(value, undefined, 'int32');
  } catch (error) {
    throw new Error(`${op}: argument '${arg}': ${(error as Error).message}`);
  }
}

/**
 * Throws unless every index lies in [0, size). Reads the indices (a sync on GPU backends);
 * `where` completes the message, e.g. "for axis 1 of size 5". Where the indices cannot be
 * read synchronously (computed on a WebGPU device) the check is skipped rather than made
 * impossible: oneHot then gives an all-zero row; gather reads an unspecified element.
 */
export function assertIndicesInRange(op: string, indices: Tensor, size: number, where: string): void {
  if (!engine().canReadSync(indices)) return;
  const values = indices.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= size) throw new Error(`${op}: index ${v} is out of range ${where}`);
  }
}
