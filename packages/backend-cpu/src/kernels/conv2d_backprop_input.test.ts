import { describe, expect, it } from 'vitest';
import { convTranspose2d, engine, KernelName, tensor, type Conv2DBackpropInputAttrs } from '@nn/tensor';
import '@nn/backend-cpu';
import { conv2dForward } from './conv2d.js';
import { conv2dBackpropInput } from './conv2d_backprop_input.js';
import { convGeometry } from './im2col.js';
import { dot, geometryOf, maxRelativeError, randomCase, randomValues, referenceBackpropInput, seededRandom, type ConvCase } from './test-utils/conv_reference.js';
import { closeTo, loadConvVector } from './test-utils/conv_vectors.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

describe('Conv2DBackpropInput kernel', () => {
  it('matches the seven-loop definition and is the adjoint of Conv2D on 300 random shapes', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 300; i++) {
      const c = randomCase(random);
      const g = geometryOf(c);
      const x = randomValues(random, size(c.xShape));
      const w = randomValues(random, size(c.wShape));
      const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
      const dx = new Float32Array(x.length);
      conv2dBackpropInput(dy, w, dx, g);
      expect(maxRelativeError(dx, referenceBackpropInput(dy, w, g)), JSON.stringify(c)).toBeLessThan(1e-5);
      // <conv(x), dy> == <x, conv2dBackpropInput(dy)>
      const y = new Float32Array(dy.length);
      conv2dForward(x, w, y, g);
      const lhs = dot(y, dy);
      expect(Math.abs(lhs - dot(x, dx)), JSON.stringify(c)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    }
  });

  it.each<[string, ConvCase]>([
    ['1×1 (GEMM straight into dx)', { xShape: [2, 6, 3, 5], wShape: [4, 3, 1, 1], attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 2 } }],
    ['one input channel, 12 filters (im2col)', { xShape: [2, 1, 9, 13], wShape: [12, 1, 3, 3], attrs: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } }],
    ['LeNet conv2: 6 → 16, 5×5 on 14×14 (several images per GEMM)', { xShape: [19, 6, 14, 14], wShape: [16, 6, 5, 5], attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } }],
    ['depthwise (direct scatter)', { xShape: [2, 3, 8, 7], wShape: [6, 1, 3, 2], attrs: { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2], groups: 3 } }],
    ['several tiles', { xShape: [1, 64, 21, 27], wShape: [3, 64, 3, 3], attrs: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } }],
  ])('%s', (_name, c) => {
    const random = seededRandom(5);
    const g = geometryOf(c);
    const w = randomValues(random, size(c.wShape));
    const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
    const dx = new Float32Array(size(c.xShape));
    conv2dBackpropInput(dy, w, dx, g);
    expect(maxRelativeError(dx, referenceBackpropInput(dy, w, g))).toBeLessThan(1e-5);
  });

  it.each(['conv2d__s1_p1', 'conv2d__s2_p0'])('gives PyTorch`s input gradient on %s', (name) => {
    const v = loadConvVector(name);
    const p = v.attrs.padding;
    const attrs: Conv2DBackpropInputAttrs = {
      stride: [v.attrs.stride[0], v.attrs.stride[1]],
      padding: [p[0], p[0], p[1], p[1]],
      dilation: [v.attrs.dilation[0], v.attrs.dilation[1]],
      groups: v.attrs.groups,
      inputShape: v.inputs.x.shape as [number, number, number, number],
    };
    const [dx] = engine().runKernel(KernelName.Conv2DBackpropInput, { dy: tensor(v.G.data, v.G.shape), weight: tensor(v.inputs.weight.data, v.inputs.weight.shape) }, attrs);
    expect(dx.shape).toEqual(v.grads.x.shape);
    expect(closeTo(dx.dataSync(), v.grads.x.data)).toBe(true);
  });

  it('runs convTranspose2d: PyTorch`s conv_transpose2d__s2_k2, with bias', () => {
    const v = loadConvVector('conv_transpose2d__s2_k2');
    const y = convTranspose2d(tensor(v.inputs.x.data, v.inputs.x.shape), tensor(v.inputs.weight.data, v.inputs.weight.shape), tensor(v.inputs.bias.data), { stride: v.attrs.stride });
    expect(y.shape).toEqual(v.output.shape);
    expect(closeTo(y.dataSync(), v.output.data)).toBe(true);
  });

  it.each<[string, { stride: [number, number]; padding: [number, number]; outputPadding: [number, number]; dilation: [number, number]; groups: number }]>([
    ['outputPadding below stride', { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [1, 1], groups: 1 }],
    ['outputPadding below dilation only (dy shorter than the formula)', { stride: [1, 1], padding: [0, 1], outputPadding: [1, 0], dilation: [2, 2], groups: 2 }],
    ['grouped and dilated', { stride: [2, 2], padding: [2, 1], outputPadding: [0, 1], dilation: [2, 3], groups: 2 }],
  ])('convTranspose2d with %s is the adjoint of conv2d', (_name, o) => {
    const random = seededRandom(9);
    const xShape = [2, 4, 5, 4];
    const wShape = [4, 3, 3, 2]; // [inChannels, outChannels/groups, kH, kW]
    const x = randomValues(random, size(xShape));
    const w = randomValues(random, size(wShape));
    const y = convTranspose2d(tensor(x, xShape), tensor(w, wShape), null, o);
    const outH = (xShape[2] - 1) * o.stride[0] - 2 * o.padding[0] + o.dilation[0] * (wShape[2] - 1) + o.outputPadding[0] + 1;
    const outW = (xShape[3] - 1) * o.stride[1] - 2 * o.padding[1] + o.dilation[1] * (wShape[3] - 1) + o.outputPadding[1] + 1;
    expect(y.shape).toEqual([2, 3 * o.groups, outH, outW]);
    const attrs = { stride: o.stride, padding: [o.padding[0], o.padding[0], o.padding[1], o.padding[1]] as [number, number, number, number], dilation: o.dilation, groups: o.groups };
    const g = convGeometry(y.shape, wShape, xShape[2], xShape[3], attrs);
    expect(maxRelativeError(y.dataSync(), referenceBackpropInput(x, w, g))).toBeLessThan(1e-5);
  });
});
