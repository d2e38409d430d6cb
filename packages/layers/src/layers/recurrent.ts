/**
 * torch.nn.RNN, LSTM and GRU: stacked (numLayers), optionally bidirectional recurrent layers
 * with PyTorch's arguments, parameter names (`weight_ih_l0`, `bias_hh_l1_reverse`, ...), gate
 * order, initialisation U(±1/√hiddenSize) and return values ((output, h_n), LSTM
 * (output, (h_n, c_n))). Inputs are [T, N, inputSize] ([N, T, ·] with batchFirst, or
 * unbatched [T, ·]).
 *
 * Variable-length batches take `lengths` (what pack_padded_sequence is for in PyTorch): steps
 * past a sequence's end keep its state, so padding never reaches h_n/c_n, and their outputs
 * are zero, as after pad_packed_sequence; the reverse direction starts at each sequence's own
 * last step.
 *
 * Speed: per layer and direction the input side x·W_ihᵀ + b is computed ahead of the loop in
 * matmuls over many steps' rows (all T·N without a tape; see runDirection); each step then
 * does only h·W_hhᵀ and the gate arithmetic, inside a tidy that frees its temporaries (the
 * tape keeps what backward needs).
 */
import { concat, dropout, linear, narrow, select, stack, tensor, tidy, where, zeros, type Shape, type Tensor } from '@nn/tensor';
import { isGradEnabled } from '@nn/autograd';
import { uniform } from '../init.js';
import { Module, parameter } from '../module.js';
import { cellStep, GATES, unbindSteps, type RecurrentMode } from './recurrent_step.js';

export interface RecurrentOptions {
  /** Stacked layers; layer l > 0 reads layer l − 1's output. Default 1. */
  numLayers?: number;
  /** false removes both bias vectors (bias_ih and bias_hh). Default true. */
  bias?: boolean;
  /** Input and output are [N, T, ·]; h0/c0/h_n/c_n stay [layers·directions, N, H]. Default false. */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training. Default 0. */
  dropout?: number;
  /** A second, reverse-time direction per layer; outputs [forward | reverse] on the last axis. Default false. */
  bidirectional?: boolean;
}

export interface LSTMOptions extends RecurrentOptions {
  /** Projects h to projSize features after each step (h = W_hr (o ⊙ tanh c), `weight_hr_l0` [projSize, H]). Default 0: none. */
  projSize?: number;
}

export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: 'tanh' | 'relu';
}

export interface RecurrentCallOptions {
  /**
   * The valid length of each sequence in the batch (N integers in [0, T], an array or a 1-D
   * tensor). Steps at or past a length keep the state and output zeros.
   */
  lengths?: readonly number[] | Tensor | null;
}

/**
 * The padding mask of `lengths` for outputs of length `maxLength`: bool [N, T] (or [T, N]
 * with `batchFirst: false`), true where the step is padding, PyTorch's boolean-mask meaning
 * (as MultiheadAttention's keyPaddingMask takes it).
 */
export function paddingMask(lengths: readonly number[] | Tensor, maxLength: number, options: { batchFirst?: boolean } = {}): Tensor {
  const lens = readLengths('paddingMask', lengths, null, maxLength);
  const N = lens.length;
  const batchFirst = options.batchFirst ?? true;
  const values = new Uint8Array(N * maxLength);
  for (let n = 0; n < N; n++) {
    for (let t = lens[n]; t < maxLength; t++) values[batchFirst ? n * maxLength + t : t * N + n] = 1;
  }
  return tensor(values, batchFirst ? [N, maxLength] : [maxLength, N], 'bool');
}

function readLengths(layer: string, lengths: readonly number[] | Tensor, batch: number | null, T: number): number[] {
  let lens: number[];
  if (Array.isArray(lengths)) lens = [...(lengths as readonly number[])];
  else {
    const t = lengths as Tensor;
    if (t.rank !== 1) throw new Error(`${layer}: lengths must be a 1-D tensor or an array, got shape [${t.shape.join(',')}]`);
    lens = Array.from(t.dataSync());
  }
  if (batch !== null && lens.length !== batch) throw new Error(`${layer}: lengths has ${lens.length} entries for a batch of ${batch}`);
  for (const len of lens) {
    if (!Number.isInteger(len) || len < 0 || len > T) throw new Error(`${layer}: each length must be an integer in [0, ${T}] (the sequence length), got ${len}`);
  }
  return lens;
}

/** Per step: 'all' sequences active, 'none', or a [N, 1] bool mask of the active ones. */
type StepMask = 'all' | 'none' | Tensor;

function stepMasks(lens: number[] | null, T: number): StepMask[] {
  if (lens === null) return new Array<StepMask>(T).fill('all');
  const N = lens.length;
  return Array.from({ length: T }, (_, t) => {
    const active = lens.map((len) => (t < len ? 1 : 0));
    const count = active.reduce((a: number, b) => a + b, 0);
    return count === N ? 'all' : count === 0 ? 'none' : tensor(Uint8Array.from(active), [N, 1], 'bool');
  });
}

export interface DirectionWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** LSTM's projection (projSize > 0), else null. */
  wHr: Tensor | null;
}

/** PyTorch's parameter-name suffix of layer l, direction d: `_l0`, `_l1_reverse`. */
const suffixOf = (l: number, d: number): string => `_l${l}${d === 1 ? '_reverse' : ''}`;

/** The shared machinery of RNN, LSTM and GRU (PyTorch's RNNBase). */
abstract class RecurrentBase<HX, HN> extends Module<[Tensor, (HX | null)?, RecurrentCallOptions?], [Tensor, HN]> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM's projSize (0: none). */
  readonly projSize: number;

  constructor(
    readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: LSTMOptions,
  ) {
    super();
    const layer = this.layerName;
    const positive = (name: string, v: number): void => {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${name} must be a positive integer, got ${v}`);
    };
    positive('inputSize', inputSize);
    positive('hiddenSize', hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    positive('numLayers', this.numLayers);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error(`${layer}: dropout must be in [0, 1], got ${this.dropout}`);
    this.bidirectional = options.bidirectional ?? false;
    this.projSize = options.projSize ?? 0;
    if (this.projSize !== 0 && mode !== 'LSTM') throw new Error(`${layer}: projSize is for LSTM only`);
    if (!Number.isInteger(this.projSize) || this.projSize < 0 || (this.projSize > 0 && this.projSize >= hiddenSize)) {
      throw new Error(`${layer}: projSize must be an integer in [0, hiddenSize=${hiddenSize}), got ${this.projSize}`);
    }

    const gateSize = GATES[mode] * hiddenSize;
    // Properties named as PyTorch's state-dict keys (names with '_' are kept as they are), in
    // named_parameters() order: per layer and direction w_ih, w_hh, b_ih, b_hh.
    const own = this as unknown as Record<string, Tensor>;
    for (let l = 0; l < this.numLayers; l++) {
      const layerInput = l === 0 ? inputSize : this.outputSize * this.numDirections;
      for (let d = 0; d < this.numDirections; d++) {
        const suffix = suffixOf(l, d);
        own[`weight_ih${suffix}`] = parameter(zeros([gateSize, layerInput]));
        own[`weight_hh${suffix}`] = parameter(zeros([gateSize, this.outputSize]));
        if (this.bias) {
          own[`bias_ih${suffix}`] = parameter(zeros([gateSize]));
          own[`bias_hh${suffix}`] = parameter(zeros([gateSize]));
        }
        if (this.projSize > 0) own[`weight_hr${suffix}`] = parameter(zeros([this.projSize, hiddenSize]));
      }
    }
    this.resetParameters();
  }

  /** Layer l, direction d's parameters, read from the properties at each call (so a replaced one is used). */
  weightsOf(l: number, d: number): DirectionWeights {
    const own = this as unknown as Record<string, Tensor | undefined>;
    const suffix = suffixOf(l, d);
    const get = (name: string): Tensor => {
      const t = own[name + suffix];
      if (t === undefined) throw new Error(`${this.layerName}: parameter '${name + suffix}' is missing`);
      return t;
    };
    return {
      wIh: get('weight_ih'),
      wHh: get('weight_hh'),
      bIh: this.bias ? get('bias_ih') : null,
      bHh: this.bias ? get('bias_hh') : null,
      wHr: this.projSize > 0 ? get('weight_hr') : null,
    };
  }

  /** Features of h (and of each direction's output): projSize for a projected LSTM, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  protected get layerName(): string {
    return this.mode === 'LSTM' ? 'LSTM' : this.mode === 'GRU' ? 'GRU' : 'RNN';
  }

  /** U(±1/√hiddenSize) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform(p, -bound, bound);
  }

  /** The initial states as given (h0, or [h0, c0] for LSTM), each [layers·directions, N, H] or null. */
  protected abstract initialStates(hx: HX | null | undefined): [Tensor | null, Tensor | null];
  protected abstract finalStates(h: Tensor, c: Tensor | null): HN;

  forward(input: Tensor, hx?: HX | null, options: RecurrentCallOptions = {}): [Tensor, HN] {
    const layer = this.layerName;
    const H = this.hiddenSize;
    const P = this.outputSize;
    const D = this.numDirections;
    const L = this.numLayers;
    if (input.rank !== 3 && input.rank !== 2) {
      throw new Error(`${layer}: input must be 3-D ([T, N, ${this.inputSize}]${this.batchFirst ? ' or with batchFirst [N, T, ·]' : ''}) or 2-D unbatched [T, ${this.inputSize}], got [${input.shape.join(',')}]`);
    }
    if (input.shape[input.rank - 1] !== this.inputSize) {
      throw new Error(`${layer}: input's last dimension must be inputSize=${this.inputSize}, got input [${input.shape.join(',')}]`);
    }
    const batched = input.rank === 3;
    // To PyTorch's internal [T, N, I] layout.
    const x = !batched ? input.reshape([input.shape[0], 1, this.inputSize]) : this.batchFirst ? input.transpose(0, 1) : input;
    const [T, N] = x.shape;
    if (T === 0 || N === 0) throw new Error(`${layer}: input must have at least one time step and one sequence, got [${input.shape.join(',')}]`);
    const [h0, c0] = this.initialStates(hx).map((s, i) => {
      if (s === null) return null;
      const size = i === 0 ? P : H;
      const stateShape = batched ? [L * D, N, size] : [L * D, size];
      if (s.rank !== stateShape.length || s.shape.some((v, k) => v !== stateShape[k])) {
        throw new Error(
          `${layer}: ${i === 0 ? 'h0' : 'c0'} must be [${stateShape.join(', ')}] (numLayers·numDirections, batch, ${i === 0 && P !== H ? 'projSize' : 'hiddenSize'}), got [${s.shape.join(',')}]`,
        );
      }
      return batched ? s : s.reshape([L * D, 1, size]);
    });

    const lens = options.lengths == null ? null : readLengths(layer, options.lengths, N, T);
    // One scope for the whole pass: everything but the results is freed (the tape keeps what backward needs).
    const [output, h, c] = tidy(() => {
      const masks = stepMasks(lens, T);
      const hN: Tensor[] = [];
      const cN: Tensor[] = [];
      // Layers pass their outputs on step by step: a step's slice of a stacked tensor would cost a
      // zero-padded copy of the whole tensor in backward (concat's gradient only slices).
      let layerInput = unbindSteps(x);
      for (let l = 0; l < L; l++) {
        const outputs: Tensor[][] = [];
        for (let d = 0; d < D; d++) {
          const k = l * D + d;
          const run = this.runDirection(layerInput, this.weightsOf(l, d), h0 && select(h0, 0, k), c0 && select(c0, 0, k), masks, d === 1);
          outputs.push(run.outputs);
          hN.push(run.h ?? zeros([N, P]));
          if (this.mode === 'LSTM') cN.push(run.c ?? zeros([N, H]));
        }
        const drop = this.training && this.dropout > 0 && l < L - 1;
        layerInput = outputs[0].map((forward, t) => {
          const out = D === 1 ? forward : concat([forward, outputs[1][t]], 1);
          return drop ? dropout(out, { p: this.dropout, training: true }) : out;
        });
      }
      const back = (s: Tensor): Tensor => (batched ? s : s.reshape([L * D, s.shape[2]]));
      const stacked = stack(layerInput, 0);
      const y = !batched ? stacked.reshape([T, D * P]) : this.batchFirst ? stacked.transpose(0, 1) : stacked;
      return [y, back(stack(hN, 0)), this.mode === 'LSTM' ? back(stack(cN, 0)) : null] as const;
    });
    return [output, this.finalStates(h, c)];
  }

  /** One layer in one direction over T steps of [N, I]: the outputs [N, H] per step and the last state (null: still zero). */
  private runDirection(xs: Tensor[], w: DirectionWeights, h0: Tensor | null, c0: Tensor | null, masks: StepMask[], reverse: boolean): { outputs: Tensor[]; h: Tensor | null; c: Tensor | null } {
    const T = xs.length;
    const [N] = xs[0].shape;
    const folds = this.mode !== 'GRU';
    // The input side x·W_ihᵀ + b ahead of the loop (RNN/LSTM add b_hh here too; GRU needs it
    // inside r ⊙ (·)), C steps per matmul. Without a tape, one matmul for all T. With one, each
    // step's slice of a C-step result costs a zero-padded copy of it in backward (C·T·N·G·H in
    // all), while W_ih's gradient is summed T/C times (T/C·G·H·I): C = √(I/N) balances the two.
    const I = xs[0].shape[1];
    const C = !isGradEnabled() ? T : Math.min(T, Math.max(1, Math.round(Math.sqrt(I / N))));
    const bias = w.bIh === null ? null : folds && w.bHh !== null ? w.bIh.add(w.bHh) : w.bIh;
    const steps: Tensor[] = [];
    for (let start = 0; start < T; start += C) {
      const chunk = xs.slice(start, start + C);
      const gi = linear(chunk.length === 1 ? chunk[0] : concat(chunk, 0), w.wIh, bias);
      if (chunk.length === 1) steps.push(gi);
      else for (let k = 0; k < chunk.length; k++) steps.push(narrow(gi, 0, k * N, N));
    }
    const bHh = folds ? null : w.bHh;
    let h = h0;
    let c = c0;
    const outputs = new Array<Tensor>(T);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const mask = masks[t];
      if (mask === 'none') {
        outputs[t] = zeros([N, this.outputSize]);
        continue;
      }
      // The step's temporaries go at once; the states and outputs live until the caller's scope ends.
      const next = tidy(() => {
        const step = cellStep(this.mode, steps[t], h, c, w.wHh, bHh, w.wHr);
        if (mask === 'all') return { h: step.h, c: step.c, out: step.h };
        // Inactive sequences keep their state (m ? h' : h) and output 0.
        const keepOld = (old: Tensor | null, next: Tensor): Tensor => where(mask, next, old ?? 0);
        return { h: keepOld(h, step.h), c: step.c === null ? null : keepOld(c, step.c), out: where(mask, step.h, 0) };
      });
      steps[t].dispose();
      h = next.h;
      c = next.c;
      outputs[t] = next.out;
    }
    return { outputs, h, c };
  }

  macs(inputs: Shape[], _output: Shape): number {
    const x = inputs[0];
    const steps = x.length === 2 ? x[0] : x[0] * x[1];
    const gateSize = GATES[this.mode] * this.hiddenSize;
    let total = 0;
    for (let l = 0; l < this.numLayers; l++) {
      const layerInput = l === 0 ? this.inputSize : this.outputSize * this.numDirections;
      total += this.numDirections * steps * (gateSize * (layerInput + this.outputSize) + this.projSize * this.hiddenSize);
    }
    return total;
  }

  override extraRepr(): string {
    const extra = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) extra.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'RNN_RELU') extra.push(`nonlinearity='relu'`);
    if (!this.bias) extra.push('bias=false');
    if (this.batchFirst) extra.push('batchFirst=true');
    if (this.dropout !== 0) extra.push(`dropout=${this.dropout}`);
    if (this.bidirectional) extra.push('bidirectional=true');
    if (this.projSize > 0) extra.push(`projSize=${this.projSize}`);
    return extra.join(', ');
  }
}

/** Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or relu). Returns [output, h_n]. */
export class RNN extends RecurrentBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
  }

  get nonlinearity(): 'tanh' | 'relu' {
    return this.mode === 'RNN_RELU' ? 'relu' : 'tanh';
  }

  protected initialStates(hx: Tensor | null | undefined): [Tensor | null, Tensor | null] {
    return [hx ?? null, null];
  }

  protected finalStates(h: Tensor): Tensor {
    return h;
  }
}

/** Long short-term memory (gates i, f, g, o). Returns [output, [h_n, c_n]]; hx is [h0, c0]. */
export class LSTM extends RecurrentBase<readonly [Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  protected initialStates(hx: readonly [Tensor, Tensor] | null | undefined): [Tensor | null, Tensor | null] {
    if (hx == null) return [null, null];
    if (!Array.isArray(hx) || hx.length !== 2) throw new Error('LSTM: hx must be [h0, c0] (two tensors) or null');
    return [hx[0], hx[1]];
  }

  protected finalStates(h: Tensor, c: Tensor | null): [Tensor, Tensor] {
    return [h, c!];
  }
}

/** Gated recurrent unit (gates r, z, n). Returns [output, h_n]. */
export class GRU extends RecurrentBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }

  protected initialStates(hx: Tensor | null | undefined): [Tensor | null, Tensor | null] {
    return [hx ?? null, null];
  }

  protected finalStates(h: Tensor): Tensor {
    return h;
  }
}
