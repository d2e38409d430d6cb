import '@nn/backend-cpu';
import '@nn/autograd';
import { assign, concat, gelu, manualSeed, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { generateSquareSubsequentMask } from './causal_mask.js';
import { LayerNorm } from './normalization.js';
import { TransformerEncoder, TransformerEncoderLayer } from './transformer.js';

// PyTorch 1.13: [k for k in nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), 2, norm=nn.LayerNorm(8)).state_dict()]
const layerKeys = (i: number): string[] =>
  [
    'self_attn.in_proj_weight',
    'self_attn.in_proj_bias',
    'self_attn.out_proj.weight',
    'self_attn.out_proj.bias',
    'linear1.weight',
    'linear1.bias',
    'linear2.weight',
    'linear2.bias',
    'norm1.weight',
    'norm1.bias',
    'norm2.weight',
    'norm2.bias',
  ].map((k) => `layers.${i}.${k}`);
const ENCODER_KEYS = [...layerKeys(0), ...layerKeys(1), 'norm.weight', 'norm.bias'];

const rows = (t: Tensor, from: number, to: number): Tensor => t.slice([0, from], [null, to]); // [N, L, E] positions from..to-1

describe('TransformerEncoderLayer and TransformerEncoder', () => {
  it("has PyTorch's state-dict keys and shapes for a 2-layer encoder with a final norm", () => {
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new LayerNorm(8) });
    const dict = encoder.stateDict();
    expect(Object.keys(dict)).toEqual(ENCODER_KEYS);
    expect(dict['layers.1.self_attn.in_proj_weight'].shape).toEqual([24, 8]);
    expect(dict['layers.0.linear1.weight'].shape).toEqual([16, 8]);
    expect(dict['layers.0.linear2.weight'].shape).toEqual([8, 16]);
    expect(new TransformerEncoderLayer(8, 2).linear1.weight.shape).toEqual([2048, 8]); // PyTorch's default dim_feedforward
  });

  it('deep-copies the layer: independent parameters that start equal', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const encoder = new TransformerEncoder(layer, 2);
    const [a, b] = [...encoder.layers];
    expect(a).not.toBe(layer);
    expect(a.linear1.weight).not.toBe(b.linear1.weight);
    expect(b.selfAttn.inProjWeight!.toArray()).toEqual(layer.selfAttn.inProjWeight!.toArray());
    // A step on one copy leaves the other and the original alone.
    assign(a.linear1.weight, a.linear1.weight.add(1));
    expect(b.linear1.weight.toArray()).toEqual(layer.linear1.weight.toArray());
    expect(a.linear1.weight.toArray()).not.toEqual(layer.linear1.weight.toArray());
  });

  it('post-norm is norm2(x + ff(x)) after norm1(x + sa(x)); pre-norm adds to the un-normalised x', () => {
    manualSeed(3);
    const x = randn([2, 5, 8]);
    const check = (normFirst: boolean): Tensor => {
      const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, normFirst, activation: 'gelu' }).eval();
      const sa = (y: Tensor): Tensor => layer.selfAttn.forward(y, y, y)[0];
      const ff = (y: Tensor): Tensor => layer.linear2.forward(gelu(layer.linear1.forward(y)));
      let expected: Tensor;
      if (normFirst) {
        const h = x.add(sa(layer.norm1.forward(x)));
        expected = h.add(ff(layer.norm2.forward(h)));
      } else {
        const h = layer.norm1.forward(x.add(sa(x)));
        expected = layer.norm2.forward(h.add(ff(h)));
      }
      const out = layer.forward(x);
      expectClose(out, expected, 1e-6, 1e-5, normFirst ? 'pre-norm' : 'post-norm');
      return layer.forward(x);
    };
    manualSeed(4);
    const post = check(false);
    manualSeed(4); // the same parameters in both layers
    const pre = check(true);
    expect(Math.max(...Array.from(pre.sub(post).abs().dataSync()))).toBeGreaterThan(1e-2);
    // Post-norm output rows are normalised (norm2 starts as the identity affine map); pre-norm's are not.
    expectClose(post.mean(-1), tensor(new Array(10).fill(0), [2, 5]), 1e-5, 0, 'post-norm row means');
  });

  it('batchFirst gives the transposed result of the sequence-first layer', () => {
    manualSeed(5);
    const seqFirst = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).eval();
    const batchFirst = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }).eval();
    batchFirst.loadStateDict(seqFirst.stateDict());
    const x = randn([2, 5, 8]); // [N, L, E]
    const padding = tensor([[false, false, false, true, true], [false, false, false, false, false]]);
    const a = batchFirst.forward(x, { srcKeyPaddingMask: padding, isCausal: true });
    const b = seqFirst.forward(x.transpose(0, 1), { srcKeyPaddingMask: padding, isCausal: true }).transpose(0, 1);
    expectClose(a, b, 1e-6, 1e-5, 'batchFirst vs transposed');
  });

  it('a causal mask makes output t independent of the inputs after t', () => {
    manualSeed(6);
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), 2).eval();
    const x = randn([2, 6, 8]);
    const changed = concat([rows(x, 0, 4), randn([2, 2, 8])], 1); // positions 4 and 5 differ
    for (const options of [{ mask: generateSquareSubsequentMask(6) }, { isCausal: true }]) {
      const a = encoder.forward(x, options);
      const b = encoder.forward(changed, options);
      expectClose(rows(a, 0, 4), rows(b, 0, 4), 1e-6, 1e-6, 'positions before the change');
      expect(Math.max(...Array.from(rows(a, 4, 6).sub(rows(b, 4, 6)).abs().dataSync()))).toBeGreaterThan(1e-3);
    }
    // Without the mask, early positions see the change.
    expect(Math.max(...Array.from(rows(encoder.forward(x), 0, 4).sub(rows(encoder.forward(changed), 0, 4)).abs().dataSync()))).toBeGreaterThan(1e-3);
  });

  it('a key padding mask makes the other positions ignore padded ones', () => {
    manualSeed(7);
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }).eval();
    const x = randn([1, 5, 8]);
    const changed = concat([rows(x, 0, 3), randn([1, 2, 8]).mul(5)], 1);
    const srcKeyPaddingMask = tensor([[false, false, false, true, true]]);
    const a = layer.forward(x, { srcKeyPaddingMask });
    const b = layer.forward(changed, { srcKeyPaddingMask });
    expectClose(rows(a, 0, 3), rows(b, 0, 3), 1e-6, 1e-6, 'unpadded positions');
    // Equal to running the unpadded prefix alone.
    expectClose(rows(a, 0, 3), layer.forward(rows(x, 0, 3)), 1e-6, 1e-5, 'the prefix alone');
    // A float mask of -inf at the same keys means the same.
    const floatMask = tensor([[0, 0, 0, -Infinity, -Infinity]]);
    expectClose(layer.forward(x, { srcKeyPaddingMask: floatMask }), a, 1e-6, 1e-6, 'float padding mask');
  });

  it('takes unbatched [L, E] input with an [L] padding mask, as the batch of one', () => {
    manualSeed(9);
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).eval();
    const x = randn([5, 8]);
    const padding = tensor([false, false, false, false, true]);
    const batched = layer.forward(x.reshape([5, 1, 8]), { srcKeyPaddingMask: padding.reshape([1, 5]) });
    expectClose(layer.forward(x, { srcKeyPaddingMask: padding }), batched.reshape([5, 8]), 1e-6, 1e-6, 'unbatched');
  });

  it('trains: every parameter of a 2-layer encoder gets a gradient', () => {
    manualSeed(8);
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, normFirst: true }), 2, { norm: new LayerNorm(8) });
    encoder.forward(randn([5, 2, 8]), { mask: generateSquareSubsequentMask(5) }).square().sum().backward();
    for (const [name, p] of encoder.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(Array.from(p.grad!.dataSync()).some((g) => g !== 0), name).toBe(true);
    }
  });

  it('checks its settings', () => {
    expect(() => new TransformerEncoderLayer(8, 3)).toThrow('TransformerEncoderLayer: dModel (8) must be divisible by nhead (3)');
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow("TransformerEncoderLayer: activation must be 'relu', 'gelu' or a function, got \"tanh\"");
    expect(() => new TransformerEncoderLayer(8, 2, { dimFeedforward: 0 })).toThrow('TransformerEncoderLayer: dimFeedforward must be a positive integer, got 0');
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 4 }), 0)).toThrow('TransformerEncoder: numLayers must be a positive integer, got 0');
    expect(() => generateSquareSubsequentMask(0)).toThrow('generateSquareSubsequentMask: size must be a positive integer, got 0');
  });

  it('generateSquareSubsequentMask is -inf above the diagonal, 0 elsewhere', () => {
    expect(generateSquareSubsequentMask(3).toArray()).toEqual([
      [0, -Infinity, -Infinity],
      [0, 0, -Infinity],
      [0, 0, 0],
    ]);
  });
});
