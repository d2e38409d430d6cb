// The CPU kernel table, by family.
import type { KernelFunc } from '@nn/tensor';
import { binaryKernels } from './binary.js';
import { castKernels } from './cast.js';
import { reduceKernels } from './reduce.js';
import { reshapeKernels } from './reshape.js';
import type { KernelConfig } from './types.js';
import { unaryKernels } from './unary.js';

const all: KernelConfig[] = [
  ...castKernels,
  // elementwise
  ...unaryKernels,
  ...binaryKernels,
  // reductions
  ...reduceKernels,
  // shape and indexing
  ...reshapeKernels,
  // linear algebra
  // images (NCHW)
];

export const kernels = new Map<string, KernelFunc>();
for (const { kernelName, kernelFunc } of all) {
  if (kernels.has(kernelName)) throw new Error(`backend-cpu: kernel '${kernelName}' is registered twice`);
  kernels.set(kernelName, kernelFunc as KernelFunc);
}
