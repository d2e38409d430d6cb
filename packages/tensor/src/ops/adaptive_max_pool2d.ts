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
import { runKernelMulti } from './run.js';

/** Max pooling to a fixed output size; with returnIndices also where each maximum is. */
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, returnIndices: true): ValuesAndIndices;
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, returnIndices?: false): Tensor;
export function adaptiveMaxPool2d(x: TensorLike, outputSize: AdaptiveOutputSize, returnIndices = false): Tensor | ValuesAndIndices {
  const op = 'adaptiveMaxPool2d';
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
    adaptiveMaxPool2d(outputSize: AdaptiveOutputSize, returnIndices: true): ValuesAndIndices;
    adaptiveMaxPool2d(outputSize: AdaptiveOutputSize, returnIndices?: false): Tensor;
  }
}

Tensor.prototype.adaptiveMaxPool2d = function (this: Tensor, outputSize: AdaptiveOutputSize, returnIndices?: boolean) {
  return returnIndices === true ? adaptiveMaxPool2d(this, outputSize, true) : adaptiveMaxPool2d(this, outputSize);
} as Tensor['adaptiveMaxPool2d'];
