/** Reordering axes: permute, transpose (swap two) and t (2-D transpose), all one Transpose kernel. */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type TransposeAttrs } from '../kernel_names.js';
import { formatShape, isIntArray, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';

/** Output axis i is input axis dims[i]; dims must name every axis once (negatives count from the end). */
export function permute(x: TensorLike, dims: readonly number[]): Tensor {
  const t = toTensor(x, 'permute', 'x');
  if (!isIntArray(dims)) throw new Error(`permute: dims must be an array of integers, got ${String(dims)}`);
  if (dims.length !== t.rank) {
    throw new Error(`permute: dims ${formatShape(dims)} must list all ${t.rank} axes of a tensor of shape ${formatShape(t.shape)}`);
  }
  const perm = dims.map((d) => normalizeAxis('permute', d, t.rank));
  if (new Set(perm).size !== perm.length) throw new Error(`permute: dims ${formatShape(dims)} repeat an axis`);
  const attrs: TransposeAttrs = { perm };
  return runKernel(KernelName.Transpose, { x: t }, attrs);
}

/** Swaps axes dim0 and dim1. */
export function transpose(x: TensorLike, dim0: number, dim1: number): Tensor {
  const t = toTensor(x, 'transpose', 'x');
  const a = normalizeAxis('transpose', dim0, t.rank);
  const b = normalizeAxis('transpose', dim1, t.rank);
  const perm = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  const attrs: TransposeAttrs = { perm };
  return runKernel(KernelName.Transpose, { x: t }, attrs);
}

/** The transpose of a matrix; 0-d and 1-d tensors come back as they are, as torch.t. */
export function t(x: TensorLike): Tensor {
  const input = toTensor(x, 't', 'x');
  if (input.rank > 2) throw new Error(`t: expects a tensor of rank at most 2, got shape ${formatShape(input.shape)}; use transpose or permute`);
  return input.rank === 2 ? transpose(input, 0, 1) : permute(input, input.shape.map((_, i) => i));
}

declare module '../tensor.js' {
  interface Tensor {
    /** `x.permute(0, 2, 1)` or `x.permute([0, 2, 1])`. */
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
  }
}

Tensor.prototype.permute = function (this: Tensor, ...dims: number[] | [readonly number[]]) {
  const list = dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : (dims as number[]);
  return permute(this, list);
};
Tensor.prototype.transpose = function (this: Tensor, dim0: number, dim1: number) { return transpose(this, dim0, dim1); };
Tensor.prototype.t = function (this: Tensor) { return t(this); };
