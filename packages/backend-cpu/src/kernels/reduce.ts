/**
 * Reductions, all built by `reduceKernel(reducer)`. The input is viewed as
 * [outer, reduce, inner] (the reduced axes made adjacent by a transpose only when they are
 * not), and a reducer supplies two loops so that no function is called per element:
 *  - fold: one output from `count` values at a stride, used when `inner` is small (the
 *    last axis, or all axes): a tight scan;
 *  - combine: acc[i] = op(acc[i], row[i]) over a contiguous row, used when `inner` is
 *    large (a middle axis), so that every read is sequential.
 * Accumulators are doubles; results are rounded to the output dtype once.
 */
import { INT32_MAX, INT32_MIN, KernelName, reducedShape, sizeFromShape, type ReduceAttrs, type Shape } from '@nn/tensor';
import { transposeValues } from './transpose_values.js';
import type { CpuKernel, KernelConfig } from './types.js';

type Values = ArrayLike<number>;

export interface Reducer {
  /** What an empty reduction gives. */
  init: number;
  /** Reduces values[start + r * stride] for r < count. */
  fold(values: Values, start: number, count: number, stride: number): number;
  /** acc[i] = op(acc[i], values[start + i]) for i < n. */
  combine(acc: Float64Array, values: Values, start: number, n: number): void;
}

/** Below this many outputs per outer index, folding strided beats combining rows. */
const COMBINE_MIN_INNER = 8;

/**
 * Returns the input values arranged as [outer, reduce, inner] with the reduced axes
 * contiguous, plus those three sizes. Copies only when the reduced axes are not adjacent.
 */
export function reductionView(values: Values, shape: Shape, axes: readonly number[]): { values: Values; outer: number; reduce: number; inner: number } {
  let reduce = 1;
  for (const a of axes) reduce *= shape[a];
  if (axes.length === 0) return { values, outer: values.length, reduce: 1, inner: 1 };
  const adjacent = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (adjacent) {
    let outer = 1;
    for (let i = 0; i < axes[0]; i++) outer *= shape[i];
    let inner = 1;
    for (let i = axes[axes.length - 1] + 1; i < shape.length; i++) inner *= shape[i];
    return { values, outer, reduce, inner };
  }
  // Move the reduced axes last: [kept..., reduced...]
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  // int32 moves as int32: a float32 copy would round values above 2^24.
  const moved = transposeValues(values, shape, [...kept, ...axes], values instanceof Int32Array ? 'int32' : 'float32');
  let outer = 1;
  for (const k of kept) outer *= shape[k];
  return { values: moved, outer, reduce, inner: 1 };
}

/**
 * When the kept axes are one block with reduced axes on both sides (a conv bias's gradient:
 * NCHW summed over N, H and W), the sizes [outer, kept, inner] of that view; else null.
 */
function keptBlock(shape: Shape, axes: readonly number[]): { outer: number; kept: number; inner: number } | null {
  const reduced = shape.map((_, i) => axes.includes(i));
  const first = reduced.indexOf(false);
  const last = reduced.lastIndexOf(false);
  if (first <= 0 || last === shape.length - 1 || reduced.slice(first, last + 1).some((r) => r)) return null;
  const size = (from: number, to: number): number => shape.slice(from, to).reduce((p, d) => p * d, 1);
  return { outer: size(0, first), kept: size(first, last + 1), inner: size(last + 1, shape.length) };
}

/**
 * Reduces [outer, kept, inner] over outer and inner in place, without the transpose that
 * would move the kept block first: each contiguous inner run folds to one partial, and the
 * partials of one outer index combine into the accumulators.
 */
function reduceAroundBlock(reducer: Reducer, values: Values, outer: number, kept: number, inner: number, out: Values & { [i: number]: number }): void {
  const acc = new Float64Array(kept).fill(reducer.init);
  const partials = new Float64Array(kept);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < kept; k++) partials[k] = reducer.fold(values, (o * kept + k) * inner, inner, 1);
    reducer.combine(acc, partials, 0, kept);
  }
  for (let k = 0; k < kept; k++) out[k] = acc[k];
}

type Output = Values & { [i: number]: number; set(values: ArrayLike<number>, offset?: number): void };

/** Reduces `input` of `shape` over `axes` into `out`, rounding each double accumulator once. */
function reduceInto(reducer: Reducer, input: Values, shape: Shape, axes: readonly number[], out: Output): void {
  const block = keptBlock(shape, axes);
  if (block !== null) {
    reduceAroundBlock(reducer, input, block.outer, block.kept, block.inner, out);
    return;
  }
  const { values, outer, reduce, inner } = reductionView(input, shape, axes);
  if (inner < COMBINE_MIN_INNER || reduce === 0) {
    for (let o = 0, q = 0; o < outer; o++) {
      const start = o * reduce * inner;
      for (let i = 0; i < inner; i++, q++) out[q] = reducer.fold(values, start + i, reduce, inner);
    }
  } else {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const start = o * reduce * inner;
      acc.fill(reducer.init);
      for (let r = 0; r < reduce; r++) reducer.combine(acc, values, start + r * inner, inner);
      out.set(acc, o * inner);
    }
  }
}

export function reduceKernel(reducer: Reducer): CpuKernel<ReduceAttrs> {
  return ({ inputs: { x }, attrs: { axes, keepDim }, backend }) => {
    const { info, values: out } = backend.allocate(reducedShape(x.shape, axes, keepDim), x.dtype);
    reduceInto(reducer, backend.values(x.dataId), x.shape, axes, out);
    return info;
  };
}

/**
 * sum and prod of int32 are exact or an error, never wrapped: PyTorch returns int64 there,
 * which we do not have. Results outside int32's range name the op and suggest float32.
 */
function exactInt32Kernel(op: 'sum' | 'prod', reducer: Reducer): CpuKernel<ReduceAttrs> {
  const floatKernel = reduceKernel(reducer);
  return (args) => {
    const { inputs: { x }, attrs: { axes, keepDim }, backend } = args;
    if (x.dtype !== 'int32') return floatKernel(args);
    const input = backend.values<Int32Array>(x.dataId);
    const outShape = reducedShape(x.shape, axes, keepDim);
    const exact = new Float64Array(sizeFromShape(outShape));
    if (op === 'sum') {
      // v = hi·65536 + lo: the partial sums of either part stay below 2^47, exact in doubles.
      const high = new Float64Array(exact.length);
      reduceInto(sumReducer, input.map((v) => v >> 16), x.shape, axes, high);
      reduceInto(sumReducer, input.map((v) => v & 0xffff), x.shape, axes, exact);
      for (let i = 0; i < exact.length; i++) exact[i] += high[i] * 65536;
    } else {
      // Exact while it fits; once past 2^53 it stays out of range unless a zero comes, and
      // an Infinity times that zero is NaN: the product is 0.
      reduceInto(prodReducer, input, x.shape, axes, exact);
      for (let i = 0; i < exact.length; i++) if (exact[i] !== exact[i]) exact[i] = 0;
    }
    for (let i = 0; i < exact.length; i++) {
      if (exact[i] < INT32_MIN || exact[i] > INT32_MAX) {
        throw new Error(
          `${op}: the int32 result ${exact[i]} (output ${i}) is outside int32's range; PyTorch would give int64, which @nn lacks: cast to float32 first, e.g. x.cast('float32').${op}()`,
        );
      }
    }
    const { info, values } = backend.allocate(outShape, 'int32');
    values.set(exact);
    return info;
  };
}

export const sumReducer: Reducer = {
  init: 0,
  fold(values, start, count, stride) {
    let acc = 0;
    for (let r = 0, p = start; r < count; r++, p += stride) acc += values[p];
    return acc;
  },
  combine(acc, values, start, n) {
    for (let i = 0; i < n; i++) acc[i] += values[start + i];
  },
};

export const prodReducer: Reducer = {
  init: 1,
  fold(values, start, count, stride) {
    let acc = 1;
    for (let r = 0, p = start; r < count; r++, p += stride) acc *= values[p];
    return acc;
  },
  combine(acc, values, start, n) {
    for (let i = 0; i < n; i++) acc[i] *= values[start + i];
  },
};

// max and min propagate NaN, as PyTorch's: once the accumulator is NaN no comparison replaces it.
export const maxReducer: Reducer = {
  init: -Infinity,
  fold(values, start, count, stride) {
    let acc = -Infinity;
    for (let r = 0, p = start; r < count; r++, p += stride) {
      const v = values[p];
      if (v > acc || v !== v) acc = v;
    }
    return acc;
  },
  combine(acc, values, start, n) {
    for (let i = 0; i < n; i++) {
      const v = values[start + i];
      if (v > acc[i] || v !== v) acc[i] = v;
    }
  },
};

export const minReducer: Reducer = {
  init: Infinity,
  fold(values, start, count, stride) {
    let acc = Infinity;
    for (let r = 0, p = start; r < count; r++, p += stride) {
      const v = values[p];
      if (v < acc || v !== v) acc = v;
    }
    return acc;
  },
  combine(acc, values, start, n) {
    for (let i = 0; i < n; i++) {
      const v = values[start + i];
      if (v < acc[i] || v !== v) acc[i] = v;
    }
  },
};

export const reduceKernels: KernelConfig[] = [
  { kernelName: KernelName.Sum, kernelFunc: exactInt32Kernel('sum', sumReducer) },
  { kernelName: KernelName.Prod, kernelFunc: exactInt32Kernel('prod', prodReducer) },
  { kernelName: KernelName.Max, kernelFunc: reduceKernel(maxReducer) },
  { kernelName: KernelName.Min, kernelFunc: reduceKernel(minReducer) },
];
