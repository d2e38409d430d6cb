/** Activation functions as modules (torch.nn's Sigmoid, ReLU, ...); each forwards to its op. */
import {
  celu,
  elu,
  full,
  gelu,
  hardtanh,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  mish,
  prelu,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  tanh,
  type Tensor,
} from '@nn/tensor';
import { Module, parameter } from '../module.js';

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** max(0, x) + negativeSlope·min(0, x). PyTorch's default slope is 0.01 (the lecture's networks use 0.1). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${negativeSlope}`);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    if (!Number.isFinite(alpha)) throw new Error(`ELU: alpha must be a finite number, got ${alpha}`);
  }
  forward(x: Tensor): Tensor {
    return elu(x, { alpha: this.alpha });
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x·Φ(x), exact ('none', PyTorch's default) or with the tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }
}

/** log(1 + exp(βx))/β, linear above the threshold, as PyTorch. */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** Softmax over `dim` (no implicit default: PyTorch's is deprecated for being ambiguous). */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    if (!Number.isInteger(dim)) throw new Error(`Softmax: dim must be an integer, got ${String(dim)}`);
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
    if (!Number.isInteger(dim)) throw new Error(`LogSoftmax: dim must be an integer, got ${String(dim)}`);
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** x·sigmoid(x) (swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** x·tanh(softplus(x)). */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x/(1 + |x|). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/** log(sigmoid(x)), stable in both tails. */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return logSigmoid(x);
  }
}

/** scale·elu(x, alpha) with the self-normalising constants of Klambauer et al. (2017). */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return selu(x);
  }
}

/** max(0, x) + min(0, alpha·(exp(x/alpha) − 1)). */
export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    if (!Number.isFinite(alpha) || alpha === 0) throw new Error(`CELU: alpha must be a finite non-zero number, got ${alpha}`);
  }
  forward(x: Tensor): Tensor {
    return celu(x, { alpha: this.alpha });
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x clamped to [minVal, maxVal] (default [−1, 1]); no gradient at or beyond the bounds. */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
    if (!Number.isFinite(minVal) || !Number.isFinite(maxVal) || maxVal < minVal) {
      throw new Error(`Hardtanh: need finite minVal <= maxVal, got minVal=${minVal}, maxVal=${maxVal}`);
    }
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, { minVal: this.minVal, maxVal: this.maxVal });
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/**
 * x where x > 0, a·x elsewhere, with a learnable slope a: one shared (numParameters = 1, the
 * default) or one per channel (axis 1). PyTorch's initial value is 0.25.
 */
export class PReLU extends Module {
  weight: Tensor;

  constructor(
    readonly numParameters = 1,
    readonly init = 0.25,
  ) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new Error(`PReLU: numParameters must be a positive integer, got ${numParameters}`);
    if (!Number.isFinite(init)) throw new Error(`PReLU: init must be a finite number, got ${init}`);
    this.weight = parameter(full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}
