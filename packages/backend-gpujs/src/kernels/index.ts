// The gpu.js kernel table, by family; the same names as backend-cpu's table.
import type { KernelFunc } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { argReduceKernels } from './arg_reduce.js';
import { binaryKernels } from './binary.js';
import { concatKernels } from './concat.js';
import { conv2dKernels } from './conv2d.js';
import { gatherKernels } from './gather.js';
import { lrnKernels } from './lrn.js';
import { matmulKernels } from './matmul.js';
import { optimizerUpdateKernels } from './optimizer_update.js';
import { padKernels } from './pad.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { reluGradKernels } from './relu_grad.js';
import { resizeKernels } from './resize.js';
import { sliceKernels } from './slice.js';
import { softmaxKernels } from './softmax.js';
import { transposeKernels } from './transpose.js';
import type { GpujsKernel, KernelConfig } from './types.js';
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
  // training
  ...optimizerUpdateKernels,
];

/**
 * `func` with its failures (gpu.js's compiler, a size past a limit) rethrown as one line that
 * names the kernel, its input shapes and the gpu.js mode: a user sees what ran where, not
 * gpu.js's source excerpt. The original error is the cause.
 */
function named(kernelName: string, func: GpujsKernel<never>): KernelFunc {
  const run = func as unknown as GpujsKernel;
  return (args) => {
    try {
      return run(args as Parameters<GpujsKernel>[0]);
    } catch (error) {
      const shapes = Object.entries(args.inputs)
        .map(([name, info]) => `${name} [${info.shape.join(', ')}]`)
        .join(', ');
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/^gpujs: /, '');
      const mode = (args.backend as GpujsBackend).mode;
      throw new Error(`gpujs (${mode} mode): kernel ${kernelName} failed on ${shapes || 'no inputs'}: ${message}`, { cause: error });
    }
  };
}

export const kernels = new Map<string, KernelFunc>();
for (const { kernelName, kernelFunc } of all) {
  if (kernels.has(kernelName)) throw new Error(`backend-gpujs: kernel '${kernelName}' is registered twice`);
  kernels.set(kernelName, named(kernelName, kernelFunc));
}
