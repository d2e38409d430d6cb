/**
 * Unary elementwise ops. Each is one line over `unaryOp`; the backend's `unaryKernel`
 * supplies the loop. Float ops cast int32/bool input to float32 first, as PyTorch does;
 * numeric ops keep int32 and lift bool to int32.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type EluAttrs, type GeluAttrs, type LeakyReluAttrs, type SoftplusAttrs } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { checkNoExtra, parseOptions } from './options.js';
import { runKernel } from './run.js';

/** 'float': computes in float32; 'numeric': keeps int32, lifts bool to int32; 'signed': numeric, but bool is an error. */
type Domain = 'float' | 'numeric' | 'signed';

export function unaryOp(op: string, kernelName: string, x: TensorLike, domain: Domain, attrs: object = {}): Tensor {
  let t = toTensor(x, op, 'x');
  if (domain === 'signed' && t.dtype === 'bool') throw new Error(`${op}: not supported for bool tensors; use logicalNot`);
  if (domain === 'float' && t.dtype !== 'float32') t = cast(t, 'float32');
  else if (t.dtype === 'bool') t = cast(t, 'int32');
  return runKernel(kernelName, { x: t }, attrs);
}

/** Throws unless `value` is a finite number; attributes never become NaN inside a kernel. */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${op}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

export const neg = (x: TensorLike): Tensor => unaryOp('neg', KernelName.Neg, x, 'signed');
export const abs = (x: TensorLike): Tensor => unaryOp('abs', KernelName.Abs, x, 'numeric');
export const exp = (x: TensorLike): Tensor => unaryOp('exp', KernelName.Exp, x, 'float');
export const log = (x: TensorLike): Tensor => unaryOp('log', KernelName.Log, x, 'float');
/** log(1 + x), accurate for small x. */
export const log1p = (x: TensorLike): Tensor => unaryOp('log1p', KernelName.Log1p, x, 'float');
export const sqrt = (x: TensorLike): Tensor => unaryOp('sqrt', KernelName.Sqrt, x, 'float');
/** 1 / sqrt(x). */
export const rsqrt = (x: TensorLike): Tensor => unaryOp('rsqrt', KernelName.Rsqrt, x, 'float');
export const square = (x: TensorLike): Tensor => unaryOp('square', KernelName.Square, x, 'numeric');
export const sin = (x: TensorLike): Tensor => unaryOp('sin', KernelName.Sin, x, 'float');
export const cos = (x: TensorLike): Tensor => unaryOp('cos', KernelName.Cos, x, 'float');
/** -1, 0 or 1; 0 for NaN, as torch.sign. */
export const sign = (x: TensorLike): Tensor => unaryOp('sign', KernelName.Sign, x, 'numeric');
/** Identity on integers, as in PyTorch. */
export const floor = (x: TensorLike): Tensor => unaryOp('floor', KernelName.Floor, x, 'numeric');
export const ceil = (x: TensorLike): Tensor => unaryOp('ceil', KernelName.Ceil, x, 'numeric');
/** Rounds half to even (round(2.5) = 2, round(-0.5) = -0), as torch.round. */
export const round = (x: TensorLike): Tensor => unaryOp('round', KernelName.Round, x, 'numeric');

export const sigmoid = (x: TensorLike): Tensor => unaryOp('sigmoid', KernelName.Sigmoid, x, 'float');
export const tanh = (x: TensorLike): Tensor => unaryOp('tanh', KernelName.Tanh, x, 'float');
/** max(x, 0); keeps int32 and propagates NaN, as torch.relu. */
export const relu = (x: TensorLike): Tensor => unaryOp('relu', KernelName.Relu, x, 'numeric');

export interface LeakyReluOptions {
  /** Default 0.01. */
  negativeSlope?: number;
}
export interface EluOptions {
  /** Default 1. */
  alpha?: number;
}
export interface GeluOptions {
  /** 'none' (default): the exact normal CDF; 'tanh': PyTorch's tanh approximation. */
  approximate?: 'none' | 'tanh';
}
export interface SoftplusOptions {
  /** Default 1. */
  beta?: number;
  /** Above beta * x > threshold the result is x itself. Default 20. */
  threshold?: number;
}

/** x for x > 0, negativeSlope * x otherwise (any slope, negative or above 1 included). */
export function leakyRelu(x: TensorLike, options?: LeakyReluOptions, ...extra: never[]): Tensor {
  const keys = ['negativeSlope'] as const;
  const { negativeSlope = 0.01 } = parseOptions('leakyRelu', options, keys);
  checkNoExtra('leakyRelu', extra, keys);
  const attrs: LeakyReluAttrs = { negativeSlope: checkFinite('leakyRelu', 'negativeSlope', negativeSlope) };
  return unaryOp('leakyRelu', KernelName.LeakyRelu, x, 'float', attrs);
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(x: TensorLike, options?: EluOptions, ...extra: never[]): Tensor {
  const keys = ['alpha'] as const;
  const { alpha = 1 } = parseOptions('elu', options, keys);
  checkNoExtra('elu', extra, keys);
  const attrs: EluAttrs = { alpha: checkFinite('elu', 'alpha', alpha) };
  return unaryOp('elu', KernelName.Elu, x, 'float', attrs);
}

/** x * Φ(x) with the exact normal CDF ('none'), or PyTorch's tanh approximation ('tanh'). */
export function gelu(x: TensorLike, options?: GeluOptions, ...extra: never[]): Tensor {
  const keys = ['approximate'] as const;
  const { approximate = 'none' } = parseOptions('gelu', options, keys);
  checkNoExtra('gelu', extra, keys);
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  const attrs: GeluAttrs = { approximate };
  return unaryOp('gelu', KernelName.Gelu, x, 'float', attrs);
}

/**
 * log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (as PyTorch, for
 * numerical stability).
 */
export function softplus(x: TensorLike, options?: SoftplusOptions, ...extra: never[]): Tensor {
  const keys = ['beta', 'threshold'] as const;
  const { beta = 1, threshold = 20 } = parseOptions('softplus', options, keys);
  checkNoExtra('softplus', extra, keys);
  checkFinite('softplus', 'beta', beta);
  if (beta === 0) throw new Error('softplus: beta must not be 0');
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new Error(`softplus: threshold must be a number, got ${String(threshold)}`);
  const attrs: SoftplusAttrs = { beta, threshold };
  return unaryOp('softplus', KernelName.Softplus, x, 'float', attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    neg(): Tensor;
    abs(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    sign(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    leakyRelu(options?: LeakyReluOptions): Tensor;
    elu(options?: EluOptions): Tensor;
    gelu(options?: GeluOptions): Tensor;
    softplus(options?: SoftplusOptions): Tensor;
  }
}

Tensor.prototype.neg = function (this: Tensor) { return neg(this); };
Tensor.prototype.abs = function (this: Tensor) { return abs(this); };
Tensor.prototype.exp = function (this: Tensor) { return exp(this); };
Tensor.prototype.log = function (this: Tensor) { return log(this); };
Tensor.prototype.log1p = function (this: Tensor) { return log1p(this); };
Tensor.prototype.sqrt = function (this: Tensor) { return sqrt(this); };
Tensor.prototype.rsqrt = function (this: Tensor) { return rsqrt(this); };
Tensor.prototype.square = function (this: Tensor) { return square(this); };
Tensor.prototype.sin = function (this: Tensor) { return sin(this); };
Tensor.prototype.cos = function (this: Tensor) { return cos(this); };
Tensor.prototype.sign = function (this: Tensor) { return sign(this); };
Tensor.prototype.floor = function (this: Tensor) { return floor(this); };
Tensor.prototype.ceil = function (this: Tensor) { return ceil(this); };
Tensor.prototype.round = function (this: Tensor) { return round(this); };
Tensor.prototype.sigmoid = function (this: Tensor) { return sigmoid(this); };
Tensor.prototype.tanh = function (this: Tensor) { return tanh(this); };
Tensor.prototype.relu = function (this: Tensor) { return relu(this); };
Tensor.prototype.leakyRelu = function (this: Tensor, ...args: [options?: LeakyReluOptions, ...extra: never[]]) { return leakyRelu(this, ...args); };
Tensor.prototype.elu = function (this: Tensor, ...args: [options?: EluOptions, ...extra: never[]]) { return elu(this, ...args); };
Tensor.prototype.gelu = function (this: Tensor, ...args: [options?: GeluOptions, ...extra: never[]]) { return gelu(this, ...args); };
Tensor.prototype.softplus = function (this: Tensor, ...args: [options?: SoftplusOptions, ...extra: never[]]) { return softplus(this, ...args); };
