/**
 * addmm(input, mat1, mat2, { beta, alpha }) = beta·input + alpha·(mat1 · mat2), torch.addmm:
 * the matrix product with a broadcast addend. With beta = alpha = 1 on float32 it runs as one
 * AddMm kernel, so a backend can fold the bias into the product's sums (a linear layer's
 * bias) instead of writing the product and reading it again; otherwise it is the sum of its
 * parts. As in PyTorch, beta = 0 ignores input (NaN or Infinity there do not propagate).
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { KernelName, type MatMulAttrs } from '../kernel_names.js';
import { broadcastShapes, formatShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { broadcastTo } from './expand.js';
import { matmul } from './matmul.js';
import { checkNoExtra, parseOptions } from './options.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

export interface AddmmOptions {
  /** Multiplier of input (default 1). */
  beta?: number;
  /** Multiplier of the product (default 1). */
  alpha?: number;
}

export function addmm(input: TensorLike, mat1: TensorLike, mat2: TensorLike, opts?: AddmmOptions, ...extra: never[]): Tensor {
  const op = 'addmm';
  const keys = ['beta', 'alpha'] as const;
  const options = parseOptions(op, opts, keys);
  checkNoExtra(op, extra, keys);
  const beta = options.beta ?? 1;
  const alpha = options.alpha ?? 1;
  for (const [name, value] of [['beta', beta], ['alpha', alpha]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${name} must be a finite number, got ${String(value)}`);
  }
  const bias = toTensor(input, op, 'input');
  const a = toTensor(mat1, op, 'mat1');
  const b = toTensor(mat2, op, 'mat2');
  for (const [name, t] of [['input', bias], ['mat1', a], ['mat2', b]] as const) assertDType(op, name, t, ['float32', 'int32']);
  if (a.rank !== 2 || b.rank !== 2) throw new Error(`${op}: mat1 and mat2 must be 2-D, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.shape[1] !== b.shape[0]) throw new Error(`${op}: inner dimensions differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)}`);
  const out = [a.shape[0], b.shape[1]];
  checkAddend(op, bias.shape, out);
  if (beta === 0) return alpha === 1 ? matmul(a, b) : mul(matmul(a, b), alpha);
  if (alpha !== 1 || beta !== 1 || [bias, a, b].some((t) => t.dtype !== 'float32')) {
    return add(beta === 1 ? bias : mul(bias, beta), alpha === 1 ? matmul(a, b) : mul(matmul(a, b), alpha));
  }
  return addMmKernel(a, b, bias, { transposeA: false, transposeB: false });
}

/** Throws unless an addend of `shape` broadcasts to the product's `out` shape without growing it. */
export function checkAddend(op: string, shape: Shape, out: Shape): void {
  let grown: Shape | null = null;
  try {
    grown = broadcastShapes(op, shape, out);
  } catch {
    grown = null;
  }
  if (grown === null || grown.length !== out.length || grown.some((d, i) => d !== out[i])) {
    throw new Error(`${op}: input of shape ${formatShape(shape)} cannot be broadcast to the product's shape ${formatShape(out)}`);
  }
}

/**
 * The AddMm kernel on float32 a, b (2-D) and an addend that broadcasts to op(a)·op(b)'s [m, n]:
 * passed on as [n] when it is one row, else broadcast to [m, n].
 */
export function addMmKernel(a: Tensor, b: Tensor, bias: Tensor, attrs: MatMulAttrs): Tensor {
  const m = a.shape[attrs.transposeA ? 1 : 0];
  const n = b.shape[attrs.transposeB ? 0 : 1];
  let addend = bias;
  if (bias.rank <= 2 && bias.shape[bias.rank - 1] === n && (bias.rank === 1 || bias.shape[0] === 1)) {
    if (bias.rank === 2) addend = reshape(bias, [n]);
  } else if (bias.rank !== 2 || bias.shape[0] !== m || bias.shape[1] !== n) {
    addend = broadcastTo(bias, [m, n]);
  }
  return runKernel(KernelName.AddMm, { a, b, bias: addend }, attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    /** `input.addmm(mat1, mat2, options)` is `addmm(input, mat1, mat2, options)`. */
    addmm(mat1: TensorLike, mat2: TensorLike, opts?: AddmmOptions): Tensor;
  }
}

Tensor.prototype.addmm = function (this: Tensor, mat1: TensorLike, mat2: TensorLike, opts?: AddmmOptions) { return addmm(this, mat1, mat2, opts); };
