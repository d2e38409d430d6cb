import { describe, expect, it } from 'vitest';
import { backpropFilterPacked } from './conv2d_backprop_filter_packed.js';
import { wasmGemmAvailable } from './gemm_wasm.js';
import { geometryOf, maxRelativeError, randomCase, randomValues, referenceBackpropFilter, seededRandom, type ConvCase } from './test-utils/conv_reference.js';

function packedError(c: ConvCase, seed: number): number {
  const g = geometryOf(c);
  const random = seededRandom(seed);
  const x = randomValues(random, c.xShape.reduce((a, b) => a * b));
  const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
  const dw = new Float32Array(c.wShape.reduce((a, b) => a * b)).fill(Number.NaN);
  backpropFilterPacked(x, dy, dw, g);
  return maxRelativeError(dw, referenceBackpropFilter(x, dy, g));
}

const attrs = (stride: number, pad: number, groups = 1, dilation = 1): ConvCase['attrs'] => ({
  stride: [stride, stride],
  padding: [pad, pad, pad, pad],
  dilation: [dilation, dilation],
  groups,
});

describe.runIf(wasmGemmAvailable())('Conv2DBackpropFilter on panels packed in WebAssembly (conv2d_backprop_filter_packed.ts)', () => {
  it('matches the seven-loop definition on 200 random shapes (stride, padding, dilation, groups, C_in 1 to 3)', () => {
    const random = seededRandom(12);
    for (let i = 0; i < 200; i++) expect(packedError(randomCase(random), i), String(i)).toBeLessThan(1e-5);
  });

  it.each<[string, ConvCase]>([
    ['LeNet conv1: C_in 1, 6 filters 5×5, batch 5 (depth over several images and slices)', { xShape: [5, 1, 28, 28], wShape: [6, 1, 5, 5], attrs: attrs(1, 0) }],
    ['LeNet conv2: 6 → 16, 5×5', { xShape: [7, 6, 14, 14], wShape: [16, 6, 5, 5], attrs: attrs(1, 0) }],
    ['C_in 4, stride 2, padding 1', { xShape: [3, 4, 13, 11], wShape: [5, 4, 3, 3], attrs: attrs(2, 1) }],
    ['70 filters: two row blocks and a partial panel; dilation 2', { xShape: [2, 3, 12, 12], wShape: [70, 3, 3, 3], attrs: attrs(1, 2, 1, 2) }],
    ['groups 3, 1×1 strided', { xShape: [2, 6, 9, 9], wShape: [9, 2, 1, 1], attrs: attrs(2, 0, 3) }],
  ])('%s', (_name, c) => {
    expect(packedError(c, 4)).toBeLessThan(1e-5);
  });
});
