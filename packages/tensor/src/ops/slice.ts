/**
 * Slicing, as Python's x[b0:e0:s0, b1:e1:s1, ...]: per axis a begin, an end (exclusive) and a
 * positive step; negative indices count from the end and out-of-range ones are clamped.
 * narrow and select are the strict one-axis forms PyTorch has. All run the Slice kernel,
 * whose gradient (SliceGrad, exported as sliceGrad) puts dy back into zeros.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { KernelName, type SliceAttrs, type SliceGradAttrs } from '../kernel_names.js';
import { assertValidShape, formatShape, normalizeAxis, shapesEqual, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

/** Output size of begin:end:step (already resolved) along one axis. */
/** Array.isArray without narrowing (the parameter types already say array; users may pass anything). */
const isList = (value: unknown): boolean => Array.isArray(value);

function sliceLength(begin: number, end: number, step: number): number {
  return end > begin ? Math.ceil((end - begin) / step) : 0;
}

function checkList(op: string, name: string, list: readonly unknown[] | undefined, rank: number, allowNull: boolean): void {
  if (list === undefined) return;
  if (!isList(list)) throw new Error(`${op}: ${name} must be an array, got ${String(list)}`);
  if (list.length > rank) throw new Error(`${op}: ${name} has ${list.length} entries but the tensor has rank ${rank}`);
  for (const v of list) {
    if (!(Number.isInteger(v) || (allowNull && (v === null || v === undefined)))) {
      throw new Error(`${op}: ${name} must hold integers${allowNull ? ' or null' : ''}, got ${String(v)}`);
    }
  }
}

/**
 * x[begin[0]:end[0]:step[0], ...]. The lists may be shorter than the rank (the remaining
 * axes are taken whole); an `end` entry of null means "to the end".
 *   slice(x, [1], [-1])          // x[1:-1]
 *   slice(x, [0, 2], [null, 8], [1, 2]) // x[:, 2:8:2]
 */
export function slice(x: TensorLike, begin: readonly number[], end?: readonly (number | null)[], step?: readonly number[]): Tensor {
  const op = 'slice';
  const t = toTensor(x, op, 'x');
  if (begin === undefined) throw new Error(`${op}: begin is required (use [] to take every axis whole)`);
  checkList(op, 'begin', begin, t.rank, false);
  checkList(op, 'end', end, t.rank, true);
  checkList(op, 'step', step, t.rank, false);
  const attrs: SliceAttrs = { begin: [], end: [], step: [] };
  for (let axis = 0; axis < t.rank; axis++) {
    const size = t.shape[axis];
    const s = step?.[axis] ?? 1;
    if (s < 1) throw new Error(`${op}: step must be a positive integer, got ${s} for axis ${axis}`);
    const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    const b = clamp(begin[axis] ?? 0);
    const e = Math.max(clamp(end?.[axis] ?? size), b);
    attrs.begin.push(b);
    attrs.end.push(e);
    attrs.step.push(s);
  }
  return runKernel(KernelName.Slice, { x: t }, attrs);
}

/** torch.narrow: `length` elements of `dim` from `start` (which may be negative); no clamping. */
export function narrow(x: TensorLike, dim: number, start: number, length: number): Tensor {
  const op = 'narrow';
  const t = toTensor(x, op, 'x');
  if (t.rank === 0) throw new Error(`${op}: cannot narrow a 0-d tensor`);
  const axis = normalizeAxis(op, dim, t.rank);
  const size = t.shape[axis];
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new Error(`${op}: start ${start} is out of range [${-size}, ${size}] for axis ${axis} of shape ${formatShape(t.shape)}`);
  }
  const from = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || from + length > size) {
    throw new Error(`${op}: start ${from} + length ${length} exceeds size ${size} of axis ${axis} (shape ${formatShape(t.shape)})`);
  }
  const begin = t.shape.map((_, i) => (i === axis ? from : 0));
  const end = t.shape.map((d, i) => (i === axis ? from + length : d));
  return slice(t, begin, end);
}

/** torch.select: the slice at `index` along `dim`, with that dimension removed. */
export function select(x: TensorLike, dim: number, index: number): Tensor {
  const op = 'select';
  const t = toTensor(x, op, 'x');
  if (t.rank === 0) throw new Error(`${op}: cannot select from a 0-d tensor`);
  const axis = normalizeAxis(op, dim, t.rank);
  const size = t.shape[axis];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`${op}: index ${index} is out of range for axis ${axis} of size ${size} (shape ${formatShape(t.shape)})`);
  }
  const outShape = t.shape.filter((_, i) => i !== axis);
  return engine().tidy(() => reshape(narrow(t, axis, index < 0 ? index + size : index, 1), outShape));
}

/**
 * The gradient of slice: `dy` placed at the sliced positions of zeros of `inputShape`. The
 * attrs are the resolved ones a Slice kernel ran with.
 */
export function sliceGrad(dy: Tensor, inputShape: Shape, attrs: SliceAttrs): Tensor {
  const op = 'sliceGrad';
  const g = toTensor(dy, op, 'dy');
  assertValidShape(op, inputShape, 'inputShape');
  const { begin, end, step } = attrs;
  const rank = inputShape.length;
  if (begin.length !== rank || end.length !== rank || step.length !== rank) {
    throw new Error(`${op}: begin/end/step must have ${rank} entries for input shape ${formatShape(inputShape)}`);
  }
  const expected = inputShape.map((d, i) => {
    if (!(begin[i] >= 0 && end[i] >= begin[i] && end[i] <= d && step[i] >= 1)) {
      throw new Error(`${op}: slice ${begin[i]}:${end[i]}:${step[i]} is not resolved for axis ${i} of size ${d}`);
    }
    return sliceLength(begin[i], end[i], step[i]);
  });
  if (!shapesEqual(expected, g.shape)) {
    throw new Error(`${op}: dy has shape ${formatShape(g.shape)} but the slice of ${formatShape(inputShape)} has shape ${formatShape(expected)}`);
  }
  const gradAttrs: SliceGradAttrs = { begin: [...begin], end: [...end], step: [...step], inputShape: [...inputShape] };
  return runKernel(KernelName.SliceGrad, { dy: g }, gradAttrs);
}

declare module '../tensor.js' {
  interface Tensor {
    slice(begin: readonly number[], end?: readonly (number | null)[], step?: readonly number[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
  }
}

Tensor.prototype.slice = function (this: Tensor, begin: readonly number[], end?: readonly (number | null)[], step?: readonly number[]) {
  return slice(this, begin, end, step);
};
Tensor.prototype.narrow = function (this: Tensor, dim: number, start: number, length: number) { return narrow(this, dim, start, length); };
Tensor.prototype.select = function (this: Tensor, dim: number, index: number) { return select(this, dim, index); };
