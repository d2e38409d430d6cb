// The module-case mappings beyond the cases the vectors hold: a decoder layer and an encoder
// stack built from PyTorch-style attrs and state-dict-named inputs give what the module gives,
// and a case whose parameters do not match the module fails naming them.
import '@nn/backend-cpu';
import { LayerNorm, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer } from '@nn/layers';
import { manualSeed, randn, setBackend, tensor, type Tensor } from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { opRun } from '../src/cases.js';

const maxDiff = (a: Tensor, b: Tensor): number => Math.max(...Array.from(a.sub(b).abs().dataSync()));

describe('Transformer module cases', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('transformer_decoder_layer binds its parameters and masks (int 0/1 = bool)', () => {
    manualSeed(41);
    const attrs = { d_model: 8, nhead: 2, dim_feedforward: 16, dropout: 0.1, activation: 'gelu', layer_norm_eps: 1e-5, batch_first: true, norm_first: true, training: false };
    const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', batchFirst: true, normFirst: true }).eval();
    const tgt = randn([2, 3, 8]);
    const memory = randn([2, 4, 8]);
    const tgtMask = tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]], undefined, 'int32');
    const memoryKeyPaddingMask = tensor([[0, 0, 0, 1], [0, 0, 0, 0]], undefined, 'int32');
    const { output } = opRun('transformer_decoder_layer')({ tgt, memory, tgt_mask: tgtMask, memory_key_padding_mask: memoryKeyPaddingMask, ...layer.stateDict() }, attrs);
    const expected = layer.forward(tgt, memory, { tgtMask: tgtMask.cast('bool'), memoryKeyPaddingMask: memoryKeyPaddingMask.cast('bool') });
    expect(maxDiff(output, expected)).toBeLessThan(1e-6);
  });

  it('transformer_encoder binds the layers.i.* and norm.* parameters', () => {
    manualSeed(42);
    const stack = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new LayerNorm(8) }).eval();
    // Different values per layer, as a trained stack has.
    const inputs: Record<string, Tensor> = { src: randn([4, 2, 8]) };
    for (const [name, p] of Object.entries(stack.stateDict())) inputs[name] = randn(p.shape).mul(0.3).add(name.endsWith('norm1.weight') || name.endsWith('norm.weight') ? 1 : 0);
    const attrs = { d_model: 8, nhead: 2, dim_feedforward: 16, num_layers: 2, norm: true, training: false };
    const { output } = opRun('transformer_encoder')(inputs, attrs);
    const { src, ...weights } = inputs;
    stack.loadStateDict(weights);
    expect(maxDiff(output, stack.forward(src))).toBeLessThan(1e-6);
  });

  it('a case whose parameters do not match the module fails naming them', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const { 'linear2.bias': _dropped, ...rest } = layer.stateDict();
    const inputs = { src: randn([2, 3, 8]), ...rest, 'linear3.weight': randn([2]) };
    expect(() => opRun('transformer_encoder_layer')(inputs, { d_model: 8, nhead: 2, dim_feedforward: 16 })).toThrow(
      'cases: transformer_encoder_layer: the case\'s parameters do not match the module\'s (missing: linear2.bias; unknown inputs: linear3.weight)',
    );
  });
});
