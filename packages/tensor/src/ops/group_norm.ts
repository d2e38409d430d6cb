/**
 * groupNorm: PyTorch's F.group_norm (Wu & He, 2018). The C channels of [N, C, *] input split
 * into numGroups contiguous groups; each sample's group is normalised with its own mean and
 * biased variance over (C / numGroups, *), then a per-CHANNEL affine:
 *
 *   y = (x - mean_g) / sqrt(var_g + eps) * weight[c] + bias[c]
 *
 * composed from public ops, so autograd differentiates it with no kernel of its own. Unlike
 * batch norm it does not depend on the batch, and has no running statistics.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub } from './binary.js';
import { checkNoExtra, parseOptions } from './options.js';
import { mean } from './reduce.js';
import { reshape } from './reshape.js';
import { checkFinite, rsqrt, square } from './unary.js';

export interface GroupNormOptions {
  /** Per-channel scale [C]. Default none. */
  weight?: TensorLike | null;
  /** Per-channel shift [C]. Default none. */
  bias?: TensorLike | null;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

export function groupNorm(x: TensorLike, numGroups: number, options?: GroupNormOptions, ...extra: never[]): Tensor {
  const op = 'groupNorm';
  const keys = ['weight', 'bias', 'eps'] as const;
  const { weight, bias, eps = 1e-5 } = parseOptions(op, options, keys);
  checkNoExtra(op, extra, keys);
  const input = toTensor(x, op, 'input');
  assertDType(op, 'input', input, ['float32']);
  if (input.rank < 2) throw new Error(`${op}: input must be [N, C, ...] with at least 2 dimensions, got shape ${formatShape(input.shape)}`);
  const [batch, channels] = input.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1) throw new Error(`${op}: numGroups must be a positive integer, got ${String(numGroups)}`);
  if (channels % numGroups !== 0) {
    throw new Error(`${op}: numGroups=${numGroups} does not divide the ${channels} channels of input ${formatShape(input.shape)}`);
  }
  checkFinite(op, 'eps', eps);
  const w = channelParameter(op, 'weight', weight, channels);
  const b = channelParameter(op, 'bias', bias, channels);
  return engine().tidy(() => {
    // [N, G, C/G · spatial]: each row is one (sample, group).
    const grouped = reshape(input, [batch, numGroups, -1]);
    const centered = sub(grouped, mean(grouped, 2, { keepDim: true }));
    const invStd = rsqrt(add(mean(square(centered), 2, { keepDim: true }), eps));
    let output = reshape(mul(centered, invStd), input.shape);
    const column = input.shape.map((d, i) => (i === 1 ? d : 1));
    if (w !== null) output = mul(output, reshape(w, column));
    if (b !== null) output = add(output, reshape(b, column));
    return output;
  });
}

/** An optional per-channel [C] tensor (weight, bias, running statistics), checked. */
export function channelParameter(op: string, name: string, value: TensorLike | null | undefined, channels: number): Tensor | null {
  if (value === null || value === undefined) return null;
  const t = toTensor(value, op, name);
  assertDType(op, name, t, ['float32']);
  if (t.rank !== 1 || t.shape[0] !== channels) {
    throw new Error(`${op}: ${name} must have shape [${channels}] (one value per channel), got ${formatShape(t.shape)}`);
  }
  return t;
}

declare module '../tensor.js' {
  interface Tensor {
    groupNorm(numGroups: number, options?: GroupNormOptions): Tensor;
  }
}

Tensor.prototype.groupNorm = function (this: Tensor, numGroups: number, ...args: [options?: GroupNormOptions, ...extra: never[]]) {
  return groupNorm(this, numGroups, ...args);
};
