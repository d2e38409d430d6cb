import { KernelName } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

/** Shares the input's buffer: the engine counts the new reference. */
const reshapeKernel: CpuKernel<{ shape: number[] }> = ({ inputs: { x }, attrs: { shape } }) => ({
  dataId: x.dataId,
  shape,
  dtype: x.dtype,
});

export const reshapeKernels: KernelConfig[] = [{ kernelName: KernelName.Reshape, kernelFunc: reshapeKernel }];
