/**
 * Modules exported as one ONNX node instead of the kernels their forward runs, where ONNX
 * has the layer itself: batch norm in eval mode is BatchNormalization (which runtimes fold
 * into the convolution before it), not the half-dozen arithmetic kernels @nn computes it with.
 */
import type { Tensor } from '@nn/tensor';
import { BatchNorm1d, BatchNorm2d } from '../layers/normalization.js';
import type { AnyModule } from '../module.js';

export interface ModuleRun {
  /** The key of its mapping in KERNEL_MAPPINGS. */
  kernelName: string;
  inputs: [string, Tensor][];
  attrs: Record<string, unknown>;
}

export const BATCH_NORM = 'module:BatchNorm';

/** How `module`, just called on `args`, is exported as one node; null: by its kernels. */
export function moduleRun(module: AnyModule, args: readonly unknown[]): ModuleRun | null {
  if ((module instanceof BatchNorm1d || module instanceof BatchNorm2d) && !module.training && module.runningMean && module.runningVar) {
    const inputs: [string, Tensor][] = [
      ['x', args[0] as Tensor],
      ['runningMean', module.runningMean],
      ['runningVar', module.runningVar],
    ];
    if (module.weight) inputs.push(['weight', module.weight]);
    if (module.bias) inputs.push(['bias', module.bias]);
    return { kernelName: BATCH_NORM, inputs, attrs: { eps: module.eps } };
  }
  return null;
}
