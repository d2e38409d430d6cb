// The CPU kernel table, by family.
import type { KernelFunc } from '@nn/tensor';
import { adaptivePool2dKernels } from './adaptive_pool2d.js';
import { avgPool2dKernels } from './avg_pool2d.js';
import { binaryKernels } from './binary.js';
import { castKernels } from './cast.js';
import { conv2dKernels } from './conv2d.js';
import { conv2dBackpropFilterKernels } from './conv2d_backprop_filter.js';
import { conv2dBackpropInputKernels } from './conv2d_backprop_input.js';
import { lrnKernels } from './lrn.js';
import { maxPool2dKernels } from './max_pool2d.js';
import { matmulKernels } from './matmul.js';
import { addMmKernels } from './addmm.js';
import { argReduceKernels } from './arg_reduce.js';
import { broadcastToKernels } from './broadcast_to.js';
import { concatKernels } from './concat.js';
import { gatherKernels } from './gather.js';
import { oneHotKernels } from './one_hot.js';
import { optimizerUpdateKernels } from './optimizer_update.js';
import { padKernels } from './pad.js';
import { reduceKernels } from './reduce.js';
import { reluGradKernels } from './relu_grad.js';
import { reshapeKernels } from './reshape.js';
import { sliceKernels } from './slice.js';
import { softmaxKernels } from './softmax.js';
import { transposeKernels } from './transpose.js';
import { resizeKernels } from './resize.js';
import type { KernelConfig } from './types.js';
import { unaryKernels } from './unary.js';
import { whereKernels } from './where.js';

const all: KernelConfig[] = [
  ...castKernels,
  // elementwise
  ...unaryKernels,
  ...binaryKernels,
  ...whereKernels,
  ...reluGradKernels,
  // reductions
  ...reduceKernels,
  ...argReduceKernels,
  ...softmaxKernels,
  // shape and indexing
  ...reshapeKernels,
  ...transposeKernels,
  ...broadcastToKernels,
  ...sliceKernels,
  ...concatKernels,
  ...padKernels,
  ...gatherKernels,
  ...oneHotKernels,
  // linear algebra
  ...matmulKernels,
  ...addMmKernels,
  // images (NCHW)
  ...conv2dKernels,
  ...conv2dBackpropInputKernels,
  ...conv2dBackpropFilterKernels,
  ...maxPool2dKernels,
  ...avgPool2dKernels,
  ...adaptivePool2dKernels,
  ...lrnKernels,
  ...resizeKernels,
  // training
  ...optimizerUpdateKernels,
];

export const kernels = new Map<string, KernelFunc>();
for (const { kernelName, kernelFunc } of all) {
  if (kernels.has(kernelName)) throw new Error(`backend-cpu: kernel '${kernelName}' is registered twice`);
  kernels.set(kernelName, kernelFunc as KernelFunc);
}
