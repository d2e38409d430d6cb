/**
 * Broadcasting binary kernels, all built by `binaryKernel(fn)`. Fast paths for equal
 * shapes and a scalar operand; otherwise an odometer over the output with per-operand
 * strides that are zero along broadcast axes.
 */
import { broadcastShapes, KernelName, makeTypedArray, sizeFromShape, stridesOf, type DType, type Shape } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

/** Strides of `shape` seen from an output of rank `rank`, zero where it broadcasts. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = stridesOf(shape);
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const axis = rank - shape.length + i;
    out[axis] = shape[i] === 1 && outShape[axis] !== 1 ? 0 : strides[i];
  }
  return out;
}

export function binaryKernel(fn: (a: number, b: number) => number, outDType?: DType): CpuKernel {
  return ({ inputs: { a, b }, backend }) => {
    const av = backend.values(a.dataId);
    const bv = backend.values(b.dataId);
    const outShape = broadcastShapes('binary', a.shape, b.shape);
    const size = sizeFromShape(outShape);
    const out = makeTypedArray(outDType ?? a.dtype, size);
    if (av.length === size && bv.length === size) {
      for (let i = 0; i < size; i++) out[i] = fn(av[i], bv[i]);
    } else if (bv.length === 1) {
      const s = bv[0];
      for (let i = 0; i < size; i++) out[i] = fn(av[i], s);
    } else if (av.length === 1) {
      const s = av[0];
      for (let i = 0; i < size; i++) out[i] = fn(s, bv[i]);
    } else {
      broadcastLoop(av, bv, out, a.shape, b.shape, outShape, fn);
    }
    return backend.output(out, outShape, outDType ?? a.dtype);
  };
}

/** The general case: walk the output, innermost axis in a tight loop. */
function broadcastLoop(
  av: ArrayLike<number>,
  bv: ArrayLike<number>,
  out: { [i: number]: number },
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
  fn: (a: number, b: number) => number,
): void {
  const rank = outShape.length;
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1];
  const asInner = as[rank - 1];
  const bsInner = bs[rank - 1];
  const outer = sizeFromShape(outShape) / inner;
  const index = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  let o = 0;
  for (let n = 0; n < outer; n++) {
    for (let i = 0, ia = ai, ib = bi; i < inner; i++, ia += asInner, ib += bsInner) out[o++] = fn(av[ia], bv[ib]);
    // Advance the odometer over the outer axes.
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++;
      ai += as[axis];
      bi += bs[axis];
      if (index[axis] < outShape[axis]) break;
      ai -= as[axis] * outShape[axis];
      bi -= bs[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
}

export const binaryKernels: KernelConfig[] = [{ kernelName: KernelName.Add, kernelFunc: binaryKernel((a, b) => a + b) }];
