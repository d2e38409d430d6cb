/**
 * torch.nn.TransformerDecoderLayer and TransformerDecoder (Vaswani et al., 2017, §3.1): masked
 * self-attention over the target, attention from the target to the encoder's output (memory),
 * then the feed-forward block, each with a residual sum. Post-norm (default):
 *   x = norm1(x + sa(x));  x = norm2(x + mha(x, memory));  x = norm3(x + ff(x))
 * pre-norm (`normFirst`):
 *   x = x + sa(norm1(x));  x = x + mha(norm2(x), memory);  x = x + ff(norm3(x))
 * Parameter names are PyTorch's (`self_attn.*`, `multihead_attn.*`, `linear1`, `norm3`, ...).
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

export interface TransformerDecoderCallOptions {
  /** [T, T] or [N·nhead, T, T] on the target's self-attention, e.g. generateSquareSubsequentMask(T). Bool true = may not attend; float is added. */
  tgtMask?: Tensor | null;
  /** [T, S] or [N·nhead, T, S] on the attention to the memory. */
  memoryMask?: Tensor | null;
  /** [N, T]: true marks target padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S]: true marks memory padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Apply the causal mask to the self-attention (used when tgtMask is not given). */
  tgtIsCausal?: boolean;
  /** Apply the causal mask to the memory attention (used when memoryMask is not given). */
  memoryIsCausal?: boolean;
}

export class TransformerDecoderLayer extends Module<[Tensor, Tensor, TransformerDecoderCallOptions?]> {
  // Declaration order is PyTorch's state-dict order.
  selfAttn: MultiheadAttention;
  multiheadAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly options: ResolvedLayerOptions;
  private readonly act: (x: Tensor) => Tensor;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    const o = resolveLayerOptions('TransformerDecoderLayer', dModel, nhead, options);
    this.options = o;
    const attention = { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst };
    this.selfAttn = new MultiheadAttention(dModel, nhead, attention);
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, attention);
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias });
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.norm3 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.dropout3 = new Dropout(o.dropout);
    this.act = activationFunction(o.activation);
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderCallOptions = {}): Tensor {
    const sa = (x: Tensor): Tensor => {
      const [out] = this.selfAttn.forward(x, x, x, {
        attnMask: options.tgtMask,
        keyPaddingMask: options.tgtKeyPaddingMask,
        isCausal: options.tgtIsCausal,
        needWeights: false,
      });
      return this.dropout1.forward(out);
    };
    const mha = (x: Tensor): Tensor => {
      const [out] = this.multiheadAttn.forward(x, memory, memory, {
        attnMask: options.memoryMask,
        keyPaddingMask: options.memoryKeyPaddingMask,
        isCausal: options.memoryIsCausal,
        needWeights: false,
      });
      return this.dropout2.forward(out);
    };
    const ff = (x: Tensor): Tensor => this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
    const { normFirst } = this.options;
    return residual(residual(residual(tgt, sa, this.norm1, normFirst), mha, this.norm2, normFirst), ff, this.norm3, normFirst);
  }

  /** A deep copy (PyTorch's copy.deepcopy): the same settings and values, its own parameters. */
  clone(): TransformerDecoderLayer {
    return copyInto(this, new TransformerDecoderLayer(this.dModel, this.nhead, this.options));
  }

  override extraRepr(): string {
    return layerRepr(this.dModel, this.nhead, this.options);
  }
}

/** torch.nn.TransformerDecoder: numLayers deep copies of `decoderLayer`, then the optional norm. */
export class TransformerDecoder extends Module<[Tensor, Tensor, TransformerDecoderCallOptions?]> {
  layers: ModuleList<TransformerDecoderLayer>;
  norm: LayerNorm | null;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    readonly numLayers: number,
    options: TransformerStackOptions = {},
  ) {
    super();
    if (!(decoderLayer instanceof TransformerDecoderLayer)) throw new Error('TransformerDecoder: decoderLayer must be a TransformerDecoderLayer');
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`TransformerDecoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone()));
    this.norm = options.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderCallOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, options);
    return this.norm === null ? x : this.norm.forward(x);
  }

  override extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}
