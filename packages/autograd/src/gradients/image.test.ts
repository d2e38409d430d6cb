import { beforeEach, describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import * as nn from '@nn/tensor';
import { manualSeed, tensor, type Tensor } from '@nn/tensor';
import { grad, gradcheck } from '../index.js';
import { distinct, random, reseed } from '../test-utils/inputs.js';

beforeEach(() => reseed());

const ok = (fn: (...xs: Tensor[]) => Tensor, ...inputs: Tensor[]): void => {
  expect(gradcheck(fn, inputs).ok).toBe(true);
};

describe('convolution gradients (gradcheck)', () => {
  const cases: [string, number[], number[], nn.Conv2DOptions][] = [
    ['stride 1 padding 1', [2, 3, 6, 5], [4, 3, 3, 3], { padding: 1 }],
    ['stride 2, no padding, odd size', [1, 2, 7, 6], [3, 2, 3, 2], { stride: 2 }],
    ['stride [2, 1], padding [1, 2], dilation 2', [2, 2, 7, 7], [2, 2, 2, 3], { stride: [2, 1], padding: [1, 2], dilation: 2 }],
    ['groups 2', [1, 4, 5, 5], [6, 2, 3, 3], { groups: 2, padding: 1 }],
    ["padding 'same' with an even kernel (asymmetric)", [1, 2, 5, 5], [2, 2, 2, 4], { padding: 'same' }],
    ['depthwise', [2, 3, 4, 4], [3, 1, 3, 3], { groups: 3, stride: 2, padding: 1 }],
  ];
  for (const [name, xShape, wShape, options] of cases) {
    it(`conv2d ${name}`, () => {
      ok((x, w, b) => nn.conv2d(x, w, b, options), random(xShape), random(wShape), random([wShape[0]]));
    });
  }

  it('conv1d', () => {
    ok((x, w) => nn.conv1d(x, w, null, { stride: 2, padding: 1, dilation: 2 }), random([2, 3, 9]), random([4, 3, 3]));
  });

  const transposed: [string, number[], number[], nn.ConvTranspose2DOptions][] = [
    ['stride 2', [2, 3, 3, 3], [3, 2, 2, 2], { stride: 2 }],
    ['stride 2, padding 1, outputPadding 1', [1, 2, 4, 3], [2, 3, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
    ['groups 2, dilation 2', [1, 4, 3, 3], [4, 1, 2, 2], { groups: 2, dilation: 2 }],
  ];
  for (const [name, xShape, wShape, options] of transposed) {
    it(`convTranspose2d ${name}`, () => {
      ok((x, w, b) => nn.convTranspose2d(x, w, b, options), random(xShape), random(wShape), random([wShape[1] * (options.groups ?? 1)]));
    });
  }

  it('conv2dBackpropInput and conv2dBackpropFilter differentiate in both operands', () => {
    const attrs = { stride: [2, 1] as [number, number], padding: [1, 0, 1, 1] as [number, number, number, number], dilation: [1, 2] as [number, number], groups: 1 };
    // x [1, 2, 5, 5], weight [3, 2, 3, 2] give dy [1, 3, 2, 5].
    ok((dy, w) => nn.conv2dBackpropInput(dy, w, [1, 2, 5, 5], attrs), random([1, 3, 2, 5]), random([3, 2, 3, 2]));
    ok((x, dy) => nn.conv2dBackpropFilter(x, dy, [3, 2, 3, 2], attrs), random([1, 2, 5, 5]), random([1, 3, 2, 5]));
  });
});

describe('pooling, normalisation and resize gradients (gradcheck)', () => {
  it('maxPool2d (stride, padding, dilation, ceilMode) and its indices', () => {
    ok((x) => nn.maxPool2d(x, 2), distinct([2, 2, 6, 6]));
    ok((x) => nn.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), distinct([1, 2, 6, 7]));
    ok((x) => nn.maxPool2d(x, 2, { dilation: 2 }), distinct([1, 1, 5, 5]));
    ok((x) => nn.maxPool2d(x, 2, { returnIndices: true }).values, distinct([2, 3, 4]));
  });

  it('maxPool2dGrad differentiates in dy', () => {
    const { indices } = nn.maxPool2d(distinct([1, 2, 4, 4]), 2, { stride: 1, returnIndices: true });
    ok((dy) => nn.maxPool2dGrad(dy, indices, [1, 2, 4, 4]), random([1, 2, 3, 3]));
  });

  it('avgPool2d (padding, countIncludePad, ceilMode, divisorOverride)', () => {
    ok((x) => nn.avgPool2d(x, 2), random([2, 2, 6, 6]));
    ok((x) => nn.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), random([1, 2, 6, 7]));
    ok((x) => nn.avgPool2d(x, [2, 3], { stride: 1, divisorOverride: 4 }), random([1, 1, 4, 5]));
  });

  it('adaptiveAvgPool2d and adaptiveMaxPool2d to odd sizes', () => {
    ok((x) => nn.adaptiveAvgPool2d(x, [3, 2]), random([2, 2, 7, 5]));
    ok((x) => nn.adaptiveAvgPool2d(x, 1), random([2, 3, 4, 4]));
    ok((x) => nn.adaptiveMaxPool2d(x, [2, 3]), distinct([1, 2, 5, 7]));
  });

  it('batchNorm in training (statistics included), and in evaluation', () => {
    ok((x, w, b) => nn.batchNorm(x, null, null, w, b, { training: true }).output, random([4, 3, 2, 2]), random([3]), random([3]));
    ok((x, w) => nn.batchNorm(x, tensor([0.1, -0.2]), tensor([1.5, 0.5]), w, null).output, random([3, 2]), random([2]));
  });

  it('layerNorm', () => {
    ok((x, w, b) => nn.layerNorm(x, [4], { weight: w, bias: b }), random([3, 4]), random([4]), random([4]));
    ok((x) => nn.layerNorm(x, [2, 3]), random([2, 2, 3]));
  });

  it('localResponseNorm', () => {
    ok((x) => nn.localResponseNorm(x, 3, { alpha: 0.5, beta: 0.75, k: 2 }), random([2, 5, 3, 3]));
    ok((x) => nn.localResponseNorm(x, 5, { alpha: 1e-2, beta: 0.75, k: 1 }), random([1, 6, 2, 2]));
  });

  it('upsample: nearest and bilinear (alignCorners both ways), up and down', () => {
    ok((x) => nn.upsample(x, { scaleFactor: 2 }), random([2, 2, 3, 3]));
    ok((x) => nn.upsample(x, { size: [5, 7], mode: 'bilinear' }), random([1, 2, 3, 4]));
    ok((x) => nn.upsample(x, { size: [5, 7], mode: 'bilinear', alignCorners: true }), random([1, 2, 3, 4]));
    ok((x) => nn.upsample(x, { size: [2, 3], mode: 'bilinear' }), random([1, 1, 5, 6]));
  });

  it('dropout with a fixed seed scales the kept elements', () => {
    const fn = (x: Tensor): Tensor => {
      manualSeed(7);
      return nn.dropout(x, { p: 0.3 });
    };
    ok(fn, random([4, 5]));
    const g = grad((x) => fn(x).sum())(random([100]));
    const kept = Array.from(g.dataSync()).filter((v) => v !== 0);
    kept.forEach((v) => expect(v).toBeCloseTo(1 / 0.7, 5));
  });
});
