import { beforeEach, describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import * as nn from '@nn/tensor';
import { tensor, type Tensor } from '@nn/tensor';
import { grad, gradcheck, requiresGrad } from '../index.js';
import { distinct, random, reseed } from '../test-utils/inputs.js';

beforeEach(() => reseed());

const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('reduction gradients (gradcheck)', () => {
  const axesCases: [string, nn.Axes | undefined, boolean][] = [
    ['all', undefined, false],
    ['axis 1', 1, false],
    ['axis -1 keepDim', -1, true],
    ['axes [0, 2]', [0, 2], false],
    ['axes [0, 2] keepDim', [0, 2], true],
  ];
  const reductions: [string, (x: Tensor, axis: nn.Axes | undefined, options: nn.ReduceOptions) => Tensor, boolean][] = [
    ['sum', nn.sum, false],
    ['mean', nn.mean, false],
    ['prod', nn.prod, false],
    ['max', nn.max, true],
    ['min', nn.min, true],
    ['logsumexp', nn.logsumexp, false],
    ['variance', nn.variance, false],
    ['std', nn.std, false],
  ];
  for (const [name, fn, needsDistinct] of reductions) {
    for (const [label, axis, keepDim] of axesCases) {
      it(`${name} over ${label}`, () => {
        const x = needsDistinct ? distinct([3, 4, 5]) : random([3, 4, 5], { min: 0.5, max: 1.5 });
        expect(gradcheck((t) => fn(t, axis, { keepDim }), [x]).ok).toBe(true);
      });
    }
  }

  for (const axis of [0, 1, -1]) {
    it(`softmax and logSoftmax over axis ${axis}`, () => {
      expect(gradcheck((t) => nn.softmax(t, axis), [random([3, 4, 5])]).ok).toBe(true);
      expect(gradcheck((t) => nn.logSoftmax(t, axis), [random([3, 4, 5])]).ok).toBe(true);
    });
  }

  it('maxWithIndices and minWithIndices values', () => {
    expect(gradcheck((t) => nn.maxWithIndices(t, 1).values, [distinct([3, 4, 5])]).ok).toBe(true);
    expect(gradcheck((t) => nn.minWithIndices(t, -1, { keepDim: true }).values, [distinct([3, 4, 5])]).ok).toBe(true);
  });
});

describe('reduction gradients (exact rules)', () => {
  it('prod with zeros: one zero gets the product of the rest, two zeros give 0', () => {
    const g = grad((x) => nn.prod(x, 1).sum())(tensor([[2, 3, 4], [2, 0, 4], [0, 5, 0]]));
    expect(values(g)).toEqual([12, 8, 6, 0, 8, 0, 0, 0, 0]);
  });

  it('max/min over all or several axes share the gradient evenly among ties (torch.max(x), amax)', () => {
    expect(values(grad((x) => nn.max(x))(tensor([1, 3, 3, 2])))).toEqual([0, 0.5, 0.5, 0]);
    expect(values(grad((x) => nn.min(x, 1).sum())(tensor([[1, 1, 1], [0, 2, 3]])))).toEqual([1, 1, 1].map(() => Math.fround(1 / 3)).concat([1, 0, 0]));
  });

  it('maxWithIndices sends the gradient to the returned index (torch.max(x, dim))', () => {
    const x = requiresGrad(tensor([[3, 1, 3], [0, 2, 2]]));
    const { values: v, indices } = nn.maxWithIndices(x, 1);
    expect(values(indices)).toEqual([0, 1]);
    v.sum().backward();
    expect(values(x.grad!)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('softmax rows: gradient of a constant seed is zero', () => {
    const g = grad((x) => nn.softmax(x, -1).sum())(random([2, 6]));
    values(g).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6));
  });
});
