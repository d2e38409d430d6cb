/**
 * torch.nn.MultiheadAttention (Vaswani et al., 2017): scaled dot-product attention over
 * numHeads heads, softmax(Q Kᵀ/√d + mask) V, with PyTorch's parameters and names (a packed
 * `in_proj_weight` [3E, E] and `in_proj_bias` [3E], and `out_proj`, a Linear), so weights
 * exchange with PyTorch. Inputs are [L, N, E] (or [N, L, E] with batchFirst, or unbatched [L, E]).
 * With kdim or vdim other than embedDim the three projections are separate, as in PyTorch:
 * `q_proj_weight` [E, E], `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim] (and no in_proj_weight).
 */
import { dropout, matmul, softmax, where, zeros, type Shape, type Tensor } from '@nn/tensor';
import { xavierUniform, zeros as fillZeros } from '../init.js';
import { Module, parameter } from '../module.js';
import { generateSquareSubsequentMask } from './causal_mask.js';
import { Linear } from './linear.js';

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training. Default 0. */
  dropout?: number;
  bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. Default false, as PyTorch. */
  batchFirst?: boolean;
  /** Features of the key (default embedDim); another size gives separate q/k/v projection weights. */
  kdim?: number;
  /** Features of the value (default embedDim). */
  vdim?: number;
}

export interface AttentionCallOptions {
  /** [N, S] ([S] for unbatched input): true (or -inf) marks keys to ignore, e.g. padding. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too. Default true, as PyTorch. */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: bool (true = not allowed) or float (added to the scores). */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads ([N, L, S]) rather than per head ([N, H, L, S]). Default true. */
  averageAttnWeights?: boolean;
  /** Each position attends only to itself and earlier ones (used when attnMask is not given). */
  isCausal?: boolean;
}

type AttentionResult = [output: Tensor, weights: Tensor | null];

export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, AttentionCallOptions?], AttentionResult> {
  // Declaration order is state-dict order (PyTorch's): in_proj_weight or q/k/v_proj_weight, then in_proj_bias.
  inProjWeight: Tensor | null;
  qProjWeight: Tensor | null;
  kProjWeight: Tensor | null;
  vProjWeight: Tensor | null;
  inProjBias: Tensor | null;
  outProj: Linear;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    if (!Number.isInteger(embedDim) || embedDim < 1) throw new Error(`MultiheadAttention: embedDim must be a positive integer, got ${embedDim}`);
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) {
      throw new Error(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    }
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error(`MultiheadAttention: dropout must be in [0, 1], got ${this.dropout}`);
    this.batchFirst = options.batchFirst ?? false;
    const bias = options.bias ?? true;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    for (const [name, size] of [['kdim', this.kdim], ['vdim', this.vdim]] as const) {
      if (!Number.isInteger(size) || size < 1) throw new Error(`MultiheadAttention: ${name} must be a positive integer, got ${size}`);
    }
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    this.inProjWeight = packed ? parameter(zeros([3 * embedDim, embedDim])) : null;
    this.qProjWeight = packed ? null : parameter(zeros([embedDim, embedDim]));
    this.kProjWeight = packed ? null : parameter(zeros([embedDim, this.kdim]));
    this.vProjWeight = packed ? null : parameter(zeros([embedDim, this.vdim]));
    this.inProjBias = bias ? parameter(zeros([3 * embedDim])) : null;
    this.outProj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: xavier_uniform_ in_proj_weight (or each of q/k/v_proj_weight), zero biases; out_proj.weight keeps Linear's init. */
  resetParameters(): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w !== null) xavierUniform(w);
    for (const b of [this.inProjBias, this.outProj.bias]) if (b !== null) fillZeros(b);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): AttentionResult {
    const E = this.embedDim;
    const H = this.numHeads;
    const d = this.headDim;
    const batched = query.rank === 3;
    if (!(query.rank === 3 || query.rank === 2) || key.rank !== query.rank || value.rank !== query.rank) {
      throw new Error(`MultiheadAttention: query, key and value must all be 3-D (batched) or 2-D, got [${query.shape.join(',')}], [${key.shape.join(',')}], [${value.shape.join(',')}]`);
    }
    // To PyTorch's internal [L, N, E] layout.
    const toLNE = (t: Tensor): Tensor => (!batched ? t.reshape([t.shape[0], 1, t.shape[1]]) : this.batchFirst ? t.transpose(0, 1) : t);
    for (const [name, t, size, option] of [['query', query, E, 'embedDim'], ['key', key, this.kdim, 'kdim'], ['value', value, this.vdim, 'vdim']] as const) {
      if (t.shape[t.rank - 1] !== size) throw new Error(`MultiheadAttention: ${name} must have ${option}=${size} features, got [${t.shape.join(',')}]`);
    }
    const q0 = toLNE(query);
    const k0 = toLNE(key);
    const v0 = toLNE(value);
    const [L, N] = q0.shape;
    const S = k0.shape[0];
    if (k0.shape[1] !== N || v0.shape[1] !== N || v0.shape[0] !== S) {
      throw new Error(`MultiheadAttention: key and value must have the same length and batch as each other and the query's batch, got query [${query.shape.join(',')}], key [${key.shape.join(',')}], value [${value.shape.join(',')}]`);
    }

    // Projections with the three row blocks of the packed weight, or the separate weights.
    const separate = [this.qProjWeight, this.kProjWeight, this.vProjWeight];
    const project = (x: Tensor, block: number): Tensor => {
      const w = this.inProjWeight?.slice([block * E], [(block + 1) * E]) ?? separate[block]!;
      let y = matmul(x, w.transpose(0, 1));
      if (this.inProjBias !== null) y = y.add(this.inProjBias.slice([block * E], [(block + 1) * E]));
      return y;
    };
    // [L, N, E] → [N·H, L, d], heads split off the feature axis as PyTorch does.
    const heads = (x: Tensor, len: number): Tensor => x.reshape([len, N * H, d]).transpose(0, 1);
    const q = heads(project(q0, 0), L);
    const k = heads(project(k0, 1), S);
    const v = heads(project(v0, 2), S);

    let scores = matmul(q.mul(Math.sqrt(1 / d)), k.transpose(1, 2)); // [N·H, L, S]
    const mask = this.combinedMask(options, N, L, S, batched);
    if (mask !== null) scores = scores.add(mask);
    let weights = softmax(scores, -1);
    if (this.training && this.dropout > 0) weights = dropout(weights, { p: this.dropout, training: true });
    const context = matmul(weights, v).transpose(0, 1).reshape([L * N, E]);
    let output = this.outProj.forward(context).reshape([L, N, E]);
    output = !batched ? output.reshape([L, E]) : this.batchFirst ? output.transpose(0, 1) : output;

    if (options.needWeights === false) return [output, null];
    let w = weights.reshape([N, H, L, S]);
    if (options.averageAttnWeights ?? true) w = w.mean(1);
    if (!batched) w = w.reshape(w.shape.slice(1));
    return [output, w];
  }

  /** The additive float mask (0 or -inf, or the caller's values), [L, S] or [N·H, L, S], or null. */
  private combinedMask(options: AttentionCallOptions, N: number, L: number, S: number, batched: boolean): Tensor | null {
    const H = this.numHeads;
    const asFloat = (m: Tensor): Tensor => (m.dtype === 'bool' ? where(m, -Infinity, 0) : m.cast('float32'));
    let mask: Tensor | null = null;
    if (options.attnMask != null) {
      const m = options.attnMask;
      const ok = (m.rank === 2 && m.shape[0] === L && m.shape[1] === S) || (m.rank === 3 && m.shape[0] === N * H && m.shape[1] === L && m.shape[2] === S);
      if (!ok) throw new Error(`MultiheadAttention: attnMask must be [${L}, ${S}] or [${N * H}, ${L}, ${S}], got [${m.shape.join(',')}]`);
      mask = asFloat(m);
    } else if (options.isCausal) {
      mask = generateSquareSubsequentMask(L, S);
    }
    if (options.keyPaddingMask != null) {
      // Unbatched input takes PyTorch's [S] mask too.
      const p = options.keyPaddingMask.rank === 1 && N === 1 && !batched ? options.keyPaddingMask.reshape([1, S]) : options.keyPaddingMask;
      if (p.rank !== 2 || p.shape[0] !== N || p.shape[1] !== S) throw new Error(`MultiheadAttention: keyPaddingMask must be [${N}, ${S}], got [${p.shape.join(',')}]`);
      // [N, S] → [N·H, 1, S], one copy per head.
      const perHead = asFloat(p).reshape([N, 1, 1, S]).expand([N, H, 1, S]).reshape([N * H, 1, S]);
      mask = mask === null ? perHead : mask.add(perHead);
    }
    return mask;
  }

  macs(inputs: Shape[], _output: Shape): number {
    const [q, k] = inputs;
    const E = this.embedDim;
    const batchAxis = q.length === 2 ? -1 : this.batchFirst ? 0 : 1;
    const N = batchAxis < 0 ? 1 : q[batchAxis];
    const L = q.length === 2 ? q[0] : q[batchAxis === 0 ? 1 : 0];
    const S = k.length === 2 ? k[0] : k[batchAxis === 0 ? 1 : 0];
    // Q, K, V and output projections, then Q·Kᵀ and weights·V.
    return N * (L * E * E + S * E * (this.kdim + this.vdim) + L * E * E + 2 * L * S * E);
  }

  override extraRepr(): string {
    const kv = this.inProjWeight === null ? `, kdim=${this.kdim}, vdim=${this.vdim}` : '';
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}${kv}`;
  }
}

