/**
 * Unary elementwise kernels, all built by `unaryKernel(fn)`: one tight loop over the
 * input array, output of the same dtype unless the kernel says otherwise.
 */
import { KernelName, type DType } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

export function unaryKernel<A = Record<string, never>>(
  fn: (x: number, attrs: A) => number,
  outDType?: DType,
): CpuKernel<A> {
  return ({ inputs: { x }, attrs, backend }) => {
    const input = backend.values(x.dataId);
    const { info, values } = backend.allocate(x.shape, outDType ?? x.dtype);
    for (let i = 0; i < input.length; i++) values[i] = fn(input[i], attrs);
    return info;
  };
}

export const unaryKernels: KernelConfig[] = [
  { kernelName: KernelName.Neg, kernelFunc: unaryKernel((x) => -x) },
  { kernelName: KernelName.Exp, kernelFunc: unaryKernel(Math.exp) },
];
