/**
 * Binary arithmetic with NumPy broadcasting. `binaryOp` converts both arguments, promotes
 * them to one dtype (bool < int32 < float32; a JS number takes the tensor's kind), checks
 * that the shapes broadcast, and runs the kernel; the backend's `binaryKernel` supplies the loop.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { upcastDType, type DType } from '../dtype.js';
import { KernelName } from '../kernel_names.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { runKernel } from './run.js';

/**
 * What dtypes an op computes in: 'float' casts both to float32 (div), 'numeric' lifts bool
 * to int32 (sub, pow), 'any' keeps the promoted dtype, bool included (comparisons, maximum).
 */
export type Domain = 'float' | 'numeric' | 'any';

/** The dtype a JS number takes next to a tensor of `dtype`, as PyTorch's "wrapped number" rule. */
function numberDType(value: number, dtype: DType | undefined): DType {
  if (dtype === undefined || dtype === 'float32' || !Number.isInteger(value)) return 'float32';
  return 'int32'; // an integer next to int32 or bool: bool + 1 is int, as in PyTorch
}

function operand(op: string, value: TensorLike, arg: string, other: Tensor | null): Tensor {
  if (typeof value === 'number') return toTensor(value, op, arg, numberDType(value, other?.dtype));
  return toTensor(value, op, arg);
}

/**
 * Converts and promotes two operands of `op` and checks their shapes (by default, that they
 * broadcast); exported for ops that share the rules (comparisons, logical ops, where).
 */
export function promotePair(
  op: string,
  a: TensorLike,
  b: TensorLike,
  domain: Domain,
  names: [string, string] = ['a', 'b'],
  checkShapes: (x: Tensor, y: Tensor) => void = (x, y) => void broadcastShapes(op, x.shape, y.shape),
): [Tensor, Tensor] {
  // Tensors first, so that a JS number can take the other operand's kind.
  const ta = a instanceof Tensor ? toTensor(a, op, names[0]) : null;
  const tb = b instanceof Tensor ? toTensor(b, op, names[1]) : null;
  let x = ta ?? operand(op, a, names[0], tb);
  let y = tb ?? operand(op, b, names[1], x);
  let dtype: DType = upcastDType(x.dtype, y.dtype);
  if (domain === 'float') dtype = 'float32';
  else if (domain === 'numeric' && dtype === 'bool') dtype = 'int32';
  checkShapes(x, y); // before any cast runs
  if (x.dtype !== dtype) x = cast(x, dtype);
  if (y.dtype !== dtype) y = cast(y, dtype);
  return [x, y];
}

export function binaryOp(op: string, kernelName: string, a: TensorLike, b: TensorLike, domain: Domain): Tensor {
  const [x, y] = promotePair(op, a, b, domain);
  return runKernel(kernelName, { a: x, b: y });
}

/** a + b. Two bool tensors give their logical or, as in PyTorch. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promotePair('add', a, b, 'any');
  return runKernel(x.dtype === 'bool' ? KernelName.LogicalOr : KernelName.Add, { a: x, b: y });
}

/** a - b. PyTorch refuses two bools (use logicalXor), and so do we. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promotePair('sub', a, b, 'any');
  if (x.dtype === 'bool') throw new Error('sub: subtracting two bool tensors is not supported; use logicalXor');
  return runKernel(KernelName.Sub, { a: x, b: y });
}

/** a * b. Two bool tensors give their logical and, as in PyTorch. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promotePair('mul', a, b, 'any');
  return runKernel(x.dtype === 'bool' ? KernelName.LogicalAnd : KernelName.Mul, { a: x, b: y });
}

/** True division: float32 even for integer inputs, as torch.div without a rounding mode. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp('div', KernelName.Div, a, b, 'float');

/**
 * x ** exponent, with a tensor or scalar exponent on either side. Integers stay integers
 * (pow(int, 2) is int, pow(int, 0.5) is float), and, as in PyTorch, an integer tensor to a
 * negative integer scalar power is an error.
 */
export function pow(x: TensorLike, exponent: TensorLike): Tensor {
  const [base, exp] = promotePair('pow', x, exponent, 'numeric', ['x', 'exponent']);
  if (base.dtype === 'int32' && typeof exponent === 'number' && exponent < 0) {
    throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${exponent}); cast x to float32 first`);
  }
  return runKernel(KernelName.Pow, { a: base, b: exp });
}

/** Elementwise maximum; NaN in either operand gives NaN, as torch.maximum. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('maximum', KernelName.Maximum, a, b, 'any');
/** Elementwise minimum; NaN in either operand gives NaN, as torch.minimum. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('minimum', KernelName.Minimum, a, b, 'any');

declare module '../tensor.js' {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
  }
}

Tensor.prototype.add = function (this: Tensor, b: TensorLike) { return add(this, b); };
Tensor.prototype.sub = function (this: Tensor, b: TensorLike) { return sub(this, b); };
Tensor.prototype.mul = function (this: Tensor, b: TensorLike) { return mul(this, b); };
Tensor.prototype.div = function (this: Tensor, b: TensorLike) { return div(this, b); };
Tensor.prototype.pow = function (this: Tensor, exponent: TensorLike) { return pow(this, exponent); };
Tensor.prototype.maximum = function (this: Tensor, b: TensorLike) { return maximum(this, b); };
Tensor.prototype.minimum = function (this: Tensor, b: TensorLike) { return minimum(this, b); };
