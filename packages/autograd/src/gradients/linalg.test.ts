import { beforeEach, describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import * as nn from '@nn/tensor';
import type { Tensor } from '@nn/tensor';
import { gradcheck } from '../index.js';
import { random, reseed } from '../test-utils/inputs.js';

beforeEach(() => reseed());

describe('matmul gradients (gradcheck)', () => {
  const shapes: [string, number[], number[]][] = [
    ['2-D', [3, 4], [4, 5]],
    ['batched', [2, 3, 4], [2, 4, 5]],
    ['broadcast batch dims', [2, 1, 3, 4], [3, 4, 2]],
    ['matrix by batch', [3, 4], [2, 4, 5]],
    ['vector by matrix', [4], [4, 3]],
    ['matrix by vector', [3, 4], [4]],
    ['vector by vector', [4], [4]],
    ['batch by vector', [2, 3, 4], [4]],
  ];
  for (const [name, a, b] of shapes) {
    it(`matmul ${name}: [${a.join(',')}] @ [${b.join(',')}]`, () => {
      expect(gradcheck((x: Tensor, y: Tensor) => nn.matmul(x, y), [random(a), random(b)]).ok).toBe(true);
    });
  }

  it('matmul of transposed operands', () => {
    expect(gradcheck((x: Tensor, y: Tensor) => nn.matmul(nn.t(x), nn.t(y)), [random([4, 3]), random([5, 4])]).ok).toBe(true);
  });

  it('linear with and without bias', () => {
    expect(gradcheck((x: Tensor, w: Tensor, b: Tensor) => nn.linear(x, w, b), [random([2, 3, 5]), random([4, 5]), random([4])]).ok).toBe(true);
    expect(gradcheck((x: Tensor, w: Tensor) => nn.linear(x, w), [random([5]), random([4, 5])]).ok).toBe(true);
    // Many rows of a narrow output: the AddMm path that folds the bias into the sums.
    expect(gradcheck((x: Tensor, w: Tensor, b: Tensor) => nn.linear(x, w, b), [random([20, 3]), random([2, 3]), random([2])]).ok).toBe(true);
  });

  const addends: [string, number[]][] = [['a row', [5]], ['a [1, n] row', [1, 5]], ['a column', [3, 1]], ['a full matrix', [3, 5]], ['a scalar', []]];
  for (const [name, shape] of addends) {
    it(`addmm with ${name} as the addend, and with beta and alpha`, () => {
      const inputs = [random(shape), random([3, 4]), random([4, 5])];
      expect(gradcheck((c: Tensor, a: Tensor, b: Tensor) => nn.addmm(c, a, b), inputs).ok).toBe(true);
      expect(gradcheck((c: Tensor, a: Tensor, b: Tensor) => nn.addmm(c, a, b, { beta: 0.5, alpha: -1.5 }), inputs).ok).toBe(true);
    });
  }
});

describe('matmul transpose flags', () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`transposeA ${transposeA}, transposeB ${transposeB}, with broadcast batch dims`, () => {
        const a = random(transposeA ? [2, 1, 4, 3] : [2, 1, 3, 4]);
        const b = random(transposeB ? [3, 5, 4] : [3, 4, 5]);
        expect(gradcheck((x: Tensor, y: Tensor) => nn.matmul(x, y, { transposeA, transposeB }), [a, b]).ok).toBe(true);
      });
    }
  }
});
