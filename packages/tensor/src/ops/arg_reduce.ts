/**
 * argmax/argmin over one axis, or over the flattened tensor when the axis is null or undefined, as
 * torch.argmax: int32 indices, the first occurrence on ties, NaN counting as the extreme.
 * maxWithIndices/minWithIndices give torch.max(x, dim)'s (values, indices) pair.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { KernelName, type ArgReduceAttrs, type ReduceAttrs } from '../kernel_names.js';
import { formatShape, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertNonEmptyReduction, reduceArgs, type ReduceOptions } from './reduce.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

export interface ValuesAndIndices {
  values: Tensor;
  /** int32 positions along the reduced axis. */
  indices: Tensor;
}

function singleAxis(op: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number') throw new Error(`${op}: axis must be a single integer, got ${Array.isArray(axis) ? formatShape(axis as number[]) : String(axis)}`);
  return normalizeAxis(op, axis, rank);
}

function argReduceOp(op: string, kernelName: string, x: TensorLike, axis: number | undefined, keepDim: boolean): Tensor {
  const t = toTensor(x, op, 'x');
  if (axis === undefined) {
    if (t.size === 0) throw new Error(`${op}: cannot take the ${op} of an empty tensor (shape ${formatShape(t.shape)})`);
    const attrs: ArgReduceAttrs = { axis: 0, keepDim: false };
    return engine().tidy(() => {
      const flat = runKernel(kernelName, { x: reshape(t, [t.size]) }, attrs);
      return keepDim ? reshape(flat, t.shape.map(() => 1)) : flat;
    });
  }
  const resolved = singleAxis(op, axis, t.rank);
  assertNonEmptyReduction(op, t.shape, t.rank === 0 ? [] : [resolved]);
  const attrs: ArgReduceAttrs = { axis: resolved, keepDim };
  return runKernel(kernelName, { x: t }, attrs);
}

function argReduce(op: string, kernelName: string, x: TensorLike, axisArg: number | null | undefined, options: ReduceOptions | undefined, extra: readonly unknown[]): Tensor {
  const [axis, keepDim] = reduceArgs(op, axisArg, options, extra);
  return argReduceOp(op, kernelName, x, axis as number | undefined, keepDim);
}

/** Index of the largest value along `axis` (of the flattened tensor when null or undefined). */
export const argmax = (x: TensorLike, axis?: number | null, options?: ReduceOptions, ...extra: never[]): Tensor =>
  argReduce('argmax', KernelName.ArgMax, x, axis, options, extra);
/** Index of the smallest value along `axis` (of the flattened tensor when null or undefined). */
export const argmin = (x: TensorLike, axis?: number | null, options?: ReduceOptions, ...extra: never[]): Tensor =>
  argReduce('argmin', KernelName.ArgMin, x, axis, options, extra);

/**
 * The Max/Min kernel over one axis, marked `ties: 'first'`: autograd then sends the gradient
 * to the index argmax/argmin returned (torch.max(x, dim)) rather than sharing it among ties
 * (torch.amax). Kernels ignore the mark.
 */
function extremumAt(kernelName: string, t: Tensor, axis: number, keepDim: boolean): Tensor {
  const attrs: ReduceAttrs & { ties: 'first' } = { axes: t.rank === 0 ? [] : [axis], keepDim, ties: 'first' };
  return runKernel(kernelName, { x: t }, attrs);
}

/** torch.max(x, dim, keepdim): the largest values along `axis` and where they are. */
export function maxWithIndices(x: TensorLike, axis: number, options?: ReduceOptions, ...extra: never[]): ValuesAndIndices {
  const [, keepDim] = reduceArgs('maxWithIndices', axis, options, extra);
  const t = toTensor(x, 'maxWithIndices', 'x');
  const resolved = singleAxis('maxWithIndices', axis, t.rank);
  const indices = argReduceOp('maxWithIndices', KernelName.ArgMax, t, resolved, keepDim);
  return { values: extremumAt(KernelName.Max, t, resolved, keepDim), indices };
}

/** torch.min(x, dim, keepdim): the smallest values along `axis` and where they are. */
export function minWithIndices(x: TensorLike, axis: number, options?: ReduceOptions, ...extra: never[]): ValuesAndIndices {
  const [, keepDim] = reduceArgs('minWithIndices', axis, options, extra);
  const t = toTensor(x, 'minWithIndices', 'x');
  const resolved = singleAxis('minWithIndices', axis, t.rank);
  const indices = argReduceOp('minWithIndices', KernelName.ArgMin, t, resolved, keepDim);
  return { values: extremumAt(KernelName.Min, t, resolved, keepDim), indices };
}

declare module '../tensor.js' {
  interface Tensor {
    argmax(axis?: number | null, options?: ReduceOptions): Tensor;
    argmin(axis?: number | null, options?: ReduceOptions): Tensor;
    maxWithIndices(axis: number, options?: ReduceOptions): ValuesAndIndices;
    minWithIndices(axis: number, options?: ReduceOptions): ValuesAndIndices;
  }
}

type ArgArgs = [axis?: number | null, options?: ReduceOptions, ...extra: never[]];
type WithIndicesArgs = [axis: number, options?: ReduceOptions, ...extra: never[]];
Tensor.prototype.argmax = function (this: Tensor, ...args: ArgArgs) { return argmax(this, ...args); };
Tensor.prototype.argmin = function (this: Tensor, ...args: ArgArgs) { return argmin(this, ...args); };
Tensor.prototype.maxWithIndices = function (this: Tensor, ...args: WithIndicesArgs) { return maxWithIndices(this, ...args); };
Tensor.prototype.minWithIndices = function (this: Tensor, ...args: WithIndicesArgs) { return minWithIndices(this, ...args); };
