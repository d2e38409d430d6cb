// Gradients of issue 15's compositions (activations, group/instance norm, convTranspose1d) at
// shapes and settings the PyTorch vectors do not hold, checked against finite differences.
import { beforeEach, describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import * as nn from '@nn/tensor';
import { tensor, type Tensor } from '@nn/tensor';
import { grad, gradcheck } from '../index.js';
import { random, reseed } from '../test-utils/inputs.js';

beforeEach(() => reseed());

const ok = (fn: (...xs: Tensor[]) => Tensor, ...inputs: Tensor[]): void => {
  expect(gradcheck(fn, inputs).ok).toBe(true);
};

describe('activation gradients (gradcheck)', () => {
  const wide = { min: -6, max: 6, avoid: [0] };
  it('silu', () => ok((x) => nn.silu(x), random([3, 7], wide)));
  it('mish', () => ok((x) => nn.mish(x), random([3, 7], wide)));
  it('softsign', () => ok((x) => nn.softsign(x), random([3, 7], wide)));
  it('logSigmoid', () => ok((x) => nn.logSigmoid(x), random([3, 7], wide)));
  it('selu', () => ok((x) => nn.selu(x), random([3, 7], wide)));
  it('celu, alpha 0.7', () => ok((x) => nn.celu(x, { alpha: 0.7 }), random([3, 7], wide)));
  it('hardtanh [-0.3, 1.2]', () => ok((x) => nn.hardtanh(x, { minVal: -0.3, maxVal: 1.2 }), random([4, 5], { avoid: [-0.3, 1.2] })));
  it('prelu, one slope per channel of a 4-D input', () => ok((x, w) => nn.prelu(x, w), random([2, 3, 2, 2], { avoid: [0] }), random([3])));
  it('prelu, one shared slope on 2-D input', () => ok((x, w) => nn.prelu(x, w), random([4, 5], { avoid: [0] }), random([1])));
});

describe('activation gradients at the kinks, as PyTorch', () => {
  it('hardtanh passes no gradient at the bounds themselves (clip does)', () => {
    const x = tensor([-1, -0.5, 1, 2]);
    expect(Array.from(grad((t: Tensor) => nn.hardtanh(t).sum())(x).dataSync())).toEqual([0, 1, 0, 0]);
  });
  it('prelu gives the slope at x = 0', () => {
    const w = tensor([0.25]);
    const dx = grad((t: Tensor) => nn.prelu(t, w).sum())(tensor([0, 1, -1]));
    expect(Array.from(dx.dataSync())).toEqual([0.25, 1, 0.25]);
  });
  it('logSigmoid has the derivative 1/2 at 0 and stays finite in both tails', () => {
    const x = tensor([0, -200, 200]);
    const dx = grad((t: Tensor) => nn.logSigmoid(t).sum())(x).dataSync();
    expect(dx[0]).toBeCloseTo(0.5, 6);
    expect(dx[1]).toBeCloseTo(1, 6);
    expect(dx[2]).toBeCloseTo(0, 6);
  });
});

describe('normalisation gradients (gradcheck)', () => {
  it('groupNorm, 3 groups of 2 channels on [2, 6, 5], with affine', () => {
    ok((x, w, b) => nn.groupNorm(x, 3, { weight: w, bias: b }), random([2, 6, 5]), random([6]), random([6]));
  });
  it('groupNorm, one group on [3, 4] (layer norm over channels), no affine', () => {
    ok((x) => nn.groupNorm(x, 1), random([3, 4]));
  });
  it('instanceNorm on [2, 3, 4, 3] with affine', () => {
    ok((x, w, b) => nn.instanceNorm(x, null, null, w, b).output, random([2, 3, 4, 3]), random([3]), random([3]));
  });
  it('instanceNorm with running statistics in evaluation', () => {
    const runningMean = random([2]);
    const runningVar = random([2], { min: 0.5, max: 2 });
    ok((x) => nn.instanceNorm(x, runningMean, runningVar, null, null, { useInputStats: false }).output, random([3, 2, 5]));
  });
});

describe('convTranspose1d gradients (gradcheck)', () => {
  it('stride 3, padding 1, outputPadding 2, groups 2, dilation 2', () => {
    const options = { stride: 3, padding: 1, outputPadding: 2, groups: 2, dilation: 2 };
    ok((x, w, b) => nn.convTranspose1d(x, w, b, options), random([2, 4, 5]), random([4, 3, 3]), random([6]));
  });
  it('unbatched, no bias', () => {
    ok((x, w) => nn.convTranspose1d(x, w, null, { stride: 2 }), random([3, 4]), random([3, 2, 2]));
  });
});
