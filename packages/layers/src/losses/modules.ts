/** The losses as modules (torch.nn.MSELoss, CrossEntropyLoss, ...): forward(input, target). */
import type { Tensor } from '@nn/tensor';
import { Module } from '../module.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  diceLoss,
  huberLoss,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
  type BCEWithLogitsOptions,
  type BinaryLossOptions,
  type ClassLossOptions,
  type CrossEntropyOptions,
  type DiceOptions,
  type Reduction,
  type ReductionOptions,
} from './functional.js';

abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }

  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this);
  }
}

export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this);
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: ReductionOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this);
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: ReductionOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this);
  }
}

/** Class weights are a buffer named `weight`, as in PyTorch's state dict. */
abstract class WeightedLoss extends Loss {
  weight: Tensor | null;
  constructor(options: ReductionOptions & { weight?: Tensor | null } = {}) {
    super(options);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(options: ClassLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this);
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    // ignoreIndex stays undefined-equivalent for probability targets unless set.
    return crossEntropy(input, target, { reduction: this.reduction, weight: this.weight, labelSmoothing: this.labelSmoothing, ignoreIndex: this.ignoreIndex });
  }
}

export class BCELoss extends WeightedLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this);
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  posWeight: Tensor | null;
  constructor(options: BCEWithLogitsOptions = {}) {
    super(options);
    this.posWeight = this.registerBuffer('posWeight', options.posWeight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this);
  }
}

export class DiceLoss extends Loss {
  readonly smooth: number;
  readonly activation: 'none' | 'sigmoid' | 'softmax';
  constructor(options: DiceOptions = {}) {
    super(options);
    this.smooth = options.smooth ?? 1;
    this.activation = options.activation ?? 'none';
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return diceLoss(input, target, this);
  }
}

export type { BinaryLossOptions };
