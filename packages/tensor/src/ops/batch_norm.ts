/**
 * batchNorm: PyTorch's F.batch_norm over the channel axis 1 of [N, C], [N, C, L] or
 * [N, C, H, W] input, composed from public ops so that autograd differentiates it (the
 * dependence of the batch statistics on x included) with no kernel of its own:
 *
 *   y = (x - mean) / sqrt(var + eps) * weight + bias
 *
 * Training uses the batch's mean and biased variance and also moves the running statistics,
 * r <- (1 - momentum) * r + momentum * batchStat, where running variance takes the UNBIASED
 * batch variance (n/(n-1)), as PyTorch. Evaluation normalises with the running statistics.
 *
 * Tensors are immutable, so instead of updating running buffers in place the op returns the
 * new ones: `{ output, runningMean, runningVar }`. A BatchNorm layer assigns them into its
 * buffers; in evaluation (or without running stats) they are the tensors passed in.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub } from './binary.js';
import { mean } from './reduce.js';
import { reshape } from './reshape.js';
import { checkNoExtra, parseOptions } from './options.js';
import { checkFinite, neg, rsqrt, square } from './unary.js';

export interface BatchNormOptions {
  /** Normalise with batch statistics and update the running ones. Default false, as F.batch_norm. */
  training?: boolean;
  /** Weight of the new batch statistic in the running average. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

const BATCH_NORM_KEYS = ['training', 'momentum', 'eps'] as const;

/** `Stats` is null when the call had no running statistics. */
export interface BatchNormResult<Stats extends Tensor | null = Tensor> {
  output: Tensor;
  /** The running mean after this call (new in training; the one passed in otherwise). */
  runningMean: Stats;
  /** The running variance after this call (new in training; the one passed in otherwise). */
  runningVar: Stats;
}

export function batchNorm(
  x: TensorLike,
  runningMean: TensorLike,
  runningVar: TensorLike,
  weight?: TensorLike | null,
  bias?: TensorLike | null,
  options?: BatchNormOptions,
): BatchNormResult<Tensor>;
/** Without running statistics (PyTorch's track_running_stats=False): training only. */
export function batchNorm(
  x: TensorLike,
  runningMean: null,
  runningVar: null,
  weight?: TensorLike | null,
  bias?: TensorLike | null,
  options?: BatchNormOptions,
): BatchNormResult<null>;
export function batchNorm(
  x: TensorLike,
  runningMean: TensorLike | null,
  runningVar: TensorLike | null,
  weight?: TensorLike | null,
  bias?: TensorLike | null,
  options?: BatchNormOptions,
): BatchNormResult<Tensor | null>;
export function batchNorm(
  x: TensorLike,
  runningMean: TensorLike | null,
  runningVar: TensorLike | null,
  weight?: TensorLike | null,
  bias?: TensorLike | null,
  options?: BatchNormOptions,
  ...extra: never[]
): BatchNormResult<Tensor | null> {
  const op = 'batchNorm';
  const { training = false, momentum = 0.1, eps = 1e-5 } = parseOptions(op, options, BATCH_NORM_KEYS);
  checkNoExtra(op, extra, BATCH_NORM_KEYS);
  const input = toTensor(x, op, 'input');
  if (input.rank < 2) throw new Error(`${op}: input must be [N, C, ...] with at least 2 dimensions, got shape ${formatShape(input.shape)}`);
  assertDType(op, 'input', input, ['float32']);
  if (typeof training !== 'boolean') throw new Error(`${op}: training must be a boolean, got ${String(training)}`);
  checkFinite(op, 'momentum', momentum);
  checkFinite(op, 'eps', eps);
  const channels = input.shape[1];
  const perChannel = (value: TensorLike | null | undefined, name: string): Tensor | null => {
    if (value === null || value === undefined) return null;
    const t = toTensor(value, op, name);
    assertDType(op, name, t, ['float32']);
    if (t.rank !== 1 || t.shape[0] !== channels) {
      throw new Error(`${op}: ${name} must have shape [${channels}] (one value per channel), got ${formatShape(t.shape)} (input ${formatShape(input.shape)})`);
    }
    return t;
  };
  const rMean = perChannel(runningMean, 'runningMean');
  const rVar = perChannel(runningVar, 'runningVar');
  const w = perChannel(weight, 'weight');
  const b = perChannel(bias, 'bias');
  if ((rMean === null) !== (rVar === null)) throw new Error(`${op}: give both runningMean and runningVar, or neither`);
  const count = input.size / Math.max(channels, 1);
  if (training && count <= 1) {
    throw new Error(`${op}: expected more than 1 value per channel when training, got input ${formatShape(input.shape)}`);
  }
  if (!training && rMean === null) throw new Error(`${op}: runningMean and runningVar are required when not training`);

  // [C] seen as [1, C, 1, ...] to broadcast against the input.
  const columnShape = input.shape.map((d, i) => (i === 1 ? d : 1));
  return engine().tidy(() => {
    const column = (t: Tensor): Tensor => reshape(t, columnShape);
    let newMean = rMean;
    let newVar = rVar;
    if (training) {
      const batchMean = channelMean(input);
      const centered = sub(input, batchMean);
      const batchVar = channelMean(square(centered));
      if (rMean !== null && rVar !== null) {
        newMean = add(mul(rMean, 1 - momentum), mul(reshape(batchMean, [channels]), momentum));
        newVar = add(mul(rVar, 1 - momentum), mul(reshape(batchVar, [channels]), (momentum * count) / (count - 1)));
      }
      // The per-channel factor is folded on [C] first, so the full-size input sees one mul (and one add).
      const scale = channelScale(rsqrt(add(batchVar, eps)), w, column);
      const output = b === null ? mul(centered, scale) : add(mul(centered, scale), column(b));
      return { output, runningMean: newMean, runningVar: newVar };
    }
    // Eval: y = x·scale + (b − mean·scale), as PyTorch's CPU kernel folds it: two passes over x.
    const scale = channelScale(rsqrt(add(column(rVar!), eps)), w, column);
    let shift = neg(mul(column(rMean!), scale));
    if (b !== null) shift = add(shift, column(b));
    const output = add(mul(input, scale), shift);
    return { output, runningMean: newMean, runningVar: newVar };
  });
}

/** invStd · weight, on the [1, C, 1, ...] column. */
function channelScale(invStd: Tensor, w: Tensor | null, column: (t: Tensor) => Tensor): Tensor {
  return w === null ? invStd : mul(invStd, column(w));
}

/**
 * The mean over every axis but the channels, kept as [1, C, 1, ...]: first over the trailing
 * (adjacent) axes, then over the batch, which equals the mean over all of them because every
 * inner mean covers as many values, and spares the reduction a transpose of the whole input.
 */
function channelMean(t: Tensor): Tensor {
  if (t.rank === 2) return mean(t, 0, { keepDim: true });
  const spatial = t.shape.map((_, i) => i).slice(2);
  return mean(mean(t, spatial, { keepDim: true }), 0, { keepDim: true });
}

declare module '../tensor.js' {
  interface Tensor {
    batchNorm(
      runningMean: TensorLike,
      runningVar: TensorLike,
      weight?: TensorLike | null,
      bias?: TensorLike | null,
      options?: BatchNormOptions,
    ): BatchNormResult<Tensor>;
    batchNorm(
      runningMean: TensorLike | null,
      runningVar: TensorLike | null,
      weight?: TensorLike | null,
      bias?: TensorLike | null,
      options?: BatchNormOptions,
    ): BatchNormResult<Tensor | null>;
  }
}

Tensor.prototype.batchNorm = function (
  this: Tensor,
  runningMean: TensorLike | null,
  runningVar: TensorLike | null,
  weight?: TensorLike | null,
  bias?: TensorLike | null,
  options?: BatchNormOptions,
  ...extra: never[]
) {
  // The overloads have no rest parameter, so the method checks what the op would.
  if (extra.length > 0) parseOptions('batchNorm', options, BATCH_NORM_KEYS);
  checkNoExtra('batchNorm', extra, BATCH_NORM_KEYS);
  return batchNorm(this, runningMean, runningVar, weight, bias, options);
} as Tensor['batchNorm'];
