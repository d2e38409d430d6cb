/**
 * Comparisons with broadcasting: operands promote as in arithmetic (an int32 tensor against
 * 0.5 compares as float32), the result is bool. NaN compares unequal to everything.
 */
import type { TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import { binaryOp } from './binary.js';

export const eq = (a: TensorLike, b: TensorLike): Tensor => binaryOp('eq', KernelName.Equal, a, b, 'any');
export const ne = (a: TensorLike, b: TensorLike): Tensor => binaryOp('ne', KernelName.NotEqual, a, b, 'any');
export const lt = (a: TensorLike, b: TensorLike): Tensor => binaryOp('lt', KernelName.Less, a, b, 'any');
export const le = (a: TensorLike, b: TensorLike): Tensor => binaryOp('le', KernelName.LessEqual, a, b, 'any');
export const gt = (a: TensorLike, b: TensorLike): Tensor => binaryOp('gt', KernelName.Greater, a, b, 'any');
export const ge = (a: TensorLike, b: TensorLike): Tensor => binaryOp('ge', KernelName.GreaterEqual, a, b, 'any');

declare module '../tensor.js' {
  interface Tensor {
    eq(b: TensorLike): Tensor;
    ne(b: TensorLike): Tensor;
    lt(b: TensorLike): Tensor;
    le(b: TensorLike): Tensor;
    gt(b: TensorLike): Tensor;
    ge(b: TensorLike): Tensor;
  }
}

Tensor.prototype.eq = function (this: Tensor, b: TensorLike) { return eq(this, b); };
Tensor.prototype.ne = function (this: Tensor, b: TensorLike) { return ne(this, b); };
Tensor.prototype.lt = function (this: Tensor, b: TensorLike) { return lt(this, b); };
Tensor.prototype.le = function (this: Tensor, b: TensorLike) { return le(this, b); };
Tensor.prototype.gt = function (this: Tensor, b: TensorLike) { return gt(this, b); };
Tensor.prototype.ge = function (this: Tensor, b: TensorLike) { return ge(this, b); };
