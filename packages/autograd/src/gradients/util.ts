/** Helpers the gradient tables share. */
import { broadcastedAxes, reshape, shapesEqual, sum, type Shape, type Tensor } from '@nn/tensor';

/**
 * Sums a gradient of the broadcast output shape back to an operand's own `shape`: over
 * the axes the operand was broadcast along, then reshaped to drop the leading ones.
 */
export function sumToShape(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const axes = broadcastedAxes(shape, dy.shape);
  const summed = axes.length > 0 ? sum(dy, axes, { keepDim: true }) : dy;
  return shapesEqual(summed.shape, shape) ? summed : reshape(summed, shape);
}
