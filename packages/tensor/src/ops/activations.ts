/**
 * The activations PyTorch users reach for beyond relu/elu/gelu (torch.nn.functional's silu,
 * mish, hardtanh, softsign, logsigmoid, selu, celu, prelu). Each is a composition of kernels
 * that already have gradients, chosen to be numerically sound in float32, so every backend
 * runs them and autograd differentiates them with no kernel of their own.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul } from './binary.js';
import { cast } from './cast.js';
import { ge, gt, le } from './compare.js';
import { reshape } from './reshape.js';
import { checkNoExtra, parseOptions } from './options.js';
import { abs, checkFinite, elu, neg, sigmoid, softplus, tanh } from './unary.js';
import { where } from './where.js';

/** x as float32 (int32/bool are cast, as PyTorch's float activations). */
function asFloat(op: string, x: TensorLike): Tensor {
  const t = toTensor(x, op, 'x');
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/** x · sigmoid(x) (also called swish). */
export function silu(x: TensorLike, ...extra: never[]): Tensor {
  checkNoExtra('silu', extra);
  const input = asFloat('silu', x);
  return engine().tidy(() => mul(input, sigmoid(input)));
}

/** x · tanh(softplus(x)) (Misra, 2019); softplus is linear above 20, as PyTorch's. */
export function mish(x: TensorLike, ...extra: never[]): Tensor {
  checkNoExtra('mish', extra);
  const input = asFloat('mish', x);
  return engine().tidy(() => mul(input, tanh(softplus(input))));
}

/** x / (1 + |x|). */
export function softsign(x: TensorLike, ...extra: never[]): Tensor {
  checkNoExtra('softsign', extra);
  const input = asFloat('softsign', x);
  return engine().tidy(() => div(input, add(abs(input), 1)));
}

/**
 * log(sigmoid(x)) as −softplus(−x): softplus computes log1p(exp(·)) only below its threshold
 * and is linear above it, so neither tail overflows or loses the small term.
 */
export function logSigmoid(x: TensorLike, ...extra: never[]): Tensor {
  checkNoExtra('logSigmoid', extra);
  const input = asFloat('logSigmoid', x);
  return engine().tidy(() => neg(softplus(neg(input))));
}

// The constants of Klambauer et al. (2017), as PyTorch writes them.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** scale · elu(x, alpha) with the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507). */
export function selu(x: TensorLike, ...extra: never[]): Tensor {
  checkNoExtra('selu', extra);
  const input = asFloat('selu', x);
  return engine().tidy(() => mul(elu(input, { alpha: SELU_ALPHA }), SELU_SCALE));
}

export interface CeluOptions {
  /** Default 1; must not be 0. */
  alpha?: number;
}

/** max(0, x) + min(0, alpha · (exp(x / alpha) − 1)), computed as alpha · elu(x / alpha). */
export function celu(x: TensorLike, options?: CeluOptions, ...extra: never[]): Tensor {
  const keys = ['alpha'] as const;
  const { alpha = 1 } = parseOptions('celu', options, keys);
  checkNoExtra('celu', extra, keys);
  checkFinite('celu', 'alpha', alpha);
  if (alpha === 0) throw new Error('celu: alpha must not be 0 (it divides x)');
  const input = asFloat('celu', x);
  if (alpha === 1) return elu(input);
  return engine().tidy(() => mul(elu(div(input, alpha)), alpha));
}

export interface HardtanhOptions {
  /** Default -1. */
  minVal?: number;
  /** Default 1; must not be below minVal. */
  maxVal?: number;
}

/**
 * x clamped to [minVal, maxVal]. Unlike clip, the gradient is zero AT the bounds too (PyTorch's
 * hardtanh_backward passes it only where minVal < x < maxVal); NaN stays NaN.
 */
export function hardtanh(x: TensorLike, options?: HardtanhOptions, ...extra: never[]): Tensor {
  const keys = ['minVal', 'maxVal'] as const;
  const { minVal = -1, maxVal = 1 } = parseOptions('hardtanh', options, keys);
  checkNoExtra('hardtanh', extra, keys);
  checkFinite('hardtanh', 'minVal', minVal);
  checkFinite('hardtanh', 'maxVal', maxVal);
  if (maxVal < minVal) throw new Error(`hardtanh: maxVal (${maxVal}) must not be below minVal (${minVal})`);
  const input = asFloat('hardtanh', x);
  // The bounds enter as constants, so only the pass-through branch carries a gradient.
  return engine().tidy(() => where(le(input, minVal), minVal, where(ge(input, maxVal), maxVal, input)));
}

/** min(max(x, 0), 6): hardtanh on [0, 6]. */
export function relu6(x: TensorLike, ...extra: never[]): Tensor {
  checkNoExtra('relu6', extra);
  return hardtanh(x, { minVal: 0, maxVal: 6 });
}

/**
 * x where x > 0, weight[c] · x elsewhere, with c the channel index on axis 1 (not the last
 * axis); weight has one element (shared) or one per channel. Below 2-D there is no channel
 * axis and weight must have one element, as PyTorch.
 */
export function prelu(x: TensorLike, weight: TensorLike, ...extra: never[]): Tensor {
  const op = 'prelu';
  checkNoExtra(op, extra);
  const input = asFloat(op, x);
  const w = toTensor(weight, op, 'weight');
  assertDType(op, 'weight', w, ['float32']);
  if (w.rank > 1) throw new Error(`${op}: weight must be 1-D (one value, or one per channel), got shape ${formatShape(w.shape)}`);
  const count = w.size;
  const channels = input.rank >= 2 ? input.shape[1] : 1;
  if (count !== 1 && count !== channels) {
    throw new Error(`${op}: weight has ${count} values but input ${formatShape(input.shape)} has ${channels} channels (axis 1); give 1 or ${channels}`);
  }
  return engine().tidy(() => {
    // [C] seen as [C, 1, ...] against the axes after the batch.
    const slope = count === 1 ? reshape(w, []) : reshape(w, input.shape.slice(1).map((d, i) => (i === 0 ? d : 1)));
    return where(gt(input, 0), input, mul(slope, input));
  });
}
