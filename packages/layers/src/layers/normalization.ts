/**
 * Normalisation layers, as torch.nn.BatchNorm1d / BatchNorm2d / LayerNorm / LocalResponseNorm.
 * Batch norm keeps PyTorch's buffers (running_mean, running_var, num_batches_tracked) and
 * moves them in training with engine().assign, so the buffer handles stay the same.
 */
import { batchNorm, engine, layerNorm, localResponseNorm, ones, zeros, type Tensor } from '@nn/tensor';
import { Module, parameter } from '../module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each new batch in the running statistics; null for a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learnable per-channel weight (γ, ones) and bias (β, zeros). Default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation; without them eval mode uses batch statistics. Default true. */
  trackRunningStats?: boolean;
}

abstract class BatchNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`${name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (!(this.eps >= 0)) throw new Error(`${name}: eps must be >= 0, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1] or null, got ${this.momentum}`);
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? parameter(zeros([numFeatures])) : null;
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('runningMean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('runningVar', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('numBatchesTracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /** Throws unless the input has the rank this layer expects. */
  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.constructor.name}: input has ${x.shape[1]} channels but the layer has numFeatures=${this.numFeatures}: input [${x.shape.join(',')}]`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked !== null) {
      const next = this.numBatchesTracked.add(1);
      engine().assign(this.numBatchesTracked, next);
      next.dispose();
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item();
    }
    // Batch statistics in training, and in eval mode when there are no running ones.
    const useBatchStats = this.training || this.runningMean === null;
    const keepStats = !this.training || this.trackRunningStats;
    const result = batchNorm(x, keepStats ? this.runningMean : null, keepStats ? this.runningVar : null, this.weight, this.bias, {
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
    if (useBatchStats && keepStats && this.runningMean !== null && this.runningVar !== null) {
      engine().assign(this.runningMean, result.runningMean!);
      engine().assign(this.runningVar, result.runningVar!);
      result.runningMean!.dispose();
      result.runningVar!.dispose();
    }
    return result.output;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Over [N, C] or [N, C, L] input. */
export class BatchNorm1d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if (x.rank !== 2 && x.rank !== 3) throw new Error(`BatchNorm1d: expected 2-D or 3-D input, got shape [${x.shape.join(',')}]`);
  }
}

/** Over [N, C, H, W] input. */
export class BatchNorm2d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if (x.rank !== 4) throw new Error(`BatchNorm2d: expected 4-D input [N, C, H, W], got shape [${x.shape.join(',')}]`);
  }
}

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (ones) and bias (zeros) of normalizedShape. Default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also a bias. Default true. */
  bias?: boolean;
}

/** Normalises over the trailing normalizedShape dims of each sample (Ba et al., 2016). */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new Error(`LayerNorm: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? parameter(ones(this.normalizedShape)) : null;
    this.bias = this.elementwiseAffine && (options.bias ?? true) ? parameter(zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

/** AlexNet's local response normalisation across channels, PyTorch's formula. */
export class LocalResponseNorm extends Module {
  constructor(
    readonly size: number,
    readonly alpha = 1e-4,
    readonly beta = 0.75,
    readonly k = 1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}
