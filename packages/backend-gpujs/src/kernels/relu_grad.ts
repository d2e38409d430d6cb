/**
 * ReluGrad: dy where y > 0, else 0, from relu's output y, as backend-cpu's relu_grad.ts
 * (PyTorch's threshold_backward: a NaN y lets dy through). dy and y have the same shape.
 * The NaN test is explicit because GL compilers may assume comparisons never see NaN.
 */
import { KernelName } from '@nn/tensor';
import type { GpujsKernel, KernelConfig } from './types.js';

const reluGrad: GpujsKernel = ({ inputs: { dy, y }, backend }) =>
  backend.compute({
    label: 'ReluGrad',
    shape: dy.shape,
    dtype: 'float32',
    inputs: [dy, y],
    body: (src, [dyRef, yRef]) => {
      const v = src.let(src.readSame(yRef));
      return `${v} > 0.0 || ${v} != ${v} ? ${src.readSame(dyRef)} : 0.0`;
    },
  });

export const reluGradKernels: KernelConfig[] = [{ kernelName: KernelName.ReluGrad, kernelFunc: reluGrad }];
