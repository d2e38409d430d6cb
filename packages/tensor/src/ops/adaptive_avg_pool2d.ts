/**
 * adaptiveAvgPool2d: PyTorch's F.adaptive_avg_pool2d on [N, C, H, W] or [C, H, W] input.
 * Output cell i of Out along an axis of In averages inputs floor(i*In/Out) to
 * ceil((i+1)*In/Out) (exclusive), so windows may differ in size and overlap.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type ImageGradAttrs } from '../kernel_names.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { adaptivePoolAttrs, batched, checkGradOperands, unbatch, type AdaptiveOutputSize } from './pool_util.js';
import { runKernel } from './run.js';

export type { AdaptiveOutputSize } from './pool_util.js';

/** Average pooling to a fixed output size (an int, or [h, w] with null keeping that input size). */
export function adaptiveAvgPool2d(x: TensorLike, outputSize: AdaptiveOutputSize): Tensor {
  const op = 'adaptiveAvgPool2d';
  const input = toTensor(x, op, 'input');
  const attrs = adaptivePoolAttrs(op, input, outputSize);
  return unbatch(runKernel(KernelName.AdaptiveAvgPool2D, { x: batched(input) }, attrs), input.rank);
}

/** The gradient of adaptiveAvgPool2d: each dy spread evenly over its window. */
export function adaptiveAvgPool2dGrad(dy: Tensor, inputShape: Shape): Tensor {
  checkGradOperands('adaptiveAvgPool2dGrad', dy, inputShape);
  const attrs: ImageGradAttrs = { inputShape: [...inputShape] };
  return runKernel(KernelName.AdaptiveAvgPool2DGrad, { dy }, attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    adaptiveAvgPool2d(outputSize: AdaptiveOutputSize): Tensor;
  }
}

Tensor.prototype.adaptiveAvgPool2d = function (this: Tensor, outputSize: AdaptiveOutputSize) {
  return adaptiveAvgPool2d(this, outputSize);
};
