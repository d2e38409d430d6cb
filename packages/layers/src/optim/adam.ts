/**
 * Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), as torch.optim's:
 *   t ← t + 1;  g ← ∇ (negated if maximize)
 *   Adam: g ← g + weightDecay·θ          AdamW: θ ← θ·(1 − lr·weightDecay)
 *   m ← m + (1 − β1)(g − m)              (lerp, PyTorch's form of β1·m + (1 − β1)·g)
 *   v ← β2·v + (1 − β2)·g²
 *   v̂max ← max(v̂max, v)                  (amsgrad only; used instead of v below)
 *   θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 */
import { engine, KernelName, maximum, type AdamUpdateAttrs, type Tensor } from '@nn/tensor';
import { check, Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function validateAdam(name: string, g: AdamOptions): void {
  check(g.lr >= 0, name, 'lr must be >= 0', g.lr);
  check(g.eps >= 0, name, 'eps must be >= 0', g.eps);
  check(Array.isArray(g.betas) && g.betas.length === 2, name, 'betas must be [beta1, beta2]', g.betas);
  check(g.betas[0] >= 0 && g.betas[0] < 1, name, 'beta1 must be in [0, 1)', g.betas[0]);
  check(g.betas[1] >= 0 && g.betas[1] < 1, name, 'beta2 must be in [0, 1)', g.betas[1]);
  check(g.weightDecay >= 0, name, 'weightDecay must be >= 0', g.weightDecay);
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }

  protected validate(g: AdamOptions): void {
    validateAdam(this.constructor.name, g);
  }

  /** AdamW decays the weights directly instead of adding weightDecay·θ to the gradient. */
  protected readonly decoupledWeightDecay: boolean = false;

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<AdamOptions>, state: ParamState): void {
    const [beta1, beta2] = group.betas;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    if (this.canFuse(KernelName.AdamUpdate, param, [state.expAvg, state.expAvgSq, state.maxExpAvgSq])) {
      this.fusedUpdate(param, grad, group, state, step);
      return;
    }
    let g = group.maximize ? grad.neg() : grad;
    let p = param;
    if (group.weightDecay !== 0) {
      if (this.decoupledWeightDecay) p = p.mul(1 - group.lr * group.weightDecay);
      else g = g.add(param.mul(group.weightDecay));
    }
    const expAvg = this.stateTensor(state, 'expAvg', param);
    const expAvgSq = this.stateTensor(state, 'expAvgSq', param);
    this.set(expAvg, expAvg.add(g.sub(expAvg).mul(1 - beta1)));
    this.set(expAvgSq, expAvgSq.mul(beta2).add(g.mul(g).mul(1 - beta2)));
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = group.lr / biasCorrection1;
    let second = expAvgSq;
    if (group.amsgrad) {
      second = this.stateTensor(state, 'maxExpAvgSq', param);
      this.set(second, maximum(second, expAvgSq));
    }
    const denom = second.sqrt().div(biasCorrection2Sqrt).add(group.eps);
    this.set(param, p.sub(expAvg.div(denom).mul(stepSize)));
  }

  /** The same update in one kernel pass (see canFuse). */
  private fusedUpdate(param: Tensor, grad: Tensor, group: ParamGroup<AdamOptions>, state: ParamState, step: number): void {
    const [beta1, beta2] = group.betas;
    const expAvg = this.stateTensor(state, 'expAvg', param);
    const expAvgSq = this.stateTensor(state, 'expAvgSq', param);
    const maxExpAvgSq = group.amsgrad ? this.stateTensor(state, 'maxExpAvgSq', param) : undefined;
    const attrs: AdamUpdateAttrs = {
      beta1,
      beta2,
      eps: group.eps,
      weightDecay: group.weightDecay,
      decoupledWeightDecay: this.decoupledWeightDecay,
      amsgrad: group.amsgrad,
      maximize: group.maximize,
      stepSize: group.lr / (1 - beta1 ** step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      decayFactor: 1 - group.lr * group.weightDecay,
    };
    const inputs: Record<string, Tensor> = { param, grad, expAvg, expAvgSq };
    if (maxExpAvgSq) inputs.maxExpAvgSq = maxExpAvgSq;
    const [next, nextAvg, nextAvgSq, nextMax] = engine().runKernel(KernelName.AdamUpdate, inputs, attrs);
    this.set(expAvg, nextAvg);
    this.set(expAvgSq, nextAvgSq);
    if (maxExpAvgSq) this.set(maxExpAvgSq, nextMax);
    this.set(param, next);
  }
}

/** Adam with decoupled weight decay (default 1e-2, as PyTorch). */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options });
  }

  protected override readonly decoupledWeightDecay: boolean = true;
}
