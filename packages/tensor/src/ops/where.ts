/**
 * where(condition, a, b): a where condition is true, b elsewhere, with all three broadcast
 * together. The condition must be bool (as in PyTorch); a and b promote as in arithmetic.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { broadcastShapes, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { promotePair } from './binary.js';
import { runKernel } from './run.js';

export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = toTensor(condition, 'where', 'condition');
  if (c.dtype !== 'bool') {
    throw new Error(`where: condition must be a bool tensor, got ${c.dtype} (compare it, e.g. x.gt(0), or cast it to bool)`);
  }
  const checkShapes = (x: Tensor, y: Tensor): void => {
    const rank = Math.max(c.rank, x.rank, y.rank);
    for (let i = 0; i < rank; i++) {
      const dims = [c, x, y].map((t) => t.shape[t.rank - rank + i] ?? 1).filter((d) => d !== 1);
      if (dims.some((d) => d !== dims[0])) {
        throw new Error(
          `where: shapes ${formatShape(c.shape)} (condition), ${formatShape(x.shape)} (a) and ${formatShape(y.shape)} (b) cannot be broadcast together`,
        );
      }
    }
    broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape); // checks the result's size
  };
  const [x, y] = promotePair('where', a, b, 'any', ['a', 'b'], checkShapes);
  return runKernel(KernelName.Where, { condition: c, a: x, b: y });
}

declare module '../tensor.js' {
  interface Tensor {
    /** PyTorch's x.where(condition, other): x where condition holds, other elsewhere. */
    where(condition: TensorLike, other: TensorLike): Tensor;
  }
}

Tensor.prototype.where = function (this: Tensor, condition: TensorLike, other: TensorLike) { return where(condition, this, other); };
