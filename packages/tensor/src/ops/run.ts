/** The last step of every op: run the named kernel on the active backend. */
import { engine } from '../engine.js';
import type { Tensor } from '../tensor.js';

export function runKernel(kernelName: string, inputs: Record<string, Tensor>, attrs: object = {}): Tensor {
  return engine().runKernel(kernelName, inputs, attrs)[0];
}

export function runKernelMulti(kernelName: string, inputs: Record<string, Tensor>, attrs: object = {}): Tensor[] {
  return engine().runKernel(kernelName, inputs, attrs);
}
