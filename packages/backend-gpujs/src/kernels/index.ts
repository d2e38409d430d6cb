// The gpu.js kernel table, by family; the same names as backend-cpu's table.
import type { KernelFunc } from '@nn/tensor';
import { argReduceKernels } from './arg_reduce.js';
import { binaryKernels } from './binary.js';
import { concatKernels } from './concat.js';
import { conv2dKernels } from './conv2d.js';
import { gatherKernels } from './gather.js';
import { lrnKernels } from './lrn.js';
import { matmulKernels } from './matmul.js';
import { padKernels } from './pad.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { reluGradKernels } from './relu_grad.js';
import { resizeKernels } from './resize.js';
import { sliceKernels } from './slice.js';
import { softmaxKernels } from './softmax.js';
import { transposeKernels } from './transpose.js';
import type { KernelConfig } from './types.js';
import { unaryKernels } from './unary.js';

const all: KernelConfig[] = [
  // elementwise
  ...unaryKernels,
  ...binaryKernels,
  ...reluGradKernels,
  // reductions
  ...reduceKernels,
  ...argReduceKernels,
  ...softmaxKernels,
  // shape and indexing
  ...transposeKernels,
  ...sliceKernels,
  ...concatKernels,
  ...padKernels,
  ...gatherKernels,
  // linear algebra
  ...matmulKernels,
  // images (NCHW)
  ...conv2dKernels,
  ...poolKernels,
  ...lrnKernels,
  ...resizeKernels,
];

export const kernels = new Map<string, KernelFunc>();
for (const { kernelName, kernelFunc } of all) {
  if (kernels.has(kernelName)) throw new Error(`backend-gpujs: kernel '${kernelName}' is registered twice`);
  kernels.set(kernelName, kernelFunc as KernelFunc);
}
