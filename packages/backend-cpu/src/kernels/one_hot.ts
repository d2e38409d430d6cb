/**
 * OneHot: int32 rows of zeros with a 1 at each index. The op range-checks indices it can read;
 * one it could not (a backend without synchronous readback) leaves its row all zero.
 */
import { KernelName, type OneHotAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

const oneHotKernel: CpuKernel<OneHotAttrs> = ({ inputs: { indices }, attrs: { depth }, backend }) => {
  const idx = backend.values<Int32Array>(indices.dataId);
  const { info, values: out } = backend.allocate([...indices.shape, depth], 'int32');
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i];
    if (c >= 0 && c < depth) out[i * depth + c] = 1;
  }
  return info;
};

export const oneHotKernels: KernelConfig[] = [{ kernelName: KernelName.OneHot, kernelFunc: oneHotKernel }];
