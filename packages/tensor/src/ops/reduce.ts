/**
 * Reductions over one axis, several, or all (axis null or undefined, PyTorch's dim=None),
 * with `{ keepDim }`, as PyTorch's.
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
import { checkNoExtra, parseOptions } from './options.js';
import { runKernel } from './run.js';

/** One axis, several, or (null or undefined) all of them; negative axes count from the end. */
export type Axes = number | readonly number[];

export interface ReduceOptions {
  /** Keep each reduced axis with size 1. Default false. */
  keepDim?: boolean;
}

export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the number of elements in the divisor: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
}

const REDUCE_KEYS = ['keepDim'] as const;
const VARIANCE_KEYS = ['correction', 'keepDim'] as const;

/** The checked keepDim of a reduction's options, and its axes with null read as undefined (all). */
export function reduceArgs(op: string, axis: Axes | null | undefined, options: ReduceOptions | undefined, extra: readonly unknown[]): [Axes | undefined, boolean] {
  const { keepDim = false } = parseOptions(op, options, REDUCE_KEYS);
  checkNoExtra(op, extra, REDUCE_KEYS);
  if (typeof keepDim !== 'boolean') throw new Error(`${op}: keepDim must be a boolean, got ${String(keepDim)}`);
  return [axis ?? undefined, keepDim];
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

function reduceOp(op: string, kernelName: string, x: TensorLike, axisArg: Axes | null | undefined, options: ReduceOptions | undefined, extra: readonly unknown[], keepBool = false): Tensor {
  const [axis, keepDim] = reduceArgs(op, axisArg, options, extra);
  const t = toTensor(x, op, 'x');
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
export const sum = (x: TensorLike, axis?: Axes | null, options?: ReduceOptions, ...extra: never[]): Tensor =>
  reduceOp('sum', KernelName.Sum, x, axis, options, extra);
/** Product of elements; 1 over an empty axis. */
export const prod = (x: TensorLike, axis?: Axes | null, options?: ReduceOptions, ...extra: never[]): Tensor =>
  reduceOp('prod', KernelName.Prod, x, axis, options, extra);
/** Largest value over the axes (torch.amax); NaN if any is NaN. For the index too, see maxWithIndices. */
export const max = (x: TensorLike, axis?: Axes | null, options?: ReduceOptions, ...extra: never[]): Tensor =>
  reduceOp('max', KernelName.Max, x, axis, options, extra, true);
/** Smallest value over the axes (torch.amin); NaN if any is NaN. */
export const min = (x: TensorLike, axis?: Axes | null, options?: ReduceOptions, ...extra: never[]): Tensor =>
  reduceOp('min', KernelName.Min, x, axis, options, extra, true);

/** Arithmetic mean, in float32 (integer input is converted); NaN over an empty axis, as PyTorch. */
export function mean(x: TensorLike, axis?: Axes | null, options?: ReduceOptions, ...extra: never[]): Tensor {
  const [axisOrAll, keepDim] = reduceArgs('mean', axis, options, extra);
  const input = toTensor(x, 'mean', 'x');
  const axes = normalizeAxes('mean', axisOrAll, input.rank);
  return engine().tidy(() => div(sum(toFloat('mean', input), axes, { keepDim }), reducedCount(input.shape, axes)));
}

/**
 * log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the maximum, so that large
 * inputs do not overflow. An infinite or NaN maximum is replaced by 0 in the shift, which
 * gives PyTorch's -inf for all -inf inputs and +inf when any input is +inf.
 */
export function logsumexp(x: TensorLike, axis?: Axes | null, options?: ReduceOptions, ...extra: never[]): Tensor {
  const [axisOrAll, keepDim] = reduceArgs('logsumexp', axis, options, extra);
  const input = toTensor(x, 'logsumexp', 'x');
  const axes = normalizeAxes('logsumexp', axisOrAll, input.rank);
  const outShape = reducedShape(input.shape, axes, keepDim);
  if (reducedCount(input.shape, axes) === 0) return full(outShape, -Infinity);
  return engine().tidy(() => {
    const t = toFloat('logsumexp', input);
    const m = max(t, axes, { keepDim: true });
    const shift = where(lt(abs(m), Infinity), m, 0);
    const result = add(log(sum(exp(sub(t, shift)), axes, { keepDim: true })), shift);
    return keepDim ? result : reshape(result, outShape);
  });
}

/** Variance with `correction` (torch.var(correction=)): sum((x - mean)^2) / (N - correction). */
export function variance(x: TensorLike, axis?: Axes | null, options?: VarianceOptions, ...extra: never[]): Tensor {
  return varianceOp('variance', x, axis, options, extra);
}

function varianceOp(op: string, x: TensorLike, axisArg: Axes | null | undefined, options: VarianceOptions | undefined, extra: readonly unknown[]): Tensor {
  const { correction = 1, keepDim = false } = parseOptions(op, options, VARIANCE_KEYS);
  checkNoExtra(op, extra, VARIANCE_KEYS);
  const axis = axisArg ?? undefined;
  const input = toTensor(x, op, 'x');
  if (typeof correction !== 'number' || !Number.isFinite(correction)) {
    throw new Error(`${op}: correction must be a finite number, got ${String(correction)}`);
  }
  if (typeof keepDim !== 'boolean') throw new Error(`${op}: keepDim must be a boolean, got ${String(keepDim)}`);
  const axes = normalizeAxes(op, axis, input.rank);
  // N - correction <= 0 divides by zero, giving inf or NaN as PyTorch does.
  const divisor = Math.max(0, reducedCount(input.shape, axes) - correction);
  return engine().tidy(() => {
    const t = toFloat(op, input);
    const centered = sub(t, mean(t, axes, { keepDim: true }));
    const result = div(sum(mul(centered, centered), axes, { keepDim }), divisor);
    return op === 'std' ? sqrt(result) : result;
  });
}

/** Standard deviation: sqrt(variance(x, axis, options)). */
export function std(x: TensorLike, axis?: Axes | null, options?: VarianceOptions, ...extra: never[]): Tensor {
  return varianceOp('std', x, axis, options, extra);
}

declare module '../tensor.js' {
  interface Tensor {
    sum(axis?: Axes | null, options?: ReduceOptions): Tensor;
    prod(axis?: Axes | null, options?: ReduceOptions): Tensor;
    max(axis?: Axes | null, options?: ReduceOptions): Tensor;
    min(axis?: Axes | null, options?: ReduceOptions): Tensor;
    mean(axis?: Axes | null, options?: ReduceOptions): Tensor;
    logsumexp(axis?: Axes | null, options?: ReduceOptions): Tensor;
    variance(axis?: Axes | null, options?: VarianceOptions): Tensor;
    /** Same as variance (PyTorch's name). */
    var(axis?: Axes | null, options?: VarianceOptions): Tensor;
    std(axis?: Axes | null, options?: VarianceOptions): Tensor;
  }
}

// Methods pass their arguments through whole, so an extra one is caught by the op.
type ReduceArgs = [axis?: Axes | null, options?: ReduceOptions, ...extra: never[]];
type VarianceArgs = [axis?: Axes | null, options?: VarianceOptions, ...extra: never[]];
Tensor.prototype.sum = function (this: Tensor, ...args: ReduceArgs) { return sum(this, ...args); };
Tensor.prototype.prod = function (this: Tensor, ...args: ReduceArgs) { return prod(this, ...args); };
Tensor.prototype.max = function (this: Tensor, ...args: ReduceArgs) { return max(this, ...args); };
Tensor.prototype.min = function (this: Tensor, ...args: ReduceArgs) { return min(this, ...args); };
Tensor.prototype.mean = function (this: Tensor, ...args: ReduceArgs) { return mean(this, ...args); };
Tensor.prototype.logsumexp = function (this: Tensor, ...args: ReduceArgs) { return logsumexp(this, ...args); };
Tensor.prototype.variance = function (this: Tensor, ...args: VarianceArgs) { return variance(this, ...args); };
Tensor.prototype.var = function (this: Tensor, ...args: VarianceArgs) { return variance(this, ...args); };
Tensor.prototype.std = function (this: Tensor, ...args: VarianceArgs) { return std(this, ...args); };
