/** The README's Transformers example, run as written. */
import '@nn/backend-cpu';
import { manualSeed, randint, tensor } from '@nn/tensor';
import { expect, it } from 'vitest';
import { Embedding, generateSquareSubsequentMask, LayerNorm, Linear, SinusoidalPositionalEncoding, TransformerEncoder, TransformerEncoderLayer } from '../index.js';

it('README: a tiny causal language model', () => {
  manualSeed(0);
  const [vocab, dModel, N, L] = [50, 32, 2, 10];
  const embed = new Embedding(vocab, dModel);
  const positions = new SinusoidalPositionalEncoding(dModel, { batchFirst: true, maxLen: 64 });
  const layer = new TransformerEncoderLayer(dModel, 4, { dimFeedforward: 64, batchFirst: true, normFirst: true, activation: 'gelu' });
  const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(dModel) });
  const head = new Linear(dModel, vocab);

  const tokens = randint(0, vocab, [N, L], { dtype: 'int32' });
  const lengths = [10, 7];
  const padding = tensor(lengths.map((n) => Array.from({ length: L }, (_, t) => t >= n)));
  const hidden = encoder.forward(positions.forward(embed.forward(tokens).mul(Math.sqrt(dModel))), {
    mask: generateSquareSubsequentMask(L),
    srcKeyPaddingMask: padding,
  });
  const logits = head.forward(hidden);
  expect(logits.shape).toEqual([2, 10, 50]);
  expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
  expect(Object.keys(encoder.stateDict()).slice(0, 3)).toEqual(['layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias', 'layers.0.self_attn.out_proj.weight']);
});
