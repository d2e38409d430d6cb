import { describe, expect, it } from 'vitest';
import { forwardWinograd, prefersWinograd } from './conv2d_winograd.js';
import { wasmGemmAvailable } from './gemm_wasm.js';
import { geometryOf, randomValues, referenceConv, seededRandom, type ConvCase } from './test-utils/conv_reference.js';

/** The conformance suite's tolerance for conv outputs (tooling/conformance/vectors/README.md). */
const ATOL = 1e-4;
const RTOL = 1e-4;

/** Worst |ours - reference| / (ATOL + RTOL·|reference|): at most 1 passes the conformance check. */
function winogradErrorRatio(c: ConvCase, seed: number): number {
  const g = geometryOf(c);
  const random = seededRandom(seed);
  const x = randomValues(random, c.xShape.reduce((a, b) => a * b));
  const w = randomValues(random, c.wShape.reduce((a, b) => a * b));
  const y = new Float32Array(g.batch * g.outChannels * g.outArea);
  forwardWinograd(x, w, y, g);
  const expected = referenceConv(x, w, g);
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - expected[i]) / (ATOL + RTOL * Math.abs(expected[i])));
  return worst;
}

const conv3x3 = (xShape: ConvCase['xShape'], outChannels: number, padding: [number, number, number, number]): ConvCase => ({
  xShape,
  wShape: [outChannels, xShape[1], 3, 3],
  attrs: { stride: [1, 1], padding, dilation: [1, 1], groups: 1 },
});

describe.runIf(wasmGemmAvailable())('Conv2D by Winograd F(2×2, 3×3) (conv2d_winograd.ts)', () => {
  it.each<[string, ConvCase]>([
    ['pad 1, even output', conv3x3([1, 8, 16, 16], 8, [1, 1, 1, 1])],
    ['odd output size, tile rows padded to groups of four', conv3x3([2, 9, 17, 13], 10, [1, 1, 1, 1])],
    ['no padding', conv3x3([1, 12, 19, 20], 5, [0, 0, 0, 0])],
    ['asymmetric padding wider than the kernel', conv3x3([1, 8, 15, 14], 8, [2, 0, 3, 1])],
    ['70 output channels: two row blocks and a partial panel', conv3x3([1, 16, 18, 18], 70, [1, 1, 1, 1])],
    ['more tiles than one block (1,260 tiles at 8 channels)', conv3x3([1, 8, 70, 70], 8, [1, 1, 1, 1])],
  ])('stays within the conformance tolerance: %s', (_name, c) => {
    expect(winogradErrorRatio(c, 3)).toBeLessThan(1);
  });

  it('stays within the conformance tolerance on a ResNet-sized layer (48 → 24 channels, 34²) against float64', () => {
    // Deep sums are where the transforms' extra roundings could add up: 432 terms per output here.
    expect(winogradErrorRatio(conv3x3([1, 48, 34, 34], 24, [1, 1, 1, 1]), 8)).toBeLessThan(0.1);
  });

  it('is chosen only for 3×3 stride-1 undilated ungrouped convs with enough tiles and channels that fit module memory', () => {
    expect(prefersWinograd(geometryOf(conv3x3([1, 64, 56, 56], 64, [1, 1, 1, 1])))).toBe(true);
    expect(prefersWinograd(geometryOf(conv3x3([1, 512, 7, 7], 512, [1, 1, 1, 1])))).toBe(false);
    expect(prefersWinograd(geometryOf(conv3x3([1, 3, 56, 56], 64, [1, 1, 1, 1])))).toBe(false);
    expect(prefersWinograd(geometryOf(conv3x3([1, 64, 1024, 1024], 64, [1, 1, 1, 1])))).toBe(false);
    const strided = conv3x3([1, 64, 56, 56], 64, [1, 1, 1, 1]);
    strided.attrs.stride = [2, 2];
    expect(prefersWinograd(geometryOf(strided))).toBe(false);
  });
});
