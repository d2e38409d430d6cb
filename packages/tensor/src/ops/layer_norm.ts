/**
 * layerNorm: PyTorch's F.layer_norm, normalising over the trailing `normalizedShape` axes of
 * each sample with that sample's mean and biased variance, then an elementwise affine:
 *
 *   y = (x - mean) / sqrt(var + eps) * weight + bias
 *
 * composed from public ops so that autograd differentiates it with no kernel of its own.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { formatShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub } from './binary.js';
import { mean } from './reduce.js';
import { checkNoExtra, parseOptions } from './options.js';
import { checkFinite, rsqrt, square } from './unary.js';

export interface LayerNormOptions {
  /** Elementwise scale of shape normalizedShape. Default none. */
  weight?: TensorLike | null;
  /** Elementwise shift of shape normalizedShape. Default none. */
  bias?: TensorLike | null;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

export function layerNorm(x: TensorLike, normalizedShape: number | Shape, options?: LayerNormOptions, ...extra: never[]): Tensor {
  const op = 'layerNorm';
  const keys = ['weight', 'bias', 'eps'] as const;
  const { weight, bias, eps = 1e-5 } = parseOptions(op, options, keys);
  checkNoExtra(op, extra, keys);
  const input = toTensor(x, op, 'input');
  assertDType(op, 'input', input, ['float32']);
  const shape: readonly number[] = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: normalizedShape must be a positive integer or a non-empty list of them, got ${String(normalizedShape)}`);
  }
  const tail = input.shape.slice(input.rank - shape.length);
  if (input.rank < shape.length || tail.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: input shape ${formatShape(input.shape)} does not end with normalizedShape ${formatShape(shape)}`);
  }
  checkFinite(op, 'eps', eps);
  const affine = (value: TensorLike | null | undefined, name: string): Tensor | null => {
    if (value === null || value === undefined) return null;
    const t = toTensor(value, op, name);
    assertDType(op, name, t, ['float32']);
    if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${op}: ${name} must have shape ${formatShape(shape)} (normalizedShape), got ${formatShape(t.shape)}`);
    }
    return t;
  };
  const w = affine(weight, 'weight');
  const b = affine(bias, 'bias');
  const axes = shape.map((_, i) => input.rank - shape.length + i);
  return engine().tidy(() => {
    const centered = sub(input, mean(input, axes, { keepDim: true }));
    const invStd = rsqrt(add(mean(square(centered), axes, { keepDim: true }), eps));
    let output = mul(centered, invStd);
    if (w !== null) output = mul(output, w);
    if (b !== null) output = add(output, b);
    return output;
  });
}

declare module '../tensor.js' {
  interface Tensor {
    layerNorm(normalizedShape: number | Shape, options?: LayerNormOptions): Tensor;
  }
}

Tensor.prototype.layerNorm = function (this: Tensor, normalizedShape: number | Shape, ...args: [options?: LayerNormOptions, ...extra: never[]]) {
  return layerNorm(this, normalizedShape, ...args);
};
