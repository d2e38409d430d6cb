/**
 * ReluGrad: dx = dy where y > 0, else 0, from relu's output y (PyTorch's threshold_backward,
 * so a NaN y lets dy through). With activations of random sign a branch here mispredicts
 * half the time (about 4× slower, measured), so the choice is a bit mask on dy's bits:
 * +(y <= 0) - 1 is all ones exactly where dy passes and 0 elsewhere.
 */
import { KernelName } from '@nn/tensor';
import { binaryWasm } from './elementwise_wasm.js';
import type { CpuKernel, KernelConfig } from './types.js';

const reluGradKernel: CpuKernel = ({ inputs: { dy, y }, backend }) => {
  const { info, values } = backend.allocate(dy.shape, 'float32', false);
  const dyValues = backend.values(dy.dataId);
  const yValues = backend.values(y.dataId);
  if (yValues instanceof Float32Array && binaryWasm('reluGrad', dyValues, yValues, { kind: 'full' }, values)) return info;
  const dyBits = new Int32Array(dyValues.buffer, dyValues.byteOffset, dyValues.length);
  const outBits = new Int32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < outBits.length; i++) outBits[i] = dyBits[i] & (+(yValues[i] <= 0) - 1);
  return info;
};

export const reluGradKernels: KernelConfig[] = [{ kernelName: KernelName.ReluGrad, kernelFunc: reluGradKernel }];
