/**
 * Cast between dtypes: float to int32 truncates toward zero (typed-array assignment), anything
 * to bool is `!= 0` (NaN is true), bool to numbers is 0/1. The same dtype shares the buffer.
 */
import { KernelName, makeTypedArray, type CastAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

const castKernel: CpuKernel<CastAttrs> = ({ inputs: { x }, attrs: { dtype }, backend }) => {
  if (dtype === x.dtype) return { dataId: x.dataId, shape: x.shape, dtype };
  const input = backend.values(x.dataId);
  const out = makeTypedArray(dtype, input.length);
  if (dtype === 'bool') {
    for (let i = 0; i < input.length; i++) out[i] = +(input[i] !== 0);
  } else {
    out.set(input);
  }
  return backend.output(out, x.shape, dtype);
};

export const castKernels: KernelConfig[] = [{ kernelName: KernelName.Cast, kernelFunc: castKernel }];
