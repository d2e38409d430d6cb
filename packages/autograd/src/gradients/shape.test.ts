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
const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('shape and indexing gradients (gradcheck)', () => {
  it('reshape, flatten, squeeze, unsqueeze', () => {
    ok((x) => nn.reshape(x, [4, -1]), random([2, 3, 4]));
    ok((x) => nn.flatten(x, 1), random([2, 3, 4]));
    ok((x) => nn.squeeze(x, 1), random([2, 1, 4]));
    ok((x) => nn.unsqueeze(x, 0), random([2, 4]));
  });

  it('permute, transpose, t', () => {
    ok((x) => nn.permute(x, [2, 0, 3, 1]), random([2, 3, 4, 2]));
    ok((x) => nn.transpose(x, 0, 2), random([2, 3, 4]));
    ok((x) => nn.t(x), random([3, 5]));
  });

  it('broadcastTo and expand', () => {
    ok((x) => nn.broadcastTo(x, [2, 3, 4]), random([3, 1]));
    ok((x) => nn.expand(x, [5, 2, 3]), random([1, 3]));
  });

  it('slice with steps, narrow, select', () => {
    ok((x) => nn.slice(x, [1, 0, -3], [null, 3, null], [2, 1, 2]), random([5, 4, 6]));
    ok((x) => nn.narrow(x, 1, 1, 2), random([3, 4]));
    ok((x) => nn.select(x, 0, 2), random([3, 4]));
  });

  it('concat, stack, split, chunk', () => {
    ok((a, b, c) => nn.concat([a, b, c], 1), random([2, 1, 3]), random([2, 3, 3]), random([2, 2, 3]));
    ok((a, b) => nn.stack([a, b], -1), random([2, 3]), random([2, 3]));
    ok((x) => nn.mul(nn.split(x, [1, 3], 1)[1], 2), random([2, 4]));
    ok((x) => nn.chunk(x, 2, 0)[0], random([4, 3]));
  });

  it('concat of a tensor with itself accumulates both halves', () => {
    expect(values(grad((x) => nn.mul(nn.concat([x, x]), tensor([1, 2, 3, 4])).sum())(tensor([0, 0])))).toEqual([4, 6]);
  });

  it('pad: constant (with negative pads that crop) and reflect', () => {
    ok((x) => nn.pad(x, [1, 2, 0, 1], { mode: 'constant', value: 3 }), random([2, 3, 4]));
    ok((x) => nn.pad(x, [-1, 2]), random([2, 5]));
    ok((x) => nn.pad(x, [2, 1, 1, 2], { mode: 'reflect' }), random([2, 4, 5]));
  });

  it('reflect pad adds the mirrored borders onto the copied elements', () => {
    // [a b c] padded by (2, 1) reads [c b a b c b]: a once, b three times, c twice.
    expect(values(grad((x) => nn.pad(x, [2, 1], { mode: 'reflect' }).sum())(tensor([1, 2, 3])))).toEqual([1, 3, 2]);
  });

  it('indexSelect with repeated indices, gather, scatterAdd', () => {
    ok((x) => nn.indexSelect(x, 1, tensor([2, 0, 2, 2], undefined, 'int32')), random([3, 4]));
    ok((x) => nn.gather(x, 1, tensor([[0, 0, 3], [1, 2, 1]], undefined, 'int32')), random([2, 4]));
    ok((x, s) => nn.scatterAdd(x, 0, tensor([[1, 0], [1, 1]], undefined, 'int32'), s), random([3, 2]), random([2, 2]));
  });

  it('indexAdd and sliceGrad differentiate as the linear maps they are', () => {
    ok((dy) => nn.indexAdd(dy, tensor([1, 1, 0], undefined, 'int32'), 0, 4), random([3, 2]));
    ok((dy) => nn.sliceGrad(dy, [5, 3], { begin: [1, 0], end: [5, 3], step: [2, 2] }), random([2, 2]));
  });

  it('oneHot, argmax and comparisons carry no gradient', () => {
    const x = random([2, 3]);
    const g = grad((t) => nn.add(nn.mul(t, 2), nn.cast(nn.gt(t, 0), 'float32')).sum())(x);
    expect(values(g)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(nn.oneHot(nn.argmax(x, 1), 3).requiresGrad).toBe(false);
  });
});
