import { describe, expect, it } from 'vitest';
import { argmax, argmin, maxWithIndices, minWithIndices, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomShape, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

/** First index of the extreme along `axis`; the first NaN wins, as torch.argmax. */
function reference(values: ArrayLike<number>, shape: number[], axis: number, sign: 1 | -1): number[] {
  const outShape = shape.filter((_, i) => i !== axis);
  const out: number[] = [];
  for (let o = 0; o < sizeOf(outShape); o++) {
    const index = unravel(o, outShape);
    let best = NaN;
    let at = -1;
    for (let r = 0; r < shape[axis]; r++) {
      const full = [...index.slice(0, axis), r, ...index.slice(axis)];
      const v = sign * values[ravel(full, shape)];
      if (at < 0 || (!Number.isNaN(best) && (Number.isNaN(v) || v > best))) {
        best = v;
        at = r;
      }
    }
    out.push(at);
  }
  return out;
}

describe('ArgMax / ArgMin kernels', () => {
  it('match the first-occurrence definition on random shapes with many ties', () => {
    const rng = makeRng(3);
    for (let trial = 0; trial < 200; trial++) {
      const rank = randInt(rng, 1, 4);
      const shape = randomShape(rng, rank, 1, trial % 4 === 0 ? 12 : 5);
      // Few distinct values, so ties are everywhere; now and then a NaN.
      const values = Array.from({ length: sizeOf(shape) }, () => (rng() < 0.03 ? NaN : randInt(rng, -2, 2)));
      const axis = randInt(rng, 0, rank - 1);
      const x = tensor(values, shape);
      expect(Array.from(argmax(x, axis).dataSync())).toEqual(reference(values, shape, axis, 1));
      expect(Array.from(argmin(x, axis).dataSync())).toEqual(reference(values, shape, axis, -1));
    }
  });

  it('return int32 indices, flat when no axis is given, with keepDim shapes', () => {
    const x = tensor([[1, 9, 3], [9, 2, 0]]);
    const flat = argmax(x);
    expect(flat.dtype).toBe('int32');
    expect(flat.shape).toEqual([]);
    expect(flat.item()).toBe(1);
    expect(argmin(x).item()).toBe(5);
    expect(argmax(x, undefined, { keepDim: true }).shape).toEqual([1, 1]);
    expect(argmax(x, 0, { keepDim: true }).toArray()).toEqual([[1, 0, 0]]);
    expect(argmin(x, -1).toArray()).toEqual([0, 2]);
    expect(argmax(tensor(4), 0).item()).toBe(0);
    expect(argmax(tensor([], [0, 3]), 1).shape).toEqual([0]);
  });

  it('give torch.max(x, dim) values and indices together', () => {
    const x = tensor([[1, 5, 5], [7, 2, 7]]);
    const { values, indices } = maxWithIndices(x, 1);
    expect(values.toArray()).toEqual([5, 7]);
    expect(indices.toArray()).toEqual([1, 0]);
    const low = minWithIndices(x, 0, { keepDim: true });
    expect(low.values.toArray()).toEqual([[1, 2, 5]]);
    expect(low.indices.toArray()).toEqual([[0, 1, 0]]);
  });
});
