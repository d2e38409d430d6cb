/** Transpose (permute): a tiled copy, or the input's own buffer when the order of the data does not change. */
import { KernelName, stridesOf, type TransposeAttrs } from '@nn/tensor';
import { isContiguous, simplifyView } from './strided.js';
import { transposeInto } from './transpose_values.js';
import type { CpuKernel, KernelConfig } from './types.js';

const transposeKernel: CpuKernel<TransposeAttrs> = ({ inputs: { x }, attrs: { perm }, backend }) => {
  const outShape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  // Moving only size-1 axes keeps the layout: share the buffer as reshape does.
  if (isContiguous(simplifyView(outShape, perm.map((p) => inStrides[p])))) return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
  const { info, values } = backend.allocate(outShape, x.dtype);
  transposeInto(backend.values(x.dataId), x.shape, perm, values);
  return info;
};

export const transposeKernels: KernelConfig[] = [{ kernelName: KernelName.Transpose, kernelFunc: transposeKernel }];
