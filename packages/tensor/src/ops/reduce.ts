/**
 * Reductions over one axis, several, or all (axis undefined), with keepDim, as PyTorch's.
 * `reduceOp` checks axes and runs the kernel; the backend's reducer supplies the loop.
 * mean, logsumexp, variance and std are compositions of kernels, so autograd
 * differentiates them through their parts; each runs in a tidy scope so that its
 * intermediates are freed at once.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { KernelName, type ReduceAttrs } from '../kernel_names.js';
import { formatShape, normalizeAxes, reducedShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { abs, exp, log, sqrt } from './unary.js';
import { add, div, mul, sub } from './binary.js';
import { lt } from './compare.js';
import { where } from './where.js';
import { cast } from './cast.js';
import { full } from './creation.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

/** One axis, several, or (undefined) all of them; negative axes count from the end. */
export type Axes = number | readonly number[];

export interface VarianceOptions {
  /** Subtracted from the number of elements in the divisor: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
  keepDim?: boolean;
}

/** Number of elements a reduction over `axes` of `shape` folds into each output. */
function reducedCount(shape: readonly number[], axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= shape[a];
  return n;
}

/** max/min/argmax have no identity: reducing an empty axis is an error, as in PyTorch. */
export function assertNonEmptyReduction(op: string, shape: readonly number[], axes: readonly number[]): void {
  for (const a of axes) {
    if (shape[a] === 0) throw new Error(`${op}: cannot reduce over axis ${a} of size 0 (shape ${formatShape(shape)}): the operation has no identity`);
  }
}

function reduceOp(op: string, kernelName: string, x: TensorLike, axis: Axes | undefined, keepDim: boolean, keepBool = false): Tensor {
  const t = toTensor(x, op, 'x');
  if (typeof keepDim !== 'boolean') throw new Error(`${op}: keepDim must be a boolean, got ${String(keepDim)}`);
  const axes = normalizeAxes(op, axis, t.rank);
  if (kernelName === KernelName.Max || kernelName === KernelName.Min) assertNonEmptyReduction(op, t.shape, axes);
  const attrs: ReduceAttrs = { axes, keepDim };
  if (t.dtype === 'bool' && !keepBool) return engine().tidy(() => runKernel(kernelName, { x: cast(t, 'int32') }, attrs));
  return runKernel(kernelName, { x: t }, attrs);
}

function toFloat(op: string, x: TensorLike): Tensor {
  const t = toTensor(x, op, 'x');
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/** Sum of elements; bool counts as int32. */
export const sum = (x: TensorLike, axis?: Axes, keepDim = false): Tensor => reduceOp('sum', KernelName.Sum, x, axis, keepDim);
/** Product of elements; 1 over an empty axis. */
export const prod = (x: TensorLike, axis?: Axes, keepDim = false): Tensor => reduceOp('prod', KernelName.Prod, x, axis, keepDim);
/** Largest value over the axes (torch.amax); NaN if any is NaN. For the index too, see maxWithIndices. */
export const max = (x: TensorLike, axis?: Axes, keepDim = false): Tensor => reduceOp('max', KernelName.Max, x, axis, keepDim, true);
/** Smallest value over the axes (torch.amin); NaN if any is NaN. */
export const min = (x: TensorLike, axis?: Axes, keepDim = false): Tensor => reduceOp('min', KernelName.Min, x, axis, keepDim, true);

/** Arithmetic mean, in float32 (integer input is converted); NaN over an empty axis, as PyTorch. */
export function mean(x: TensorLike, axis?: Axes, keepDim = false): Tensor {
  const input = toTensor(x, 'mean', 'x');
  const axes = normalizeAxes('mean', axis, input.rank);
  return engine().tidy(() => div(sum(toFloat('mean', input), axes, keepDim), reducedCount(input.shape, axes)));
}

/**
 * log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the maximum, so that large
 * inputs do not overflow. An infinite or NaN maximum is replaced by 0 in the shift, which
 * gives PyTorch's -inf for all -inf inputs and +inf when any input is +inf.
 */
export function logsumexp(x: TensorLike, axis?: Axes, keepDim = false): Tensor {
  const input = toTensor(x, 'logsumexp', 'x');
  const axes = normalizeAxes('logsumexp', axis, input.rank);
  if (typeof keepDim !== 'boolean') throw new Error(`logsumexp: keepDim must be a boolean, got ${String(keepDim)}`);
  const outShape = reducedShape(input.shape, axes, keepDim);
  if (reducedCount(input.shape, axes) === 0) return full(outShape, -Infinity);
  return engine().tidy(() => {
    const t = toFloat('logsumexp', input);
    const m = max(t, axes, true);
    const shift = where(lt(abs(m), Infinity), m, 0);
    const result = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
    return keepDim ? result : reshape(result, outShape);
  });
}

/** Variance with `correction` (torch.var(correction=)): sum((x - mean)^2) / (N - correction). */
export function variance(x: TensorLike, axis?: Axes, options: VarianceOptions = {}): Tensor {
  return varianceOp('variance', x, axis, options);
}

function varianceOp(op: string, x: TensorLike, axis: Axes | undefined, options: VarianceOptions): Tensor {
  const input = toTensor(x, op, 'x');
  const { correction = 1, keepDim = false } = options;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) {
    throw new Error(`${op}: correction must be a finite number, got ${String(correction)}`);
  }
  if (typeof keepDim !== 'boolean') throw new Error(`${op}: keepDim must be a boolean, got ${String(keepDim)}`);
  const axes = normalizeAxes(op, axis, input.rank);
  // N - correction <= 0 divides by zero, giving inf or NaN as PyTorch does.
  const divisor = Math.max(0, reducedCount(input.shape, axes) - correction);
  return engine().tidy(() => {
    const t = toFloat(op, input);
    const centered = sub(t, mean(t, axes, true));
    const result = div(sum(mul(centered, centered), axes, keepDim), divisor);
    return op === 'std' ? sqrt(result) : result;
  });
}

/** Standard deviation: sqrt(variance(x, axis, options)). */
export function std(x: TensorLike, axis?: Axes, options: VarianceOptions = {}): Tensor {
  return varianceOp('std', x, axis, options);
}

declare module '../tensor.js' {
  interface Tensor {
    sum(axis?: Axes, keepDim?: boolean): Tensor;
    prod(axis?: Axes, keepDim?: boolean): Tensor;
    max(axis?: Axes, keepDim?: boolean): Tensor;
    min(axis?: Axes, keepDim?: boolean): Tensor;
    mean(axis?: Axes, keepDim?: boolean): Tensor;
    logsumexp(axis?: Axes, keepDim?: boolean): Tensor;
    variance(axis?: Axes, options?: VarianceOptions): Tensor;
    /** Same as variance (PyTorch's name). */
    var(axis?: Axes, options?: VarianceOptions): Tensor;
    std(axis?: Axes, options?: VarianceOptions): Tensor;
  }
}

Tensor.prototype.sum = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return sum(this, axis, keepDim); };
Tensor.prototype.prod = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return prod(this, axis, keepDim); };
Tensor.prototype.max = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return max(this, axis, keepDim); };
Tensor.prototype.min = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return min(this, axis, keepDim); };
Tensor.prototype.mean = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return mean(this, axis, keepDim); };
Tensor.prototype.logsumexp = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return logsumexp(this, axis, keepDim); };
Tensor.prototype.variance = function (this: Tensor, axis?: Axes, options?: VarianceOptions) { return variance(this, axis, options); };
Tensor.prototype.var = function (this: Tensor, axis?: Axes, options?: VarianceOptions) { return variance(this, axis, options); };
Tensor.prototype.std = function (this: Tensor, axis?: Axes, options?: VarianceOptions) { return std(this, axis, options); };
