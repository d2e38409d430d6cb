/**
 * Kullback–Leibler divergence, PyTorch's F.kl_div / nn.KLDivLoss: `input` holds
 * log-probabilities; `target` probabilities (or log-probabilities with logTarget).
 * Pointwise: target·(log target − input), 0 where target = 0 (xlogy's convention); with
 * logTarget: exp(target)·(target − input). 'batchmean' divides the sum by the batch size
 * (input.shape[0]), which is the mathematical KL divergence; 'mean' divides by every element,
 * as PyTorch's default does (PyTorch warns about it; we keep the default for compatibility).
 */
import { cast, eq, exp, log, shapesEqual, where, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';

export type KLDivReduction = 'none' | 'mean' | 'sum' | 'batchmean';

export interface KLDivOptions {
  /** Default 'mean'. */
  reduction?: KLDivReduction;
  /** target holds log-probabilities. Default false. */
  logTarget?: boolean;
}

export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const op = 'klDiv';
  const reduction = options.reduction ?? 'mean';
  if (!['none', 'mean', 'sum', 'batchmean'].includes(reduction)) {
    throw new Error(`${op}: reduction must be 'none', 'mean', 'sum' or 'batchmean', got '${String(reduction)}'`);
  }
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw new Error(`${op}: logTarget must be a boolean, got ${String(logTarget)}`);
  if (input.dtype !== 'float32') throw new Error(`${op}: input must be float32 (log-probabilities), got ${input.dtype}`);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`${op}: input [${input.shape.join(',')}] and target [${target.shape.join(',')}] must have the same shape`);
  }
  const t = target.dtype === 'float32' ? target : cast(target, 'float32');
  let loss: Tensor;
  if (logTarget) {
    loss = exp(t).mul(t.sub(input));
  } else {
    // xlogy: 0·log 0 = 0. The log reads 1 where target = 0, so no -inf reaches the gradient.
    const isZero = eq(t, 0);
    const xlogx = where(isZero, 0, t.mul(log(where(isZero, 1, t))));
    loss = xlogx.sub(t.mul(input));
  }
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  return loss.sum().div(input.rank === 0 ? 1 : input.shape[0]);
}

/** nn.KLDivLoss: forward(input, target) with input log-probabilities. */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: KLDivReduction;
  readonly logTarget: boolean;

  constructor(options: KLDivOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this);
  }

  override extraRepr(): string {
    const parts = [];
    if (this.reduction !== 'mean') parts.push(`reduction='${this.reduction}'`);
    if (this.logTarget) parts.push('logTarget=true');
    return parts.join(', ');
  }
}
