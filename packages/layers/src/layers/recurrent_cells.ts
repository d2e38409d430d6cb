/**
 * torch.nn.RNNCell, LSTMCell and GRUCell: one time step, for loops the caller writes. Same
 * parameter names (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`), gate order and
 * initialisation U(±1/√hiddenSize) as the full layers; input [N, inputSize] or unbatched
 * [inputSize]; a missing state is zeros.
 */
import { linear, zeros, type Shape, type Tensor } from '@nn/tensor';
import { uniform } from '../init.js';
import { Module, parameter } from '../module.js';
import { cellStep, GATES, type RecurrentMode } from './recurrent_step.js';

abstract class CellBase<HX, HY> extends Module<[Tensor, (HX | null)?], HY> {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;

  constructor(
    protected readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    bias: boolean,
  ) {
    super();
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${this.layerName}: ${name} must be a positive integer, got ${v}`);
    }
    const gateSize = GATES[mode] * hiddenSize;
    this.weightIh = parameter(zeros([gateSize, inputSize]));
    this.weightHh = parameter(zeros([gateSize, hiddenSize]));
    this.biasIh = bias ? parameter(zeros([gateSize])) : null;
    this.biasHh = bias ? parameter(zeros([gateSize])) : null;
    this.resetParameters();
  }

  protected get layerName(): string {
    return this.mode === 'LSTM' ? 'LSTMCell' : this.mode === 'GRU' ? 'GRUCell' : 'RNNCell';
  }

  /** U(±1/√hiddenSize) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform(p, -bound, bound);
  }

  /** Checks the input and a state, and gives them as [N, ·] (unbatched inputs get N = 1). */
  protected prepare(input: Tensor, states: (Tensor | null)[]): { x: Tensor; states: (Tensor | null)[]; batched: boolean } {
    const layer = this.layerName;
    if ((input.rank !== 1 && input.rank !== 2) || input.shape[input.rank - 1] !== this.inputSize) {
      throw new Error(`${layer}: input must be [N, ${this.inputSize}] or unbatched [${this.inputSize}], got [${input.shape.join(',')}]`);
    }
    const batched = input.rank === 2;
    const want = batched ? [input.shape[0], this.hiddenSize] : [this.hiddenSize];
    const checked = states.map((s, i) => {
      if (s === null) return null;
      if (s.rank !== want.length || s.shape.some((v, k) => v !== want[k])) {
        throw new Error(`${layer}: ${states.length === 2 ? (i === 0 ? 'h' : 'c') : 'hx'} must be [${want.join(', ')}], got [${s.shape.join(',')}]`);
      }
      return batched ? s : s.reshape([1, this.hiddenSize]);
    });
    return { x: batched ? input : input.reshape([1, this.inputSize]), states: checked, batched };
  }

  /** One step of `mode` from checked [N, ·] tensors. */
  protected step(x: Tensor, h: Tensor | null, c: Tensor | null): { h: Tensor; c: Tensor | null } {
    return cellStep(this.mode, linear(x, this.weightIh, this.biasIh), h, c, this.weightHh, this.biasHh);
  }

  macs(inputs: Shape[], _output: Shape): number {
    const rows = inputs[0].length === 2 ? inputs[0][0] : 1;
    return rows * GATES[this.mode] * this.hiddenSize * (this.inputSize + this.hiddenSize);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.biasIh === null ? ', bias=false' : ''}${this.mode === 'RNN_RELU' ? `, nonlinearity='relu'` : ''}`;
  }
}

/** h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). */
export class RNNCell extends CellBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`RNNCell: nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options.bias ?? true);
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, states, batched } = this.prepare(input, [hx ?? null]);
    const { h } = this.step(x, states[0], null);
    return batched ? h : h.reshape([this.hiddenSize]);
  }
}

/** One LSTM step (gates i, f, g, o): [h', c'] from input and [h, c]. */
export class LSTMCell extends CellBase<readonly [Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super('LSTM', inputSize, hiddenSize, options.bias ?? true);
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTMCell: hx must be [h, c] (two tensors) or null');
    const { x, states, batched } = this.prepare(input, hx == null ? [null, null] : [hx[0], hx[1]]);
    const { h, c } = this.step(x, states[0], states[1]);
    return batched ? [h, c!] : [h.reshape([this.hiddenSize]), c!.reshape([this.hiddenSize])];
  }
}

/** One GRU step (gates r, z, n): h' = (1 − z) ⊙ n + z ⊙ h. */
export class GRUCell extends CellBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super('GRU', inputSize, hiddenSize, options.bias ?? true);
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, states, batched } = this.prepare(input, [hx ?? null]);
    const { h } = this.step(x, states[0], null);
    return batched ? h : h.reshape([this.hiddenSize]);
  }
}
