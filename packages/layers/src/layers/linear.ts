/**
 * Fully connected layers, as torch.nn.Linear (y = x Wᵀ + b, weight [out, in]) and
 * torch.nn.Bilinear (y_k = x1ᵀ W_k x2 + b_k), with PyTorch's default initialisation.
 */
import { linear, matmul, zeros, type Shape, type Tensor } from '@nn/tensor';
import { defaultLinearInit, uniform } from '../init.js';
import { Module, parameter } from '../module.js';

function positive(layer: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${layer}: ${name} must be a non-negative integer, got ${v}`);
}

export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    positive('Linear', 'inFeatures', inFeatures);
    positive('Linear', 'outFeatures', outFeatures);
    this.weight = parameter(zeros([outFeatures, inFeatures]));
    this.bias = options.bias ?? true ? parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /** kaiming_uniform_(a=√5) weight and U(±1/√inFeatures) bias, as PyTorch. */
  resetParameters(): void {
    defaultLinearInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`Linear: input's last dimension must be inFeatures=${this.inFeatures}, got input [${x.shape.join(',')}]`);
    }
    return linear(x, this.weight, this.bias);
  }

  /** One multiply-accumulate per weight per output row. */
  macs(_inputs: Shape[], output: Shape): number {
    const rows = output.slice(0, -1).reduce((a, b) => a * b, 1);
    return rows * this.weight.size;
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** y_k = x1ᵀ W_k x2 + b_k over the last dimension of two inputs with the same leading dims. */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    positive('Bilinear', 'in1Features', in1Features);
    positive('Bilinear', 'in2Features', in2Features);
    positive('Bilinear', 'outFeatures', outFeatures);
    this.weight = parameter(zeros([outFeatures, in1Features, in2Features]));
    this.bias = options.bias ?? true ? parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /** U(±1/√in1Features) for weight and bias, as PyTorch. */
  resetParameters(): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    uniform(this.weight, -bound, bound);
    if (this.bias !== null) uniform(this.bias, -bound, bound);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    const lead = x1.shape.slice(0, -1);
    if (x1.rank === 0 || x1.shape[x1.rank - 1] !== this.in1Features || x2.rank !== x1.rank || x2.shape[x2.rank - 1] !== this.in2Features || x2.shape.slice(0, -1).some((d, i) => d !== lead[i])) {
      throw new Error(
        `Bilinear: inputs must be [..., ${this.in1Features}] and [..., ${this.in2Features}] with the same leading dims, got [${x1.shape.join(',')}] and [${x2.shape.join(',')}]`,
      );
    }
    const rows = lead.reduce((a, b) => a * b, 1);
    const { in1Features: i1, in2Features: i2, outFeatures: out } = this;
    // x1 · W seen as [in1, out·in2], then the dot product with x2 per output feature.
    const w = this.weight.permute([1, 0, 2]).reshape([i1, out * i2]);
    const left = matmul(x1.reshape([rows, i1]), w).reshape([rows, out, i2]);
    let y = left.mul(x2.reshape([rows, 1, i2])).sum(-1);
    if (this.bias !== null) y = y.add(this.bias);
    return y.reshape([...lead, out]);
  }

  macs(_inputs: Shape[], output: Shape): number {
    const rows = output.slice(0, -1).reduce((a, b) => a * b, 1);
    return rows * (this.weight.size + this.outFeatures * this.in2Features);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
