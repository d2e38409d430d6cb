import '@nn/backend-cpu';
import '@nn/autograd';
import { concat, manualSeed, randn, relu, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { generateSquareSubsequentMask } from './causal_mask.js';
import { LayerNorm } from './normalization.js';
import { TransformerDecoder, TransformerDecoderLayer } from './transformer_decoder.js';

// PyTorch 1.13: list(nn.TransformerDecoderLayer(8, 2).state_dict())
const DECODER_LAYER_KEYS = [
  'self_attn.in_proj_weight',
  'self_attn.in_proj_bias',
  'self_attn.out_proj.weight',
  'self_attn.out_proj.bias',
  'multihead_attn.in_proj_weight',
  'multihead_attn.in_proj_bias',
  'multihead_attn.out_proj.weight',
  'multihead_attn.out_proj.bias',
  'linear1.weight',
  'linear1.bias',
  'linear2.weight',
  'linear2.bias',
  'norm1.weight',
  'norm1.bias',
  'norm2.weight',
  'norm2.bias',
  'norm3.weight',
  'norm3.bias',
];

const rows = (t: Tensor, from: number, to: number): Tensor => t.slice([0, from], [null, to]); // [N, L, E] positions from..to-1
const maxDiff = (a: Tensor, b: Tensor): number => Math.max(...Array.from(a.sub(b).abs().dataSync()));

describe('TransformerDecoderLayer and TransformerDecoder', () => {
  it("has PyTorch's state-dict keys, and the stack prefixes them with layers.i", () => {
    expect(Object.keys(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }).stateDict())).toEqual(DECODER_LAYER_KEYS);
    const stack = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new LayerNorm(8) });
    expect(Object.keys(stack.stateDict())).toEqual([
      ...DECODER_LAYER_KEYS.map((k) => `layers.0.${k}`),
      ...DECODER_LAYER_KEYS.map((k) => `layers.1.${k}`),
      'norm.weight',
      'norm.bias',
    ]);
  });

  for (const normFirst of [false, true]) {
    it(`computes the ${normFirst ? 'pre' : 'post'}-norm formula with every mask`, () => {
      manualSeed(11);
      const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, normFirst }).eval();
      const tgt = randn([2, 4, 8]);
      const memory = randn([2, 6, 8]);
      const tgtMask = generateSquareSubsequentMask(4);
      const memoryMask = tensor(Array.from({ length: 4 }, (_, i) => Array.from({ length: 6 }, (_, j) => j === 5 && i === 0)));
      const tgtKeyPaddingMask = tensor([[false, false, false, false], [false, false, false, true]]);
      const memoryKeyPaddingMask = tensor([[false, false, false, false, true, true], [false, false, false, false, false, false]]);
      const sa = (x: Tensor): Tensor => layer.selfAttn.forward(x, x, x, { attnMask: tgtMask, keyPaddingMask: tgtKeyPaddingMask })[0];
      const mha = (x: Tensor): Tensor => layer.multiheadAttn.forward(x, memory, memory, { attnMask: memoryMask, keyPaddingMask: memoryKeyPaddingMask })[0];
      const ff = (x: Tensor): Tensor => layer.linear2.forward(relu(layer.linear1.forward(x)));
      let x = tgt;
      if (normFirst) {
        x = x.add(sa(layer.norm1.forward(x)));
        x = x.add(mha(layer.norm2.forward(x)));
        x = x.add(ff(layer.norm3.forward(x)));
      } else {
        x = layer.norm1.forward(x.add(sa(x)));
        x = layer.norm2.forward(x.add(mha(x)));
        x = layer.norm3.forward(x.add(ff(x)));
      }
      const out = layer.forward(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask });
      expectClose(out, x, 1e-6, 1e-5, 'decoder layer');
    });
  }

  it('with a causal tgtMask, output t ignores later targets; padded memory is ignored', () => {
    manualSeed(12);
    const decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), 2).eval();
    const tgt = randn([2, 5, 8]);
    const memory = randn([2, 4, 8]);
    const tgtMask = generateSquareSubsequentMask(5);
    const memoryKeyPaddingMask = tensor([[false, false, false, true], [false, false, false, true]]);
    const call = { tgtMask, memoryKeyPaddingMask };
    const base = decoder.forward(tgt, memory, call);
    const laterChanged = decoder.forward(concat([rows(tgt, 0, 2), randn([2, 3, 8])], 1), memory, call);
    expectClose(rows(laterChanged, 0, 2), rows(base, 0, 2), 1e-6, 1e-6, 'targets before the change');
    expect(maxDiff(rows(laterChanged, 2, 5), rows(base, 2, 5))).toBeGreaterThan(1e-3);
    const paddingChanged = decoder.forward(tgt, concat([rows(memory, 0, 3), randn([2, 1, 8]).mul(5)], 1), call);
    expectClose(paddingChanged, base, 1e-6, 1e-6, 'output with the padded memory changed');
    // tgtIsCausal means the same as the explicit mask.
    expectClose(decoder.forward(tgt, memory, { tgtIsCausal: true, memoryKeyPaddingMask }), base, 1e-6, 1e-6, 'tgtIsCausal');
  });

  it('trains: every parameter gets a gradient, on sequence-first input', () => {
    manualSeed(13);
    const decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu' }), 2);
    decoder.forward(randn([5, 3, 8]), randn([7, 3, 8]), { tgtMask: generateSquareSubsequentMask(5) }).square().sum().backward();
    for (const [name, p] of decoder.namedParameters()) expect(Array.from(p.grad!.dataSync()).some((g) => g !== 0), name).toBe(true);
  });

  it('checks its settings', () => {
    expect(() => new TransformerDecoderLayer(6, 4)).toThrow('TransformerDecoderLayer: dModel (6) must be divisible by nhead (4)');
    expect(() => new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 4 }), 1.5)).toThrow('TransformerDecoder: numLayers must be a positive integer, got 1.5');
  });
});
