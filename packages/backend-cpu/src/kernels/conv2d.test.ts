import { describe, expect, it } from 'vitest';
import { conv2d, conv1d, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { conv2dForward } from './conv2d.js';
import { columnTile } from './im2col.js';
import { geometryOf, maxRelativeError, randomCase, randomValues, referenceConv, seededRandom, type ConvCase } from './test-utils/conv_reference.js';
import { closeTo, loadConvVector } from './test-utils/conv_vectors.js';

function runForward(c: ConvCase, random: () => number): { ours: Float32Array; expected: Float64Array } {
  const g = geometryOf(c);
  const x = randomValues(random, c.xShape.reduce((a, b) => a * b));
  const w = randomValues(random, c.wShape.reduce((a, b) => a * b));
  const ours = new Float32Array(g.batch * g.outChannels * g.outArea);
  conv2dForward(x, w, ours, g);
  return { ours, expected: referenceConv(x, w, g) };
}

const attrs = (stride: number, pad: number, groups = 1, dilation = 1): ConvCase['attrs'] => ({
  stride: [stride, stride],
  padding: [pad, pad, pad, pad],
  dilation: [dilation, dilation],
  groups,
});

describe('Conv2D kernel', () => {
  it('matches the seven-loop definition on 300 random shapes (stride, asymmetric padding, dilation, groups)', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 300; i++) {
      const c = randomCase(random);
      const { ours, expected } = runForward(c, random);
      expect(maxRelativeError(ours, expected), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  it.each<[string, ConvCase]>([
    ['1×1 stride 1 (plain GEMM on the input)', { xShape: [2, 5, 3, 7], wShape: [4, 5, 1, 1], attrs: attrs(1, 0) }],
    ['1×1 grouped', { xShape: [3, 6, 5, 1], wShape: [9, 2, 1, 1], attrs: attrs(1, 0, 3) }],
    ['1×1 strided (needs im2col)', { xShape: [1, 3, 7, 7], wShape: [2, 3, 1, 1], attrs: attrs(2, 0) }],
    ['1×1 padded', { xShape: [1, 3, 4, 5], wShape: [2, 3, 1, 1], attrs: attrs(1, 1) }],
    ['depthwise 3×3 (direct loop)', { xShape: [2, 8, 9, 9], wShape: [8, 1, 3, 3], attrs: attrs(1, 1, 8) }],
    ['depthwise ×2 multiplier, strided, dilated', { xShape: [1, 4, 11, 10], wShape: [8, 1, 3, 3], attrs: attrs(2, 2, 4, 2) }],
    ['one input channel, 6 filters 5×5 (LeNet)', { xShape: [3, 1, 12, 12], wShape: [6, 1, 5, 5], attrs: attrs(1, 0) }],
    ['LeNet conv2: 6 → 16, 5×5 (several images per GEMM, a short last tile)', { xShape: [19, 6, 14, 14], wShape: [16, 6, 5, 5], attrs: attrs(1, 0) }],
    ['one input channel, 12 filters 3×3 (direct, many filters)', { xShape: [2, 1, 9, 13], wShape: [12, 1, 3, 3], attrs: attrs(1, 1) }],
    ['one input channel, 12 filters 5×5 stride 2 (im2col)', { xShape: [2, 1, 13, 11], wShape: [12, 1, 5, 5], attrs: attrs(2, 2) }],
    ['single pixel in and out', { xShape: [1, 1, 1, 1], wShape: [1, 1, 1, 1], attrs: attrs(1, 0) }],
    ['kernel as large as the padded input', { xShape: [2, 2, 3, 4], wShape: [3, 2, 5, 6], attrs: attrs(1, 1) }],
    ['padding wider than the kernel', { xShape: [1, 2, 2, 2], wShape: [2, 2, 2, 2], attrs: attrs(1, 3) }],
    ['stride larger than the kernel', { xShape: [1, 2, 10, 10], wShape: [3, 2, 2, 2], attrs: attrs(4, 1) }],
  ])('%s', (_name, c) => {
    const { ours, expected } = runForward(c, seededRandom(7));
    expect(maxRelativeError(ours, expected)).toBeLessThan(1e-5);
  });

  it('handles images whose columns span several tiles', () => {
    const c: ConvCase = { xShape: [2, 64, 23, 25], wShape: [5, 64, 3, 3], attrs: { stride: [1, 1], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 1 } };
    expect(columnTile(geometryOf(c))).toBeLessThan(geometryOf(c).outArea);
    const { ours, expected } = runForward(c, seededRandom(3));
    expect(maxRelativeError(ours, expected)).toBeLessThan(1e-5);
  });

  it('gives an empty result for an empty batch', () => {
    const c: ConvCase = { xShape: [0, 2, 5, 5], wShape: [3, 2, 3, 3], attrs: attrs(1, 1) };
    expect(runForward(c, seededRandom(1)).ours.length).toBe(0);
  });

  it.each(['conv2d__s1_p1', 'conv2d__s2_p0'])('reproduces PyTorch on %s, with bias', (name) => {
    const v = loadConvVector(name);
    const y = conv2d(tensor(v.inputs.x.data, v.inputs.x.shape), tensor(v.inputs.weight.data, v.inputs.weight.shape), tensor(v.inputs.bias.data), {
      stride: v.attrs.stride,
      padding: v.attrs.padding,
      dilation: v.attrs.dilation,
      groups: v.attrs.groups,
    });
    expect(y.shape).toEqual(v.output.shape);
    expect(closeTo(y.dataSync(), v.output.data)).toBe(true);
  });

  it('runs convTranspose2d`s input gradient: the gradient of PyTorch`s conv_transpose2d w.r.t. x is a conv2d of G', () => {
    const v = loadConvVector('conv_transpose2d__s2_k2');
    const dx = conv2d(tensor(v.G.data, v.G.shape), tensor(v.inputs.weight.data, v.inputs.weight.shape), null, { stride: v.attrs.stride, padding: v.attrs.padding });
    expect(dx.shape).toEqual(v.grads.x.shape);
    expect(closeTo(dx.dataSync(), v.grads.x.data)).toBe(true);
  });

  it('serves conv1d as a conv of height 1', () => {
    const random = seededRandom(11);
    const x = randomValues(random, 2 * 4 * 9);
    const w = randomValues(random, 6 * 2 * 3);
    const y = conv1d(tensor(x, [2, 4, 9]), tensor(w, [6, 2, 3]), null, { stride: 2, padding: 1, dilation: 2, groups: 2 });
    const g = geometryOf({ xShape: [2, 4, 1, 9], wShape: [6, 2, 1, 3], attrs: { stride: [1, 2], padding: [0, 0, 1, 1], dilation: [1, 2], groups: 2 } });
    expect(y.shape).toEqual([2, 6, g.outW]);
    expect(maxRelativeError(y.dataSync(), referenceConv(x, w, g))).toBeLessThan(1e-5);
  });
});
