/**
 * The attention and Transformer module cases (PyTorch's nn.MultiheadAttention,
 * TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer): the @nn/layers module
 * built from the case's constructor attrs, with the case's parameters bound in its slots.
 * Masks are stored as int64 0/1 meaning PyTorch's bool masks (1 = may not attend) and become
 * bool here; float masks (additive) stay float.
 */
import {
  LayerNorm,
  MultiheadAttention,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  type AnyModule,
  type TransformerLayerOptions,
} from '@nn/layers';
import { cast, type Tensor } from '@nn/tensor';
import { op, type AttrReader, type Inputs, type OpRun } from './attrs.js';
import { bindParameters } from './module_parameters.js';

/** A stored mask as we take it: int 0/1 → bool, float unchanged, absent → undefined. */
function mask(x: Inputs, name: string): Tensor | undefined {
  const m = x.optional(name);
  if (m === null) return undefined;
  return m.dtype === 'float32' ? m : cast(m, 'bool');
}

/** Puts the module in the case's mode (eval unless `training` says otherwise) and binds its parameters. */
function prepare(name: string, module: AnyModule, a: AttrReader, inputs: Readonly<Record<string, Tensor>>, dataInputs: readonly string[]): void {
  module.train(a.bool('training', false));
  bindParameters(name, module, inputs, dataInputs);
}

/** TransformerEncoderLayer / TransformerDecoderLayer's constructor keywords. */
function layerOptions(a: AttrReader): TransformerLayerOptions {
  return {
    dimFeedforward: a.int('dim_feedforward', 2048),
    dropout: a.number('dropout', 0.1),
    activation: a.string('activation', ['relu', 'gelu'] as const, 'relu'),
    layerNormEps: a.number('layer_norm_eps', 1e-5),
    batchFirst: a.bool('batch_first', false),
    normFirst: a.bool('norm_first', false),
    bias: a.bool('bias', true),
  };
}

/** A stack's final norm, when the case has one (attr `norm`: true, parameters `norm.weight`, `norm.bias`). */
function finalNorm(a: AttrReader, dModel: number, eps: number | undefined): LayerNorm | null {
  return a.bool('norm', false) ? new LayerNorm(dModel, { eps }) : null;
}

const ATTENTION_INPUTS = ['query', 'key', 'value', 'key_padding_mask', 'attn_mask'];
const ENCODER_INPUTS = ['src', 'src_mask', 'mask', 'src_key_padding_mask'];
const DECODER_INPUTS = ['tgt', 'memory', 'tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask'];

const multiHeadAttention = op('multi_head_attention', (x, a) => {
  const mha = new MultiheadAttention(a.int('embed_dim'), a.int('num_heads'), {
    dropout: a.number('dropout', 0),
    bias: a.bool('bias', true),
    batchFirst: a.bool('batch_first', false),
    kdim: a.optionalInt('kdim'),
    vdim: a.optionalInt('vdim'),
  });
  a.expect('add_bias_kv', false);
  a.expect('add_zero_attn', false);
  prepare('multi_head_attention', mha, a, x.byName(), ATTENTION_INPUTS);
  const [output, weights] = mha.forward(x.get('query', 0), x.get('key', 1), x.get('value', 2), {
    keyPaddingMask: mask(x, 'key_padding_mask'),
    attnMask: mask(x, 'attn_mask'),
    needWeights: a.bool('need_weights', true),
    averageAttnWeights: a.bool('average_attn_weights', true),
    isCausal: a.bool('is_causal', false),
  });
  const extra: Record<string, Tensor> = {};
  if (weights !== null) extra.attn_weights = weights;
  return { output, extra };
});

const encoderLayer = (a: AttrReader): TransformerEncoderLayer => new TransformerEncoderLayer(a.int('d_model'), a.int('nhead'), layerOptions(a));
const decoderLayer = (a: AttrReader): TransformerDecoderLayer => new TransformerDecoderLayer(a.int('d_model'), a.int('nhead'), layerOptions(a));

const decoderCall = (x: Inputs, a: AttrReader) => ({
  tgtMask: mask(x, 'tgt_mask'),
  memoryMask: mask(x, 'memory_mask'),
  tgtKeyPaddingMask: mask(x, 'tgt_key_padding_mask'),
  memoryKeyPaddingMask: mask(x, 'memory_key_padding_mask'),
  tgtIsCausal: a.bool('tgt_is_causal', false),
  memoryIsCausal: a.bool('memory_is_causal', false),
});

export const TRANSFORMER_CASES: Readonly<Record<string, OpRun>> = {
  multi_head_attention: multiHeadAttention,
  transformer_encoder_layer: op('transformer_encoder_layer', (x, a) => {
    const layer = encoderLayer(a);
    prepare('transformer_encoder_layer', layer, a, x.byName(), ENCODER_INPUTS);
    return layer.forward(x.get('src', 0), { srcMask: mask(x, 'src_mask'), srcKeyPaddingMask: mask(x, 'src_key_padding_mask'), isCausal: a.bool('is_causal', false) });
  }),
  transformer_encoder: op('transformer_encoder', (x, a) => {
    const layer = encoderLayer(a);
    // These two only choose PyTorch's fused inference path (and its input check), not the values.
    a.bool('enable_nested_tensor', true);
    a.bool('mask_check', true);
    const stack = new TransformerEncoder(layer, a.int('num_layers'), { norm: finalNorm(a, layer.dModel, layer.options.layerNormEps) });
    layer.dispose();
    prepare('transformer_encoder', stack, a, x.byName(), ENCODER_INPUTS);
    return stack.forward(x.get('src', 0), { mask: mask(x, 'mask') ?? mask(x, 'src_mask'), srcKeyPaddingMask: mask(x, 'src_key_padding_mask'), isCausal: a.bool('is_causal', false) });
  }),
  transformer_decoder_layer: op('transformer_decoder_layer', (x, a) => {
    const layer = decoderLayer(a);
    prepare('transformer_decoder_layer', layer, a, x.byName(), DECODER_INPUTS);
    return layer.forward(x.get('tgt', 0), x.get('memory', 1), decoderCall(x, a));
  }),
  transformer_decoder: op('transformer_decoder', (x, a) => {
    const layer = decoderLayer(a);
    const stack = new TransformerDecoder(layer, a.int('num_layers'), { norm: finalNorm(a, layer.dModel, layer.options.layerNormEps) });
    layer.dispose();
    prepare('transformer_decoder', stack, a, x.byName(), DECODER_INPUTS);
    return stack.forward(x.get('tgt', 0), x.get('memory', 1), decoderCall(x, a));
  }),
};
