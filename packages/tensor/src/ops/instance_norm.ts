/**
 * instanceNorm: PyTorch's F.instance_norm (Ulyanov et al., 2016) on [N, C, *] input: each
 * sample's channel is normalised with its own mean and biased variance over the spatial
 * axes, then a per-channel affine. As PyTorch, it is batch norm on the input seen as
 * [1, N·C, *]: with running statistics, each (sample, channel) row moves its copy of the
 * channel's statistic and the new running value is the mean of the copies over the batch.
 * With useInputStats false (a module in eval mode that tracks running stats) the running
 * statistics normalise instead, exactly like batch norm in evaluation.
 *
 * Tensors are immutable, so, like batchNorm, it returns `{ output, runningMean, runningVar }`.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { batchNorm, type BatchNormResult } from './batch_norm.js';
import { expand } from './expand.js';
import { channelParameter } from './group_norm.js';
import { checkNoExtra, parseOptions } from './options.js';
import { mean } from './reduce.js';
import { reshape } from './reshape.js';
import { checkFinite } from './unary.js';

export interface InstanceNormOptions {
  /** Normalise with each instance's statistics (and move the running ones, if given). Default true. */
  useInputStats?: boolean;
  /** Weight of the new statistic in the running average. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

const KEYS = ['useInputStats', 'momentum', 'eps'] as const;

export function instanceNorm(
  x: TensorLike,
  runningMean?: TensorLike | null,
  runningVar?: TensorLike | null,
  weight?: TensorLike | null,
  bias?: TensorLike | null,
  options?: InstanceNormOptions,
  ...extra: never[]
): BatchNormResult<Tensor | null> {
  const op = 'instanceNorm';
  const { useInputStats = true, momentum = 0.1, eps = 1e-5 } = parseOptions(op, options, KEYS);
  checkNoExtra(op, extra, KEYS);
  const input = toTensor(x, op, 'input');
  assertDType(op, 'input', input, ['float32']);
  if (input.rank < 3) throw new Error(`${op}: input must be [N, C, L] or [N, C, H, W] (batched), got shape ${formatShape(input.shape)}`);
  if (typeof useInputStats !== 'boolean') throw new Error(`${op}: useInputStats must be a boolean, got ${String(useInputStats)}`);
  checkFinite(op, 'momentum', momentum);
  checkFinite(op, 'eps', eps);
  const [batch, channels] = input.shape;
  const rMean = channelParameter(op, 'runningMean', runningMean, channels);
  const rVar = channelParameter(op, 'runningVar', runningVar, channels);
  const w = channelParameter(op, 'weight', weight, channels);
  const b = channelParameter(op, 'bias', bias, channels);
  if ((rMean === null) !== (rVar === null)) throw new Error(`${op}: give both runningMean and runningVar, or neither`);
  if (!useInputStats) {
    if (rMean === null) throw new Error(`${op}: runningMean and runningVar are required when useInputStats is false`);
    return batchNorm(input, rMean, rVar, w, b, { training: false, eps });
  }
  const spatial = input.size / Math.max(batch * channels, 1);
  if (spatial <= 1) throw new Error(`${op}: expected more than 1 spatial element per channel, got input ${formatShape(input.shape)}`);

  return engine().tidy(() => {
    const rows = reshape(input, [1, batch * channels, ...input.shape.slice(2)]);
    // Each sample gets its own copy of the running statistics: [C] → [N·C].
    const repeat = (t: Tensor | null): Tensor | null => (t === null ? null : reshape(expand(reshape(t, [1, channels]), [batch, channels]), [batch * channels]));
    const normed = batchNorm(rows, repeat(rMean), repeat(rVar), null, null, { training: true, momentum, eps });
    let output = reshape(normed.output, input.shape);
    const column = input.shape.map((d, i) => (i === 1 ? d : 1));
    if (w !== null) output = mul(output, reshape(w, column));
    if (b !== null) output = add(output, reshape(b, column));
    const average = (t: Tensor | null): Tensor | null => (t === null ? null : mean(reshape(t, [batch, channels]), 0));
    return { output, runningMean: average(normed.runningMean), runningVar: average(normed.runningVar) };
  });
}
