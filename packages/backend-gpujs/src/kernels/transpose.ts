/**
 * Strided copies: Transpose (permute) and BroadcastTo read the input through per-axis
 * strides of the output's coordinates. A transpose that only moves size-1 axes keeps the
 * order of the data and shares the input's buffer, as backend-cpu does.
 */
import { KernelName, type BroadcastToAttrs, type TensorInfo, type TransposeAttrs } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { dot, lit, strides } from '../codegen.js';
import { broadcastStrides } from './broadcast.js';
import type { GpujsKernel, KernelConfig } from './types.js';

/** out[coords] = x[Σ coords[k] * inStrides[k]]: the one loop under transpose and broadcast. */
export function stridedCopy(backend: GpujsBackend, label: string, x: TensorInfo, outShape: readonly number[], inStrides: readonly number[], offset = 0): TensorInfo {
  return backend.compute({
    label,
    shape: outShape,
    dtype: x.dtype,
    inputs: [x],
    body: (src, [ref]) => {
      const flat = dot(src.coords('i', outShape), inStrides);
      return src.read(ref, offset === 0 ? flat : `${flat} + ${lit(offset)}`);
    },
  });
}

/** A new buffer with x's axes permuted (output axis i = input axis perm[i]). */
export function transposeInfo(backend: GpujsBackend, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const inStrides = strides(x.shape);
  return stridedCopy(
    backend,
    'Transpose',
    x,
    perm.map((p) => x.shape[p]),
    perm.map((p) => inStrides[p]),
  );
}

const transpose: GpujsKernel<TransposeAttrs> = ({ inputs: { x }, attrs: { perm }, backend }) => {
  const outShape = perm.map((p) => x.shape[p]);
  const moved = perm.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, k) => k === 0 || p > moved[k - 1])) return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
  return transposeInfo(backend, x, perm);
};

const broadcastTo: GpujsKernel<BroadcastToAttrs> = ({ inputs: { x }, attrs: { shape }, backend }) =>
  stridedCopy(backend, 'BroadcastTo', x, shape, broadcastStrides(x.shape, shape));

const reshape: GpujsKernel<{ shape: number[] }> = ({ inputs: { x }, attrs: { shape } }) => ({ dataId: x.dataId, shape, dtype: x.dtype });

export const transposeKernels: KernelConfig[] = [
  { kernelName: KernelName.Transpose, kernelFunc: transpose },
  { kernelName: KernelName.BroadcastTo, kernelFunc: broadcastTo },
  { kernelName: KernelName.Reshape, kernelFunc: reshape },
];
