/**
 * Reductions, all built by `reduceKernel`: the input is viewed as [outer, reduced, inner]
 * after moving the reduced axes together (a transpose only when they are not already
 * adjacent), then one accumulator loop per output element.
 */
import { KernelName, makeTypedArray, reducedShape, type DType, type ReduceAttrs, type Shape } from '@nn/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import type { CpuKernel, KernelConfig } from './types.js';
import { transposeValues } from './transpose_values.js';

export interface Reducer {
  init: number;
  step: (acc: number, x: number) => number;
  finish?: (acc: number, count: number) => number;
}

/**
 * Returns the input values arranged as [outer, reduce, inner] with the reduced axes
 * contiguous, plus those three sizes. Copies only when the reduced axes are not adjacent.
 */
export function reductionView(
  backend: CpuBackend,
  x: { dataId: object; shape: Shape },
  axes: readonly number[],
): { values: ArrayLike<number>; outer: number; reduce: number; inner: number } {
  const values = backend.values(x.dataId);
  const shape = x.shape;
  let reduce = 1;
  for (const a of axes) reduce *= shape[a];
  const adjacent = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (adjacent && axes.length > 0) {
    let outer = 1;
    for (let i = 0; i < axes[0]; i++) outer *= shape[i];
    let inner = 1;
    for (let i = axes[axes.length - 1] + 1; i < shape.length; i++) inner *= shape[i];
    return { values, outer, reduce, inner };
  }
  // Move reduced axes last: [kept..., reduced...]
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = transposeValues(values, shape, perm);
  return { values: moved, outer: values.length / Math.max(reduce, 1), reduce, inner: 1 };
}

export function reduceKernel(reducer: Reducer, outDType?: (inDType: DType) => DType): CpuKernel<ReduceAttrs> {
  return ({ inputs: { x }, attrs: { axes, keepDim }, backend }) => {
    const { values, outer, reduce, inner } = reductionView(backend, x, axes);
    const dtype = outDType ? outDType(x.dtype) : x.dtype;
    const out = makeTypedArray(dtype, outer * inner);
    const { init, step, finish } = reducer;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = init;
        let p = o * reduce * inner + i;
        for (let r = 0; r < reduce; r++, p += inner) acc = step(acc, values[p]);
        out[o * inner + i] = finish ? finish(acc, reduce) : acc;
      }
    }
    return backend.output(out, reducedShape(x.shape, axes, keepDim), dtype);
  };
}

export const reduceKernels: KernelConfig[] = [
  { kernelName: KernelName.Sum, kernelFunc: reduceKernel({ init: 0, step: (acc, x) => acc + x }) },
];
