import { describe, expect, it } from 'vitest';
import { engine, KernelName, tensor, type Conv2DBackpropFilterAttrs } from '@nn/tensor';
import '@nn/backend-cpu';
import { conv2dForward } from './conv2d.js';
import { conv2dBackpropFilter } from './conv2d_backprop_filter.js';
import { dot, geometryOf, maxRelativeError, randomCase, randomValues, referenceBackpropFilter, seededRandom, type ConvCase } from './test-utils/conv_reference.js';
import { closeTo, loadConvVector, type StoredTensor } from './test-utils/conv_vectors.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const shape4 = (s: number[]): [number, number, number, number] => [s[0], s[1], s[2], s[3]];

describe('Conv2DBackpropFilter kernel', () => {
  it('matches the seven-loop definition and <conv(x, w), dy> == <w, dW> on 300 random shapes', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 300; i++) {
      const c = randomCase(random);
      const g = geometryOf(c);
      const x = randomValues(random, size(c.xShape));
      const w = randomValues(random, size(c.wShape));
      const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
      const dw = new Float32Array(w.length);
      conv2dBackpropFilter(x, dy, dw, g);
      expect(maxRelativeError(dw, referenceBackpropFilter(x, dy, g)), JSON.stringify(c)).toBeLessThan(1e-5);
      const y = new Float32Array(dy.length);
      conv2dForward(x, w, y, g);
      const lhs = dot(y, dy);
      expect(Math.abs(lhs - dot(w, dw)), JSON.stringify(c)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    }
  });

  it.each<[string, ConvCase]>([
    ['1×1 (GEMM on x as it lies)', { xShape: [3, 4, 5, 3], wShape: [6, 2, 1, 1], attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 2 } }],
    ['one input channel, 12 filters (direct)', { xShape: [2, 1, 9, 13], wShape: [12, 1, 3, 2], attrs: { stride: [1, 1], padding: [1, 0, 1, 0], dilation: [2, 1], groups: 1 } }],
    ['one input channel, 12 filters, stride 2 (im2col)', { xShape: [2, 1, 9, 13], wShape: [12, 1, 3, 3], attrs: { stride: [2, 2], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } }],
    ['LeNet conv1: one input channel, 7 filters 5×5, padding 2 (direct, channel pairs and a single)', { xShape: [3, 1, 11, 9], wShape: [7, 1, 5, 5], attrs: { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 } }],
    ['LeNet conv2: 6 → 16, 5×5 on 14×14 (several images per GEMM)', { xShape: [19, 6, 14, 14], wShape: [16, 6, 5, 5], attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } }],
    ['depthwise (direct dot products)', { xShape: [2, 4, 9, 6], wShape: [4, 1, 3, 3], attrs: { stride: [2, 2], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 4 } }],
    ['several tiles and images', { xShape: [2, 64, 22, 25], wShape: [4, 64, 3, 3], attrs: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } }],
  ])('%s', (_name, c) => {
    const random = seededRandom(6);
    const g = geometryOf(c);
    const x = randomValues(random, size(c.xShape));
    const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
    const dw = new Float32Array(size(c.wShape));
    conv2dBackpropFilter(x, dy, dw, g);
    expect(maxRelativeError(dw, referenceBackpropFilter(x, dy, g))).toBeLessThan(1e-5);
  });

  function filterGradient(x: StoredTensor, dy: StoredTensor, filterShape: number[], stride: number[], padding: number[]): Float32Array {
    const attrs: Conv2DBackpropFilterAttrs = {
      stride: [stride[0], stride[1]],
      padding: [padding[0], padding[0], padding[1], padding[1]],
      dilation: [1, 1],
      groups: 1,
      filterShape: shape4(filterShape),
    };
    const [dw] = engine().runKernel(KernelName.Conv2DBackpropFilter, { x: tensor(x.data, x.shape), dy: tensor(dy.data, dy.shape) }, attrs);
    expect(dw.shape).toEqual(filterShape);
    return dw.dataSync() as Float32Array;
  }

  it.each(['conv2d__s1_p1', 'conv2d__s2_p0'])('gives PyTorch`s weight gradient on %s', (name) => {
    const v = loadConvVector(name);
    const dw = filterGradient(v.inputs.x, v.G, v.inputs.weight.shape, v.attrs.stride, v.attrs.padding);
    expect(closeTo(dw, v.grads.weight.data)).toBe(true);
  });

  it('gives PyTorch`s weight gradient of conv_transpose2d__s2_k2 (x and G swap roles)', () => {
    const v = loadConvVector('conv_transpose2d__s2_k2');
    const dw = filterGradient(v.G, v.inputs.x, v.inputs.weight.shape, v.attrs.stride, v.attrs.padding);
    expect(closeTo(dw, v.grads.weight.data)).toBe(true);
  });
});
