/**
 * torch.nn.InstanceNorm1d / InstanceNorm2d: each sample's channel normalised over its own
 * spatial axes. PyTorch's defaults differ from batch norm's: affine=false and
 * trackRunningStats=false, so by default train and eval compute the same thing. With
 * trackRunningStats the running statistics move in training and normalise in eval.
 */
import { engine, instanceNorm, ones, zeros, type Tensor } from '@nn/tensor';
import { Module, parameter } from '../module.js';

export interface InstanceNormOptions {
  eps?: number;
  /** Weight of each new statistic in the running average. Default 0.1. */
  momentum?: number;
  /** Learnable per-channel weight (ones) and bias (zeros). Default false. */
  affine?: boolean;
  /** Keep running statistics and use them in eval mode. Default false. */
  trackRunningStats?: boolean;
}

abstract class InstanceNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  /** The rank of batched input (3 for 1d, 4 for 2d); one less is unbatched. */
  protected abstract readonly batchedRank: number;

  constructor(
    readonly numFeatures: number,
    options: InstanceNormOptions = {},
  ) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`${name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.eps >= 0)) throw new Error(`${name}: eps must be >= 0, got ${this.eps}`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1], got ${this.momentum}`);
    this.affine = options.affine ?? false;
    this.trackRunningStats = options.trackRunningStats ?? false;
    this.weight = this.affine ? parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? parameter(zeros([numFeatures])) : null;
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('runningMean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('runningVar', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('numBatchesTracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    const rank = this.batchedRank;
    if (x.rank !== rank && x.rank !== rank - 1) {
      throw new Error(`${name}: expected ${rank}-D (batched) or ${rank - 1}-D (unbatched) input, got shape [${x.shape.join(',')}]`);
    }
    // Unbatched input is one sample.
    if (x.rank === rank - 1) return this.forward(x.reshape([1, ...x.shape])).reshape(x.shape);
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${name}: input has ${x.shape[1]} channels but the layer has numFeatures=${this.numFeatures}: input [${x.shape.join(',')}]`);
    }
    const useInputStats = this.training || this.runningMean === null;
    const result = instanceNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, { useInputStats, momentum: this.momentum, eps: this.eps });
    if (useInputStats && this.training && this.runningMean !== null && this.runningVar !== null && this.numBatchesTracked !== null) {
      const next = this.numBatchesTracked.add(1);
      for (const [buffer, value] of [
        [this.numBatchesTracked, next],
        [this.runningMean, result.runningMean!],
        [this.runningVar, result.runningVar!],
      ] as const) {
        engine().assign(buffer, value);
        value.dispose();
      }
    }
    return result.output;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Over [N, C, L] (or unbatched [C, L]) input: statistics over L. */
export class InstanceNorm1d extends InstanceNorm {
  protected readonly batchedRank = 3;
}

/** Over [N, C, H, W] (or unbatched [C, H, W]) input: statistics over H, W. */
export class InstanceNorm2d extends InstanceNorm {
  protected readonly batchedRank = 4;
}
