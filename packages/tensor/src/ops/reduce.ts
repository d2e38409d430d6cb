/**
 * Reductions over one axis, several, or all (axis undefined), with keepDim, as PyTorch's.
 * `reduceOp` checks axes and runs the kernel; the backend's reducer supplies the loop.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type ReduceAttrs } from '../kernel_names.js';
import { normalizeAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { runKernel } from './run.js';

export type Axes = number | readonly number[];

function reduceOp(op: string, kernelName: string, x: TensorLike, axis: Axes | undefined, keepDim: boolean): Tensor {
  let t = toTensor(x, op, 'x');
  if (t.dtype === 'bool') t = cast(t, 'int32');
  const attrs: ReduceAttrs = { axes: normalizeAxes(op, axis, t.rank), keepDim };
  return runKernel(kernelName, { x: t }, attrs);
}

export const sum = (x: TensorLike, axis?: Axes, keepDim = false): Tensor => reduceOp('sum', KernelName.Sum, x, axis, keepDim);

declare module '../tensor.js' {
  interface Tensor {
    sum(axis?: Axes, keepDim?: boolean): Tensor;
  }
}

Tensor.prototype.sum = function (this: Tensor, axis?: Axes, keepDim?: boolean) { return sum(this, axis, keepDim); };
