/**
 * Concat: each input is a run of [outer, rowSize] blocks with rowSize = its size from the
 * concat axis on; the output row is those rows side by side.
 */
import { KernelName, sizeFromShape, type AxisAttrs, type TensorInfo } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

/** Rows at least this long are copied with TypedArray.set (one subarray per row pays off). */
const SET_THRESHOLD = 64;

const concatKernel: CpuKernel<AxisAttrs> = ({ inputs, attrs: { axis }, backend }) => {
  const list: TensorInfo[] = [];
  for (let i = 0; inputs[`x${i}`] !== undefined; i++) list.push(inputs[`x${i}`]);
  const first = list[0];
  const outShape = [...first.shape];
  outShape[axis] = list.reduce((total, t) => total + t.shape[axis], 0);
  const { info, values: out } = backend.allocate(outShape, first.dtype);
  const outer = sizeFromShape(first.shape.slice(0, axis));
  const outRow = sizeFromShape(outShape.slice(axis));
  let column = 0;
  for (const t of list) {
    const src = backend.values(t.dataId);
    const row = sizeFromShape(t.shape.slice(axis));
    if (row >= SET_THRESHOLD) {
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * row, (o + 1) * row), o * outRow + column);
    } else {
      for (let o = 0; o < outer; o++) {
        const s = o * row;
        const d = o * outRow + column;
        for (let i = 0; i < row; i++) out[d + i] = src[s + i];
      }
    }
    column += row;
  }
  return info;
};

export const concatKernels: KernelConfig[] = [{ kernelName: KernelName.Concat, kernelFunc: concatKernel }];
