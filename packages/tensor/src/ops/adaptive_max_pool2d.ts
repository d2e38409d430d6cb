/**
 * adaptiveMaxPool2d: PyTorch's F.adaptive_max_pool2d on [N, C, H, W] or [C, H, W] input,
 * over the adaptive windows of adaptiveAvgPool2d. Indices are flat h*W+w within each input
 * plane (int32), as maxPool2d's, so maxPool2dGrad is its gradient.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import type { ValuesAndIndices } from './arg_reduce.js';
import { adaptivePoolAttrs, batched, unbatch, type AdaptiveOutputSize } from './pool_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { runKernelMulti } from './run.js';

export interface AdaptiveMaxPool2DOptions {
  /** Also return where each maximum is. */
  returnIndices?: boolean;
}

/** Max pooling to a fixed output size; with returnIndices also where each maximum is. */
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, options: { returnIndices: true }): ValuesAndIndices;
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPool2DOptions): Tensor | ValuesAndIndices;
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPool2DOptions, ...extra: never[]): Tensor | ValuesAndIndices {
  const op = 'adaptiveMaxPool2d';
  const keys = ['returnIndices'] as const;
  const { returnIndices = false } = parseOptions(op, options, keys);
  checkNoExtra(op, extra, keys);
  if (typeof returnIndices !== 'boolean') throw new Error(`${op}: returnIndices must be a boolean, got ${String(returnIndices)}`);
  const input = toTensor(x, op, 'input');
  const attrs = adaptivePoolAttrs(op, input, outputSize);
  const [values, indices] = runKernelMulti(KernelName.AdaptiveMaxPool2D, { x: batched(input) }, attrs);
  if (!returnIndices) {
    indices.dispose();
    return unbatch(values, input.rank);
  }
  return { values: unbatch(values, input.rank), indices: unbatch(indices, input.rank) };
}

declare module '../tensor.js' {
  interface Tensor {
    adaptiveMaxPool2d(outputSize: AdaptiveOutputSize, options: { returnIndices: true }): ValuesAndIndices;
    adaptiveMaxPool2d(outputSize: AdaptiveOutputSize, options?: { returnIndices?: false }): Tensor;
    adaptiveMaxPool2d(outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPool2DOptions): Tensor | ValuesAndIndices;
  }
}

Tensor.prototype.adaptiveMaxPool2d = function (this: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPool2DOptions, ...extra: never[]) {
  // The overloads have no rest parameter, so the method checks what the op would.
  if (extra.length > 0) parseOptions('adaptiveMaxPool2d', options, ['returnIndices']);
  checkNoExtra('adaptiveMaxPool2d', extra, ['returnIndices']);
  return adaptiveMaxPool2d(this, outputSize, options);
} as Tensor['adaptiveMaxPool2d'];
