/**
 * RMSprop (Hinton's lecture 6e; torch.optim.RMSprop's update):
 *   g ← ∇ (negated if maximize) + weightDecay·θ
 *   v ← α·v + (1 − α)·g²
 *   centered: ḡ ← ḡ + (1 − α)(g − ḡ);  d ← √(v − ḡ²) + eps     else d ← √v + eps
 *   momentum > 0: b ← momentum·b + g/d;  θ ← θ − lr·b            else θ ← θ − lr·g/d
 */
import type { Tensor } from '@nn/tensor';
import { check, Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<RMSpropOptions>[], options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options });
  }

  protected validate(g: RMSpropOptions): void {
    check(g.lr >= 0, 'RMSprop', 'lr must be >= 0', g.lr);
    check(g.eps >= 0, 'RMSprop', 'eps must be >= 0', g.eps);
    check(g.alpha >= 0, 'RMSprop', 'alpha must be >= 0', g.alpha);
    check(g.momentum >= 0, 'RMSprop', 'momentum must be >= 0', g.momentum);
    check(g.weightDecay >= 0, 'RMSprop', 'weightDecay must be >= 0', g.weightDecay);
  }

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<RMSpropOptions>, state: ParamState): void {
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) g = g.add(param.mul(group.weightDecay));
    const squareAvg = this.stateTensor(state, 'squareAvg', param);
    this.set(squareAvg, squareAvg.mul(group.alpha).add(g.mul(g).mul(1 - group.alpha)));
    let avg: Tensor;
    if (group.centered) {
      const gradAvg = this.stateTensor(state, 'gradAvg', param);
      this.set(gradAvg, gradAvg.add(g.sub(gradAvg).mul(1 - group.alpha)));
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = avg.add(group.eps);
    if (group.momentum > 0) {
      const buffer = this.stateTensor(state, 'momentumBuffer', param);
      this.set(buffer, buffer.mul(group.momentum).add(g.div(avg)));
      this.set(param, param.sub(buffer.mul(group.lr)));
    } else {
      this.set(param, param.sub(g.div(avg).mul(group.lr)));
    }
  }
}
