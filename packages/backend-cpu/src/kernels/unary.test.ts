import * as nn from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { firstMismatch, makeRng, mixedValues, randomInts, referenceErfc } from './test-utils/elementwise_reference.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Each op beside its textbook definition in double precision. */
const FLOAT_OPS: [string, (t: nn.Tensor) => nn.Tensor, (x: number) => number][] = [
  ['neg', nn.neg, (x) => -x],
  ['abs', nn.abs, Math.abs],
  ['exp', nn.exp, Math.exp],
  ['log', nn.log, Math.log],
  ['log1p', nn.log1p, Math.log1p],
  ['sqrt', nn.sqrt, Math.sqrt],
  ['rsqrt', nn.rsqrt, (x) => 1 / Math.sqrt(x)],
  ['square', nn.square, (x) => x * x],
  ['sin', nn.sin, Math.sin],
  ['cos', nn.cos, Math.cos],
  ['sign', nn.sign, (x) => (Number.isNaN(x) ? 0 : x > 0 ? 1 : x < 0 ? -1 : 0)],
  ['floor', nn.floor, Math.floor],
  ['ceil', nn.ceil, Math.ceil],
  ['round', nn.round, (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))],
  ['sigmoid', nn.sigmoid, sigmoid],
  ['tanh', nn.tanh, Math.tanh],
  ['relu', nn.relu, (x) => (Number.isNaN(x) ? NaN : Math.max(x, 0))],
  ['leakyRelu', (t) => nn.leakyRelu(t), (x) => (x > 0 ? x : 0.01 * x)],
  ['leakyRelu(-1.5)', (t) => nn.leakyRelu(t, { negativeSlope: -1.5 }), (x) => (x > 0 ? x : -1.5 * x)],
  ['elu', (t) => nn.elu(t), (x) => (x > 0 ? x : Math.exp(x) - 1)],
  ['elu(0.3)', (t) => nn.elu(t, { alpha: 0.3 }), (x) => (x > 0 ? x : 0.3 * (Math.exp(x) - 1))],
  ['gelu', (t) => nn.gelu(t), (x) => (x === -Infinity ? 0 : 0.5 * x * referenceErfc(-x / Math.SQRT2))],
  ['gelu tanh', (t) => nn.gelu(t, { approximate: 'tanh' }), (x) => (x === -Infinity ? 0 : 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))))],
  ['softplus', (t) => nn.softplus(t), (x) => (x > 20 ? x : Math.log1p(Math.exp(x)))],
  ['softplus(2, 5)', (t) => nn.softplus(t, { beta: 2, threshold: 5 }), (x) => (2 * x > 5 ? x : Math.log1p(Math.exp(2 * x)) / 2)],
  ['clip(-1, 2)', (t) => nn.clip(t, -1, 2), (x) => (Number.isNaN(x) ? NaN : Math.min(Math.max(x, -1), 2))],
  ['clip(max 0.5)', (t) => nn.clip(t, undefined, 0.5), (x) => (Number.isNaN(x) ? NaN : Math.min(x, 0.5))],
  ['clip(3, 1)', (t) => nn.clip(t, 3, 1), (x) => (Number.isNaN(x) ? NaN : 1)],
  ['logicalNot', nn.logicalNot, (x) => (x === 0 ? 1 : 0)],
];

describe('unary kernels against Math', () => {
  const rng = makeRng(11);
  const values = mixedValues(rng, 500);
  const x = nn.tensor(values, [4, 5, 25]);
  for (const [name, op, reference] of FLOAT_OPS) {
    it(`${name} matches its definition on float32 input`, () => {
      const y = op(x);
      expect(y.shape).toEqual([4, 5, 25]);
      const expected = Array.from(values, reference);
      // The tanh-form gelu's reference cancels in 1 + tanh for x < -4; compare absolutely there.
      expect(firstMismatch(y.dataSync(), Float32Array.from(expected), 2e-7, name === 'gelu tanh' ? 1e-9 : 1e-30)).toBeNull();
    });
  }

  it('keeps int32 for the numeric ops and matches exactly', () => {
    const ints = randomInts(makeRng(3), 60, -9, 9);
    const t = nn.tensor(ints, [3, 20]);
    const intOps: [(t: nn.Tensor) => nn.Tensor, (x: number) => number][] = [
      [nn.neg, (v) => -v],
      [nn.abs, Math.abs],
      [nn.square, (v) => v * v],
      [nn.sign, Math.sign],
      [nn.floor, (v) => v],
      [nn.ceil, (v) => v],
      [nn.round, (v) => v],
      [nn.relu, (v) => Math.max(v, 0)],
      [(u) => nn.clip(u, -2, 4), (v) => Math.min(Math.max(v, -2), 4)],
    ];
    for (const [op, reference] of intOps) {
      const y = op(t);
      expect(y.dtype).toBe('int32');
      expect(Array.from(y.dataSync())).toEqual(Array.from(Int32Array.from(ints, reference)));
    }
  });

  it('square of int32 wraps like int32 arithmetic', () => {
    expect(Array.from(nn.square(nn.tensor([46341, 65536], undefined, 'int32')).dataSync())).toEqual([-2147479015, 0]);
  });

  it('computes float ops on int32 and bool input in float32', () => {
    const y = nn.exp(nn.tensor([0, 1, 2], undefined, 'int32'));
    expect(y.dtype).toBe('float32');
    expect(firstMismatch(y.dataSync(), Float32Array.from([1, Math.E, Math.E ** 2]))).toBeNull();
    expect(nn.sigmoid(nn.tensor([true, false])).toArray()).toEqual([Math.fround(sigmoid(1)), 0.5]);
  });

  it('handles 0-d and empty tensors', () => {
    expect(nn.relu(nn.scalar(-3)).toArray()).toBe(0);
    expect(nn.gelu(nn.scalar(1)).shape).toEqual([]);
    for (const [, op] of FLOAT_OPS) expect(op(nn.zeros([2, 0, 3])).shape).toEqual([2, 0, 3]);
  });

  it('does not change its input', () => {
    const input = nn.tensor([-1, 2]);
    nn.relu(input);
    nn.neg(input);
    expect(input.toArray()).toEqual([-1, 2]);
  });
});
