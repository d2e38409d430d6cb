/**
 * Every kernel's gradient, one table per family, and the kernels that have none. A test
 * walks KernelName and fails on any kernel in neither list.
 */
import { KernelName } from '@nn/tensor';
import { elementwiseGradients } from './elementwise.js';
import { imageGradients } from './image.js';
import { linalgGradients } from './linalg.js';
import { reduceGradients } from './reduce.js';
import { shapeGradients } from './shape.js';
import type { GradientDef, GradientTable } from './types.js';

const tables: GradientTable[] = [elementwiseGradients, reduceGradients, linalgGradients, shapeGradients, imageGradients];

const gradients = new Map<string, GradientDef>();
for (const table of tables) {
  for (const [name, def] of Object.entries(table)) {
    if (gradients.has(name)) throw new Error(`autograd: gradient for '${name}' is defined twice`);
    gradients.set(name, def);
  }
}

/**
 * Kernels whose outputs carry no gradient: their outputs do not require grad, as in
 * PyTorch (argmax, comparisons, logical ops, one-hot). The pool, LRN and resize gradient
 * kernels are listed too: they only run inside backward, and this package does not take
 * second derivatives. (The conv2d gradient kernels, MaxPool2DGrad, SliceGrad, IndexAdd
 * and ScatterAdd do have gradients: they are linear and double as user ops.)
 */
export const nonDifferentiableKernels: ReadonlySet<string> = new Set<string>([
  KernelName.ArgMax,
  KernelName.ArgMin,
  KernelName.Equal,
  KernelName.NotEqual,
  KernelName.Less,
  KernelName.LessEqual,
  KernelName.Greater,
  KernelName.GreaterEqual,
  KernelName.LogicalAnd,
  KernelName.LogicalOr,
  KernelName.LogicalXor,
  KernelName.LogicalNot,
  KernelName.OneHot,
  KernelName.AvgPool2DGrad,
  KernelName.AdaptiveAvgPool2DGrad,
  KernelName.LRNGrad,
  KernelName.ResizeNearestGrad,
  KernelName.ResizeBilinearGrad,
  KernelName.SgdUpdate, // optimizer steps run under noGrad
  KernelName.AdamUpdate,
]);

export function gradientFor(kernelName: string): GradientDef | undefined {
  return gradients.get(kernelName);
}

export function isNonDifferentiable(kernelName: string): boolean {
  return nonDifferentiableKernels.has(kernelName);
}

/** Kernel names that have a gradient. */
export function differentiableKernels(): string[] {
  return [...gradients.keys()];
}
