/**
 * torch.nn.TransformerEncoderLayer and TransformerEncoder (Vaswani et al., 2017, §3.1), with
 * PyTorch's parameter names (`self_attn.in_proj_weight`, `linear1.weight`, `norm2.bias`, ...),
 * so that state dicts exchange with PyTorch. Post-norm (the paper's and PyTorch's default):
 *   x = norm1(x + sa(x));  x = norm2(x + ff(x))
 * pre-norm (`normFirst`, Xiong et al., 2020), no final norm inside the layer:
 *   x = x + sa(norm1(x));  x = x + ff(norm2(x))
 * with sa the self-attention and ff(x) = linear2(dropout(act(linear1(x)))).
 */
import type { Tensor } from '@nn/tensor';
import { Module } from '../module.js';
import { MultiheadAttention } from './attention.js';
import { ModuleList } from './containers.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import {
  activationFunction,
  copyInto,
  layerRepr,
  residual,
  resolveLayerOptions,
  type ResolvedLayerOptions,
  type TransformerLayerOptions,
  type TransformerStackOptions,
} from './transformer_options.js';

export interface TransformerEncoderCallOptions {
  /** [L, L] or [N·nhead, L, L]: bool (true = may not attend) or float (added to the scores). */
  srcMask?: Tensor | null;
  /** [N, L]: true marks padding, which no position attends to. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply the causal mask (used when srcMask is not given). */
  isCausal?: boolean;
}

export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderCallOptions?]> {
  // Declaration order is PyTorch's state-dict order.
  selfAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly options: ResolvedLayerOptions;
  private readonly act: (x: Tensor) => Tensor;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    const o = resolveLayerOptions('TransformerEncoderLayer', dModel, nhead, options);
    this.options = o;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias });
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.act = activationFunction(o.activation);
  }

  forward(src: Tensor, options: TransformerEncoderCallOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor => {
      const [out] = this.selfAttn.forward(x, x, x, {
        attnMask: options.srcMask,
        keyPaddingMask: options.srcKeyPaddingMask,
        isCausal: options.isCausal,
        needWeights: false,
      });
      return this.dropout1.forward(out);
    };
    const ff = (x: Tensor): Tensor => this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    const { normFirst } = this.options;
    return residual(residual(src, sa, this.norm1, normFirst), ff, this.norm2, normFirst);
  }

  /** A deep copy (PyTorch's copy.deepcopy): the same settings and values, its own parameters. */
  clone(): TransformerEncoderLayer {
    return copyInto(this, new TransformerEncoderLayer(this.dModel, this.nhead, this.options));
  }

  override extraRepr(): string {
    return layerRepr(this.dModel, this.nhead, this.options);
  }
}

export interface TransformerEncoderForwardOptions {
  /** Passed to every layer as its srcMask. */
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/**
 * torch.nn.TransformerEncoder: numLayers deep copies of `encoderLayer` (independent
 * parameters that start equal, as PyTorch's _get_clones), then the optional norm.
 * State-dict keys are `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`.
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?]> {
  layers: ModuleList<TransformerEncoderLayer>;
  norm: LayerNorm | null;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    readonly numLayers: number,
    options: TransformerStackOptions = {},
  ) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new Error('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer');
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
    return this.norm === null ? x : this.norm.forward(x);
  }

  override extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}
