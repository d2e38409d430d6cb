/**
 * Binary elementwise ops with NumPy broadcasting. `binaryOp` converts both arguments,
 * promotes them to one dtype (bool < int32 < float32, JS numbers take the tensor's kind),
 * checks that the shapes broadcast, and runs the kernel; the backend's `binaryKernel`
 * supplies the loop.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { upcastDType, type DType } from '../dtype.js';
import { KernelName } from '../kernel_names.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { runKernel } from './run.js';

type Domain = 'float' | 'numeric' | 'any';

/** Converts and promotes the two operands of `op`; exported for ops with more than two inputs (where). */
export function promotePair(op: string, a: TensorLike, b: TensorLike, domain: Domain): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? toTensor(a, op, 'a') : null;
  const tb = b instanceof Tensor ? toTensor(b, op, 'b') : null;
  const hintA = tb?.dtype;
  const hintB = ta?.dtype;
  let x = ta ?? toTensor(a, op, 'a', hintA);
  let y = tb ?? toTensor(b, op, 'b', hintB);
  let dtype: DType = upcastDType(x.dtype, y.dtype);
  if (domain === 'float' || (domain === 'numeric' && dtype === 'bool')) dtype = domain === 'float' ? 'float32' : 'int32';
  if (x.dtype !== dtype) x = cast(x, dtype);
  if (y.dtype !== dtype) y = cast(y, dtype);
  broadcastShapes(op, x.shape, y.shape);
  return [x, y];
}

function binaryOp(op: string, kernelName: string, a: TensorLike, b: TensorLike, domain: Domain): Tensor {
  const [x, y] = promotePair(op, a, b, domain);
  return runKernel(kernelName, { a: x, b: y });
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp('add', KernelName.Add, a, b, 'numeric');

declare module '../tensor.js' {
  interface Tensor {
    add(b: TensorLike): Tensor;
  }
}

Tensor.prototype.add = function (this: Tensor, b: TensorLike) { return add(this, b); };
