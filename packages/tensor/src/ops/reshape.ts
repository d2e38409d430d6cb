/**
 * Ops that change the shape but not the values: reshape, flatten, squeeze, unsqueeze. All
 * run the Reshape kernel, which shares the input's buffer.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type ReshapeAttrs } from '../kernel_names.js';
import { formatShape, isIntArray, normalizeAxes, normalizeAxis, sizeFromShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';

/** Same values, new shape; one dimension may be -1 and is inferred. Shares the buffer. */
export function reshape(x: TensorLike, shape: Shape): Tensor {
  const t = toTensor(x, 'reshape', 'x');
  return reshapeTo(t, resolveShape('reshape', t.shape, shape));
}

function reshapeTo(t: Tensor, shape: number[]): Tensor {
  const attrs: ReshapeAttrs = { shape };
  return runKernel(KernelName.Reshape, { x: t }, attrs);
}

/** Merges dimensions startDim..endDim (inclusive) into one, as torch.flatten; a 0-d tensor becomes [1]. */
export function flatten(x: TensorLike, startDim = 0, endDim = -1): Tensor {
  const t = toTensor(x, 'flatten', 'x');
  if (t.rank === 0) return reshapeTo(t, [1]);
  const start = normalizeAxis('flatten', startDim, t.rank);
  const end = normalizeAxis('flatten', endDim, t.rank);
  if (start > end) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim} for a tensor of rank ${t.rank}`);
  const merged = sizeFromShape(t.shape.slice(start, end + 1));
  return reshapeTo(t, [...t.shape.slice(0, start), merged, ...t.shape.slice(end + 1)]);
}

/**
 * Removes dimensions of size 1: all of them when `axis` is undefined, else those listed that
 * have size 1 (others are left alone, as in PyTorch).
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = toTensor(x, 'squeeze', 'x');
  const axes = axis === undefined ? null : normalizeAxes('squeeze', axis, t.rank);
  const shape = t.shape.filter((d, i) => d !== 1 || (axes !== null && !axes.includes(i)));
  return reshapeTo(t, shape);
}

/** Inserts a dimension of size 1 at `axis`, which ranges over [-rank-1, rank] as in PyTorch. */
export function unsqueeze(x: TensorLike, axis: number): Tensor {
  const t = toTensor(x, 'unsqueeze', 'x');
  const position = normalizeAxis('unsqueeze', axis, t.rank + 1);
  const shape = [...t.shape];
  shape.splice(position, 0, 1);
  return reshapeTo(t, shape);
}

/** Resolves a target shape with at most one -1 against `from`. */
export function resolveShape(op: string, from: Shape, shape: Shape): number[] {
  if (!isIntArray(shape)) throw new Error(`${op}: shape must be an array of integers`);
  const size = sizeFromShape(from);
  let inferAt = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (inferAt >= 0) throw new Error(`${op}: only one dimension can be -1, got ${formatShape(shape)}`);
      inferAt = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: invalid dimension ${d} in ${formatShape(shape)}`);
    } else {
      known *= d;
    }
  }
  const out = [...shape];
  if (inferAt >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new Error(`${op}: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(shape)}`);
    }
    out[inferAt] = size / known;
  } else if (known !== size) {
    throw new Error(`${op}: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(shape)} (${known} elements)`);
  }
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    reshape(shape: Shape): Tensor;
    /** Same as reshape (PyTorch's view; our tensors are always contiguous). */
    view(shape: Shape): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor;
    unsqueeze(axis: number): Tensor;
  }
}

Tensor.prototype.reshape = function (this: Tensor, shape: Shape) { return reshape(this, shape); };
Tensor.prototype.view = function (this: Tensor, shape: Shape) { return reshape(this, shape); };
Tensor.prototype.flatten = function (this: Tensor, startDim?: number, endDim?: number) { return flatten(this, startDim, endDim); };
Tensor.prototype.squeeze = function (this: Tensor, axis?: number | readonly number[]) { return squeeze(this, axis); };
Tensor.prototype.unsqueeze = function (this: Tensor, axis: number) { return unsqueeze(this, axis); };
