/**
 * Adagrad (Duchi et al., 2011; torch.optim.Adagrad's update):
 *   t ← t + 1;  g ← ∇ (negated if maximize) + weightDecay·θ
 *   lr_t = lr / (1 + (t − 1)·lrDecay)
 *   s ← s + g²;  θ ← θ − lr_t · g / (√s + eps)
 */
import { full, type Tensor } from '@nn/tensor';
import { check, Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<AdagradOptions>[], options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options });
  }

  protected validate(g: AdagradOptions): void {
    check(g.lr >= 0, 'Adagrad', 'lr must be >= 0', g.lr);
    check(g.lrDecay >= 0, 'Adagrad', 'lrDecay must be >= 0', g.lrDecay);
    check(g.weightDecay >= 0, 'Adagrad', 'weightDecay must be >= 0', g.weightDecay);
    check(g.initialAccumulatorValue >= 0, 'Adagrad', 'initialAccumulatorValue must be >= 0', g.initialAccumulatorValue);
    check(g.eps >= 0, 'Adagrad', 'eps must be >= 0', g.eps);
  }

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<AdagradOptions>, state: ParamState): void {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) g = g.add(param.mul(group.weightDecay));
    const clr = group.lr / (1 + (step - 1) * group.lrDecay);
    const sum = this.stateTensor(state, 'sum', param, () => full(param.shape, group.initialAccumulatorValue));
    this.set(sum, sum.add(g.mul(g)));
    this.set(param, param.sub(g.div(sum.sqrt().add(group.eps)).mul(clr)));
  }
}
