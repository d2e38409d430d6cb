import { beforeEach, describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import * as nn from '@nn/tensor';
import { tensor, type Tensor } from '@nn/tensor';
import { grad, gradcheck } from '../index.js';
import { random, reseed } from '../test-utils/inputs.js';

beforeEach(() => reseed());

const shape = [3, 4, 5];

describe('unary gradients (gradcheck)', () => {
  const cases: [string, (x: Tensor) => Tensor, Parameters<typeof random>[1]?][] = [
    ['neg', nn.neg],
    ['abs', nn.abs, { avoid: [0] }],
    ['exp', nn.exp],
    ['log', nn.log, { min: 0.2, max: 3 }],
    ['log1p', nn.log1p, { min: -0.8, max: 3 }],
    ['sqrt', nn.sqrt, { min: 0.2, max: 3 }],
    ['rsqrt', nn.rsqrt, { min: 0.3, max: 3 }],
    ['square', nn.square],
    ['sin', nn.sin],
    ['cos', nn.cos],
    ['sigmoid', nn.sigmoid],
    ['tanh', nn.tanh],
    ['relu', nn.relu, { avoid: [0] }],
    ['leakyRelu 0.1', (x) => nn.leakyRelu(x, { negativeSlope: 0.1 }), { avoid: [0] }],
    ['elu 1.5', (x) => nn.elu(x, { alpha: 1.5 }), { avoid: [0] }],
    ['gelu', (x) => nn.gelu(x), { min: -4, max: 4, avoid: [0] }],
    ['gelu at 0 neighbourhood', (x) => nn.gelu(x), { min: -0.01, max: 0.01, avoid: [0], margin: 0.002 }],
    ['gelu tanh', (x) => nn.gelu(x, { approximate: 'tanh' }), { min: -4, max: 4 }],
    ['softplus beta 2 threshold 3', (x) => nn.softplus(x, { beta: 2, threshold: 3 }), { min: -3, max: 3, avoid: [1.5] }],
    ['clip', (x) => nn.clip(x, -0.5, 1), { avoid: [-0.5, 1] }],
    ['clip min only', (x) => nn.clip(x, -0.5), { avoid: [-0.5] }],
    ['sign (zero)', nn.sign, { avoid: [0] }],
    ['floor (zero)', nn.floor, { avoid: [-2, -1, 0, 1, 2] }],
    ['ceil (zero)', nn.ceil, { avoid: [-2, -1, 0, 1, 2] }],
    ['round (zero)', nn.round, { avoid: [-1.5, -0.5, 0.5, 1.5] }],
    ['cast float32', (x) => nn.cast(nn.mul(x, 2), 'float32')],
  ];
  for (const [name, fn, range] of cases) {
    it(name, () => {
      expect(gradcheck(fn, [random(shape, range)]).ok).toBe(true);
    });
  }

  it('relu passes no gradient at exactly 0 (PyTorch)', () => {
    expect(Array.from(grad((x) => nn.relu(x).sum())(tensor([-1, 0, 2])).dataSync())).toEqual([0, 0, 1]);
  });

  it("relu's gradient kernel (ReluGrad) is itself differentiable: linear in dy, flat in y", () => {
    const y = nn.relu(random(shape, { avoid: [0] }));
    expect(gradcheck((dy) => nn.reluGrad(dy, y), [random(shape)]).ok).toBe(true);
    const [dDy, dY] = grad((dy: Tensor, out: Tensor) => nn.reluGrad(dy, out).sum(), [0, 1])(random(shape), y);
    expect(Array.from(dDy.dataSync())).toEqual(Array.from(y.dataSync(), (v) => (v > 0 ? 1 : 0)));
    expect(Array.from(dY.dataSync()).every((v) => v === 0)).toBe(true);
  });

  it('clip passes the gradient at its bounds (torch.clamp)', () => {
    expect(Array.from(grad((x) => nn.clip(x, 0, 1).sum())(tensor([-1, 0, 0.5, 1, 2])).dataSync())).toEqual([0, 1, 1, 1, 0]);
  });

  it('abs has zero gradient at 0', () => {
    expect(Array.from(grad((x) => nn.abs(x).sum())(tensor([-2, 0, 3])).dataSync())).toEqual([-1, 0, 1]);
  });

  it('gelu derivative is 1/2 at 0', () => {
    expect(grad((x) => nn.gelu(x).sum())(tensor([0])).item()).toBeCloseTo(0.5, 6);
  });
});

describe('binary gradients (gradcheck, with broadcasting)', () => {
  const shapes: [number[], number[]][] = [
    [[3, 4, 5], [3, 4, 5]],
    [[3, 4, 5], [5]],
    [[3, 1, 5], [4, 1]],
    [[1], [2, 3]],
    [[], [2, 3]],
  ];
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, Parameters<typeof random>[1]?, Parameters<typeof random>[1]?][] = [
    ['add', nn.add],
    ['sub', nn.sub],
    ['mul', nn.mul],
    ['div', nn.div, undefined, { avoid: [0], margin: 0.3 }],
    ['pow', nn.pow, { min: 0.3, max: 2 }, { min: -2, max: 2 }],
    ['maximum', nn.maximum],
    ['minimum', nn.minimum],
  ];
  for (const [name, fn, rangeA, rangeB] of ops) {
    for (const [sa, sb] of shapes) {
      it(`${name} [${sa.join(',')}] with [${sb.join(',')}]`, () => {
        expect(gradcheck(fn, [random(sa, rangeA), random(sb, rangeB)]).ok).toBe(true);
      });
    }
  }

  it('where, with a broadcast condition', () => {
    const condition = nn.gt(random([4, 1]), 0);
    expect(gradcheck((a, b) => nn.where(condition, a, b), [random([3, 4, 5]), random([5])]).ok).toBe(true);
  });

  it('maximum and minimum split the gradient evenly at ties', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([1, 5, 0]);
    const [da, db] = grad((x, y) => nn.maximum(x, y).sum(), [0, 1])(a, b);
    expect(Array.from(da.dataSync())).toEqual([0.5, 0, 1]);
    expect(Array.from(db.dataSync())).toEqual([0.5, 1, 0]);
    const [ma, mb] = grad((x, y) => nn.minimum(x, y).sum(), [0, 1])(a, b);
    expect(Array.from(ma.dataSync())).toEqual([0.5, 1, 0]);
    expect(Array.from(mb.dataSync())).toEqual([0.5, 0, 1]);
  });

  it('pow: 0^0 gives no NaN; the exponent gradient at base 0 is 0 (PyTorch)', () => {
    const [dx, de] = grad((x, e) => nn.pow(x, e).sum(), [0, 1])(tensor([0, 0, 2]), tensor([0, 2, 3]));
    expect(Array.from(dx.dataSync())).toEqual([0, 0, 12]);
    const expected = [0, 0, 8 * Math.log(2)];
    Array.from(de.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('pow with a scalar exponent differentiates the base only', () => {
    expect(gradcheck((x) => nn.pow(x, 2.5), [random(shape, { min: 0.2, max: 2 })]).ok).toBe(true);
    expect(gradcheck((x) => nn.pow(x, -0.5), [random(shape, { min: 0.2, max: 2 })]).ok).toBe(true);
  });
});
