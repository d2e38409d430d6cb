import { describe, expect, it } from 'vitest';
import { forwardPacked, prefersPacked } from './conv2d_packed.js';
import { wasmGemmAvailable } from './gemm_wasm.js';
import { geometryOf, maxRelativeError, randomCase, randomValues, referenceConv, seededRandom, type ConvCase } from './test-utils/conv_reference.js';

function packedError(c: ConvCase, seed: number): number {
  const g = geometryOf(c);
  const random = seededRandom(seed);
  const x = randomValues(random, c.xShape.reduce((a, b) => a * b));
  const w = randomValues(random, c.wShape.reduce((a, b) => a * b));
  const y = new Float32Array(g.batch * g.outChannels * g.outArea);
  forwardPacked(x, w, y, g);
  return maxRelativeError(y, referenceConv(x, w, g));
}

const attrs = (stride: number, pad: number, groups = 1, dilation = 1): ConvCase['attrs'] => ({
  stride: [stride, stride],
  padding: [pad, pad, pad, pad],
  dilation: [dilation, dilation],
  groups,
});

describe.runIf(wasmGemmAvailable())('Conv2D on B panels packed in WebAssembly (conv2d_packed.ts)', () => {
  it('matches the seven-loop definition on 200 random shapes, C_in 1 to 3 per group included', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 200; i++) expect(packedError(randomCase(random), i), String(i)).toBeLessThan(1e-5);
  });

  it.each<[string, ConvCase]>([
    ['C_in 1, LeNet 1→6 5×5, batch 3 (panels across images)', { xShape: [3, 1, 13, 11], wShape: [6, 1, 5, 5], attrs: attrs(1, 0) }],
    ['C_in 2, stride 1 rows of 8 (side-by-side panels)', { xShape: [2, 2, 10, 16], wShape: [5, 2, 3, 3], attrs: attrs(1, 1) }],
    ['C_in 3, 7×7 stride 2 (every-other-float panels)', { xShape: [2, 3, 37, 41], wShape: [9, 3, 7, 7], attrs: attrs(2, 3) }],
    ['C_in 4, stride 3, dilation 2', { xShape: [2, 4, 19, 23], wShape: [7, 4, 3, 3], attrs: attrs(3, 2, 1, 2) }],
    ['1×1 stride 2 (ResNet shortcut)', { xShape: [2, 16, 15, 15], wShape: [12, 16, 1, 1], attrs: attrs(2, 0) }],
    ['1×1 padded', { xShape: [1, 5, 4, 9], wShape: [6, 5, 1, 1], attrs: attrs(1, 1) }],
    ['groups 4, asymmetric kernel', { xShape: [2, 8, 12, 9], wShape: [12, 2, 3, 2], attrs: attrs(1, 1, 4) }],
    ['depth 60·3·3 = 540 > 512: two depth slices, the second added in place', { xShape: [1, 60, 9, 10], wShape: [10, 60, 3, 3], attrs: attrs(1, 1) }],
    ['70 output channels: two row blocks and a partial panel', { xShape: [1, 6, 11, 11], wShape: [70, 6, 3, 3], attrs: attrs(1, 1) }],
    ['output wider than one column block', { xShape: [1, 3, 40, 45], wShape: [5, 3, 3, 3], attrs: attrs(1, 1) }],
    ['single output pixel', { xShape: [1, 2, 3, 3], wShape: [3, 2, 3, 3], attrs: attrs(1, 0) }],
  ])('%s', (_name, c) => {
    expect(packedError(c, 9)).toBeLessThan(1e-5);
  });

  it('is chosen except for depthwise convs and images too large for module memory (which never shrinks)', () => {
    expect(prefersPacked(geometryOf({ xShape: [64, 1, 28, 28], wShape: [6, 1, 5, 5], attrs: attrs(1, 0) }))).toBe(true);
    expect(prefersPacked(geometryOf({ xShape: [1, 8, 9, 9], wShape: [8, 1, 3, 3], attrs: attrs(1, 1, 8) }))).toBe(false);
    expect(prefersPacked(geometryOf({ xShape: [1, 64, 1024, 1024], wShape: [8, 64, 3, 3], attrs: attrs(1, 1) }))).toBe(false);
  });

  it('handles a batch split into chunks of images (each image over the input budget)', () => {
    const c: ConvCase = { xShape: [3, 2, 760, 700], wShape: [4, 2, 1, 1], attrs: attrs(2, 0) };
    expect(packedError(c, 4)).toBeLessThan(1e-5);
  });
});
