/** OneHot: int32 rows of zeros with a 1 at each (already range-checked) index. */
import { KernelName, type OneHotAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

const oneHotKernel: CpuKernel<OneHotAttrs> = ({ inputs: { indices }, attrs: { depth }, backend }) => {
  const idx = backend.values<Int32Array>(indices.dataId);
  const { info, values: out } = backend.allocate([...indices.shape, depth], 'int32');
  for (let i = 0; i < idx.length; i++) out[i * depth + idx[i]] = 1;
  return info;
};

export const oneHotKernels: KernelConfig[] = [{ kernelName: KernelName.OneHot, kernelFunc: oneHotKernel }];
