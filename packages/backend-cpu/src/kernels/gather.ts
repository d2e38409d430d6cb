/**
 * Index kernels. Gather (indexSelect) copies whole rows [outer, n, inner] -> [outer, m, inner];
 * IndexAdd is its adjoint. GatherElements (torch.gather) reads one element per index and
 * ScatterAdd is its adjoint. The op has checked every index, so none is tested here.
 */
import { KernelName, sizeFromShape, stridesOf, type AxisAttrs, type IndexAddAttrs, type ScatterAddAttrs, type Shape } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

/** [outer, size of axis, inner] of `shape`. */
function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  return [sizeFromShape(shape.slice(0, axis)), shape[axis], sizeFromShape(shape.slice(axis + 1))];
}

const gatherKernel: CpuKernel<AxisAttrs> = ({ inputs: { x, indices }, attrs: { axis }, backend }) => {
  const idx = backend.values<Int32Array>(indices.dataId);
  const src = backend.values(x.dataId);
  const [outer, n, inner] = aroundAxis(x.shape, axis);
  const m = idx.length;
  const outShape = [...x.shape];
  outShape[axis] = m;
  const { info, values: out } = backend.allocate(outShape, x.dtype);
  for (let o = 0, d = 0; o < outer; o++) {
    for (let j = 0; j < m; j++, d += inner) {
      const s = (o * n + idx[j]) * inner;
      for (let k = 0; k < inner; k++) out[d + k] = src[s + k];
    }
  }
  return info;
};

const indexAddKernel: CpuKernel<IndexAddAttrs> = ({ inputs: { dy, indices }, attrs: { axis, size }, backend }) => {
  const idx = backend.values<Int32Array>(indices.dataId);
  const g = backend.values(dy.dataId);
  const [outer, m, inner] = aroundAxis(dy.shape, axis);
  const outShape = [...dy.shape];
  outShape[axis] = size;
  const { info, values: out } = backend.allocate(outShape, dy.dtype);
  for (let o = 0, s = 0; o < outer; o++) {
    for (let j = 0; j < m; j++, s += inner) {
      const d = (o * size + idx[j]) * inner;
      for (let k = 0; k < inner; k++) out[d + k] += g[s + k];
    }
  }
  return info;
};

/**
 * Walks every position p of `indexShape` in row-major order and calls back with the flat
 * position and the offset of p in an array of `targetShape` with p[axis] set to 0, one
 * inner row at a time: visit(rowStart, targetBase, rowLength, targetInnerStride).
 */
function forEachIndexRow(
  indexShape: Shape,
  targetShape: Shape,
  axis: number,
  visit: (rowStart: number, targetBase: number, rowLength: number, innerStride: number) => void,
): void {
  const rank = indexShape.length;
  const size = sizeFromShape(indexShape);
  if (size === 0) return;
  if (rank === 0) {
    visit(0, 0, 1, 0);
    return;
  }
  const strides = stridesOf(targetShape).map((s, i) => (i === axis ? 0 : s));
  const inner = indexShape[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let base = 0;
  for (let p = 0; p < size; p += inner) {
    visit(p, base, inner, strides[rank - 1]);
    for (let a = rank - 2; a >= 0; a--) {
      base += strides[a];
      if (++index[a] < indexShape[a]) break;
      base -= strides[a] * indexShape[a];
      index[a] = 0;
    }
  }
}

const gatherElementsKernel: CpuKernel<AxisAttrs> = ({ inputs: { x, indices }, attrs: { axis }, backend }) => {
  const idx = backend.values<Int32Array>(indices.dataId);
  const src = backend.values(x.dataId);
  const axisStride = x.shape.length === 0 ? 0 : stridesOf(x.shape)[axis];
  const { info, values: out } = backend.allocate(indices.shape, x.dtype);
  // One callback per row of the index, not per element.
  forEachIndexRow(indices.shape, x.shape, axis, (p, base, length, step) => {
    for (let j = 0; j < length; j++) out[p + j] = src[base + j * step + idx[p + j] * axisStride];
  });
  return info;
};

const scatterAddKernel: CpuKernel<ScatterAddAttrs> = ({ inputs: { dy, indices }, attrs: { axis, shape }, backend }) => {
  const idx = backend.values<Int32Array>(indices.dataId);
  const g = backend.values(dy.dataId);
  const axisStride = shape.length === 0 ? 0 : stridesOf(shape)[axis];
  const { info, values: out } = backend.allocate(shape, dy.dtype);
  forEachIndexRow(indices.shape, shape, axis, (p, base, length, step) => {
    for (let j = 0; j < length; j++) out[base + j * step + idx[p + j] * axisStride] += g[p + j];
  });
  return info;
};

export const gatherKernels: KernelConfig[] = [
  { kernelName: KernelName.Gather, kernelFunc: gatherKernel },
  { kernelName: KernelName.IndexAdd, kernelFunc: indexAddKernel },
  { kernelName: KernelName.GatherElements, kernelFunc: gatherElementsKernel },
  { kernelName: KernelName.ScatterAdd, kernelFunc: scatterAddKernel },
];
