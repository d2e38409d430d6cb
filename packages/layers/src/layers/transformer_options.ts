/**
 * What the Transformer layers share: their options (PyTorch's constructor keywords in
 * camelCase), the activation by name, deep copies for the stacks, and the repr.
 */
import { gelu, relu, type Tensor } from '@nn/tensor';
import type { Module } from '../module.js';
import type { LayerNorm } from './normalization.js';

/** 'gelu' is the exact (erf) GELU, as PyTorch's string. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  /** Width of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on the attention weights. Default 0.1. */
  dropout?: number;
  /** Default 'relu'. */
  activation?: TransformerActivation;
  /** Default 1e-5. */
  layerNormEps?: number;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
  /** Pre-norm: normalise before attention and feed-forward instead of after the residual sum. Default false. */
  normFirst?: boolean;
  /** Biases in the linear and layer-norm parts. Default true. */
  bias?: boolean;
}

export interface TransformerStackOptions {
  /** A final layer norm after the last layer (PyTorch's `norm`; pre-norm stacks usually want one). */
  norm?: LayerNorm | null;
}

/** The resolved settings of a layer, kept so that a deep copy can be built (see clone()). */
export type ResolvedLayerOptions = Required<TransformerLayerOptions>;

export function resolveLayerOptions(layer: string, dModel: number, nhead: number, options: TransformerLayerOptions): ResolvedLayerOptions {
  const resolved = {
    dimFeedforward: options.dimFeedforward ?? 2048,
    dropout: options.dropout ?? 0.1,
    activation: options.activation ?? 'relu',
    layerNormEps: options.layerNormEps ?? 1e-5,
    batchFirst: options.batchFirst ?? false,
    normFirst: options.normFirst ?? false,
    bias: options.bias ?? true,
  };
  if (!Number.isInteger(dModel) || dModel < 1) throw new Error(`${layer}: dModel must be a positive integer, got ${dModel}`);
  if (!Number.isInteger(nhead) || nhead < 1 || dModel % nhead !== 0) throw new Error(`${layer}: dModel (${dModel}) must be divisible by nhead (${nhead})`);
  if (!Number.isInteger(resolved.dimFeedforward) || resolved.dimFeedforward < 1) {
    throw new Error(`${layer}: dimFeedforward must be a positive integer, got ${resolved.dimFeedforward}`);
  }
  const act = resolved.activation;
  if (act !== 'relu' && act !== 'gelu' && typeof act !== 'function') {
    throw new Error(`${layer}: activation must be 'relu', 'gelu' or a function, got ${JSON.stringify(act)}`);
  }
  return resolved;
}

export function activationFunction(activation: TransformerActivation): (x: Tensor) => Tensor {
  if (activation === 'relu') return relu;
  if (activation === 'gelu') return (x) => gelu(x);
  return activation;
}

/** Gives `copy` the values and training mode of `source` (tensors are immutable, so sharing buffers is a copy). */
export function copyInto<M extends Module<never[], unknown>>(source: Module<never[], unknown>, copy: M): M {
  copy.loadStateDict(source.stateDict());
  copy.train(source.training);
  return copy;
}

export function layerRepr(dModel: number, nhead: number, o: ResolvedLayerOptions): string {
  const act = typeof o.activation === 'function' ? o.activation.name || 'custom' : o.activation;
  return `dModel=${dModel}, nhead=${nhead}, dimFeedforward=${o.dimFeedforward}, dropout=${o.dropout}, activation=${act}, batchFirst=${o.batchFirst}, normFirst=${o.normFirst}`;
}

/**
 * One residual sub-layer: pre-norm x + f(norm(x)) ("On Layer Normalization in the Transformer
 * Architecture"), or the paper's post-norm norm(x + f(x)).
 */
export function residual(x: Tensor, sublayer: (x: Tensor) => Tensor, norm: LayerNorm, normFirst: boolean): Tensor {
  return normFirst ? x.add(sublayer(norm.forward(x))) : norm.forward(x.add(sublayer(x)));
}
