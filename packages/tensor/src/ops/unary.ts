/**
 * Unary elementwise ops. Each is one line over `unaryOp`; the backend's `unaryKernel`
 * supplies the loop. Float ops cast int32/bool input to float32 first, as PyTorch does.
 */
import { KernelName } from '../kernel_names.js';
import { toTensor, type TensorLike } from '../convert.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';
import { cast } from './cast.js';

type Domain = 'float' | 'numeric';

function unaryOp(op: string, kernelName: string, x: TensorLike, domain: Domain, attrs: object = {}): Tensor {
  let t = toTensor(x, op, 'x');
  if (t.dtype === 'bool' || (domain === 'float' && t.dtype !== 'float32')) t = cast(t, 'float32');
  return runKernel(kernelName, { x: t }, attrs);
}

export const neg = (x: TensorLike): Tensor => unaryOp('neg', KernelName.Neg, x, 'numeric');
export const exp = (x: TensorLike): Tensor => unaryOp('exp', KernelName.Exp, x, 'float');

declare module '../tensor.js' {
  interface Tensor {
    neg(): Tensor;
    exp(): Tensor;
  }
}

Tensor.prototype.neg = function (this: Tensor) { return neg(this); };
Tensor.prototype.exp = function (this: Tensor) { return exp(this); };
