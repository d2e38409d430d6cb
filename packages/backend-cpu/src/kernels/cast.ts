/**
 * Cast between dtypes: float to int32 truncates toward zero, and NaN, ±Infinity or a value
 * outside int32's range is an error (PyTorch leaves the result undefined); anything to bool
 * is `!= 0` (NaN is true), bool to numbers is 0/1. The same dtype shares the buffer.
 */
import { KernelName, makeTypedArray, toInt32, type CastAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

const castKernel: CpuKernel<CastAttrs> = ({ inputs: { x }, attrs: { dtype }, backend }) => {
  if (dtype === x.dtype) return { dataId: x.dataId, shape: x.shape, dtype };
  const input = backend.values(x.dataId);
  const out = makeTypedArray(dtype, input.length);
  if (dtype === 'bool') {
    for (let i = 0; i < input.length; i++) out[i] = +(input[i] !== 0);
  } else if (dtype === 'int32' && x.dtype === 'float32') {
    for (let i = 0; i < input.length; i++) out[i] = toInt32('cast', input[i], ` at flat index ${i}`);
  } else {
    out.set(input);
  }
  return backend.output(out, x.shape, dtype);
};

export const castKernels: KernelConfig[] = [{ kernelName: KernelName.Cast, kernelFunc: castKernel }];
