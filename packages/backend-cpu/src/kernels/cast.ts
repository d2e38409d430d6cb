import { KernelName, makeTypedArray, type CastAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

const castKernel: CpuKernel<CastAttrs> = ({ inputs: { x }, attrs: { dtype }, backend }) => {
  const input = backend.values(x.dataId);
  if (dtype === x.dtype) return { dataId: x.dataId, shape: x.shape, dtype };
  const out = makeTypedArray(dtype, input.length);
  if (dtype === 'bool') {
    for (let i = 0; i < input.length; i++) out[i] = input[i] !== 0 ? 1 : 0;
  } else {
    // Typed-array assignment truncates toward zero for int32, as PyTorch's cast does.
    out.set(input);
  }
  return backend.output(out, x.shape, dtype);
};

export const castKernels: KernelConfig[] = [{ kernelName: KernelName.Cast, kernelFunc: castKernel }];
