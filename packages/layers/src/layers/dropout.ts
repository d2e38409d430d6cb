/**
 * Dropout layers (inverted dropout: survivors scaled by 1/(1-p), the identity in eval mode),
 * as torch.nn.Dropout / Dropout2d. Masks come from the seedable default generator.
 */
import { dropout, dropout2d, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';

function checkP(layer: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${layer}: dropout probability must be in [0, 1], got ${String(p)}`);
  return p;
}

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkP('Dropout', p);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Zeroes whole channels of [N, C, H, W] input. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkP('Dropout2d', p);
  }

  forward(x: Tensor): Tensor {
    return dropout2d(x, { p: this.p, training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
