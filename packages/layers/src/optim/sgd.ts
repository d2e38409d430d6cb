/**
 * Stochastic gradient descent with momentum (torch.optim.SGD's update, in PyTorch's order):
 *   g ← ∇ (negated if maximize) + weightDecay·θ
 *   b ← g on the first step, else momentum·b + (1 − dampening)·g
 *   g ← g + momentum·b (nesterov) or b
 *   θ ← θ − lr·g
 */
import { engine, keep, KernelName, type SgdUpdateAttrs, type Tensor } from '@nn/tensor';
import { check, Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<SGDOptions>[], options: Partial<SGDOptions> = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected validate(g: SGDOptions): void {
    check(g.lr >= 0, 'SGD', 'lr must be >= 0', g.lr);
    check(g.momentum >= 0, 'SGD', 'momentum must be >= 0', g.momentum);
    check(g.weightDecay >= 0, 'SGD', 'weightDecay must be >= 0', g.weightDecay);
    check(Number.isFinite(g.dampening), 'SGD', 'dampening must be a number', g.dampening);
    check(!g.nesterov || (g.momentum > 0 && g.dampening === 0), 'SGD', 'nesterov needs momentum > 0 and dampening 0', { momentum: g.momentum, dampening: g.dampening });
  }

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>, state: ParamState): void {
    if (this.canFuse(KernelName.SgdUpdate, param, [state.momentumBuffer])) {
      this.fusedUpdate(param, grad, group, state);
      return;
    }
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) g = g.add(param.mul(group.weightDecay));
    if (group.momentum !== 0) {
      let buffer: Tensor;
      if (state.momentumBuffer === undefined) {
        buffer = this.stateTensor(state, 'momentumBuffer', param, () => g.add(0));
      } else {
        buffer = state.momentumBuffer as Tensor;
        this.set(buffer, buffer.mul(group.momentum).add(g.mul(1 - group.dampening)));
      }
      g = group.nesterov ? g.add(buffer.mul(group.momentum)) : buffer;
    }
    this.set(param, param.sub(g.mul(group.lr)));
  }

  /** The same update in one kernel pass (see canFuse). */
  private fusedUpdate(param: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>, state: ParamState): void {
    const buffer = state.momentumBuffer as Tensor | undefined;
    const firstStep = group.momentum !== 0 && buffer === undefined;
    const attrs: SgdUpdateAttrs = {
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weightDecay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
      firstStep,
    };
    const inputs: Record<string, Tensor> = { param, grad };
    if (group.momentum !== 0 && buffer !== undefined) inputs.momentumBuffer = buffer;
    const [next, nextBuffer] = engine().runKernel(KernelName.SgdUpdate, inputs, attrs);
    if (nextBuffer !== undefined) {
      if (buffer === undefined) state.momentumBuffer = keep(nextBuffer);
      else this.set(buffer, nextBuffer);
    }
    this.set(param, next);
  }
}
