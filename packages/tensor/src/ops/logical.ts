/**
 * Logical ops, as torch.logical_*: any dtype is accepted (nonzero is true, NaN included) and
 * the result is bool.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import { binaryOp } from './binary.js';
import { runKernel } from './run.js';

export function logicalNot(x: TensorLike): Tensor {
  return runKernel(KernelName.LogicalNot, { x: toTensor(x, 'logicalNot', 'x') });
}

export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binaryOp('logicalAnd', KernelName.LogicalAnd, a, b, 'any');
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binaryOp('logicalOr', KernelName.LogicalOr, a, b, 'any');
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => binaryOp('logicalXor', KernelName.LogicalXor, a, b, 'any');

declare module '../tensor.js' {
  interface Tensor {
    logicalNot(): Tensor;
    logicalAnd(b: TensorLike): Tensor;
    logicalOr(b: TensorLike): Tensor;
    logicalXor(b: TensorLike): Tensor;
  }
}

Tensor.prototype.logicalNot = function (this: Tensor) { return logicalNot(this); };
Tensor.prototype.logicalAnd = function (this: Tensor, b: TensorLike) { return logicalAnd(this, b); };
Tensor.prototype.logicalOr = function (this: Tensor, b: TensorLike) { return logicalOr(this, b); };
Tensor.prototype.logicalXor = function (this: Tensor, b: TensorLike) { return logicalXor(this, b); };
