import { describe, expect, it } from 'vitest';
import { logSoftmax, softmax, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { expectClose, makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

/** log-softmax in float64 along `axis`, straight from the definition. */
function referenceLogSoftmax(values: ArrayLike<number>, shape: number[], axis: number): number[] {
  const out: number[] = [];
  for (let flat = 0; flat < values.length; flat++) {
    const index = unravel(flat, shape);
    let m = -Infinity;
    for (let r = 0; r < shape[axis]; r++) m = Math.max(m, values[ravel(index.map((v, i) => (i === axis ? r : v)), shape)]);
    let s = 0;
    for (let r = 0; r < shape[axis]; r++) s += Math.exp(values[ravel(index.map((v, i) => (i === axis ? r : v)), shape)] - m);
    out.push(values[flat] - m - Math.log(s));
  }
  return out;
}

describe('Softmax / LogSoftmax kernels', () => {
  it('match the definition on random shapes and axes', () => {
    const rng = makeRng(5);
    for (let trial = 0; trial < 150; trial++) {
      const rank = randInt(rng, 1, 4);
      const shape = randomShape(rng, rank, trial % 7 === 0 ? 0 : 1, trial % 3 === 0 ? 11 : 5);
      const axis = randInt(rng, -rank, rank - 1);
      const values = randomValues(rng, sizeOf(shape), 5);
      const x = tensor(values, shape);
      const expected = referenceLogSoftmax(values, shape, axis < 0 ? axis + rank : axis);
      expectClose(logSoftmax(x, axis).dataSync(), expected, 1e-5, 1e-5);
      expectClose(softmax(x, axis).dataSync(), expected.map(Math.exp), 1e-5, 1e-6);
    }
  });

  it('do not overflow on large inputs', () => {
    const x = tensor([[1000, 1001, 1002], [-1000, -1000, -1000]]);
    expectClose(softmax(x).dataSync(), [0.09003057, 0.24472847, 0.66524096, 1 / 3, 1 / 3, 1 / 3]);
    expectClose(logSoftmax(x).dataSync(), [-2.40760596, -1.40760596, -0.40760596, -Math.log(3), -Math.log(3), -Math.log(3)]);
    expectClose(softmax(x, 0).dataSync(), [1, 1, 1, 0, 0, 0]);
  });

  it('sum to one along the axis, with integer input promoted to float32', () => {
    const y = softmax(tensor([[1, 2], [3, 4], [5, 6]], undefined, 'int32'), 0);
    expect(y.dtype).toBe('float32');
    expectClose(y.sum(0).dataSync(), [1, 1]);
    expect(softmax(tensor(3)).item()).toBe(1);
    expect(logSoftmax(tensor(3)).item()).toBe(0);
  });

  it('turn a NaN into a NaN row, as PyTorch', () => {
    const y = softmax(tensor([[1, NaN], [1, 2]]), 1).dataSync();
    expect(Number.isNaN(y[0]) && Number.isNaN(y[1])).toBe(true);
    expect(Number.isNaN(y[2])).toBe(false);
  });
});
