/**
 * torch.nn.GroupNorm: channels in numGroups groups, each sample's group normalised on its own
 * (no batch dependence, no running statistics), then a per-channel affine (ones, zeros).
 */
import { groupNorm, ones, zeros, type Tensor } from '@nn/tensor';
import { Module, parameter } from '../module.js';

export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
}

export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(numGroups) || numGroups < 1) throw new Error(`GroupNorm: numGroups must be a positive integer, got ${numGroups}`);
    if (!Number.isInteger(numChannels) || numChannels < 1) throw new Error(`GroupNorm: numChannels must be a positive integer, got ${numChannels}`);
    if (numChannels % numGroups !== 0) throw new Error(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new Error(`GroupNorm: eps must be >= 0, got ${this.eps}`);
    this.affine = options.affine ?? true;
    this.weight = this.affine ? parameter(ones([numChannels])) : null;
    this.bias = this.affine ? parameter(zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm: expected input [N, ${this.numChannels}, ...], got shape [${x.shape.join(',')}]`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}
