import { describe, expect, it } from 'vitest';
import { memory, permute, tensor, transpose } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomPerm, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

/** out[i0..] = x[i at perm^-1]: output axis k walks input axis perm[k]. */
function reference(values: ArrayLike<number>, shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p]);
  const out: number[] = [];
  for (let o = 0; o < sizeOf(outShape); o++) {
    const index = unravel(o, outShape);
    const src = new Array<number>(shape.length);
    perm.forEach((p, k) => (src[p] = index[k]));
    out.push(values[ravel(src, shape)]);
  }
  return out;
}

describe('Transpose kernel', () => {
  it('matches the definition for random permutations of random shapes (rank 0..5, empty axes)', () => {
    const rng = makeRng(11);
    for (let trial = 0; trial < 300; trial++) {
      const rank = randInt(rng, 0, 5);
      const shape = randomShape(rng, rank, trial % 6 === 0 ? 0 : 1, 6);
      const perm = randomPerm(rng, rank);
      const values = randomValues(rng, sizeOf(shape));
      const y = permute(tensor(values, shape), perm);
      expect(y.shape).toEqual(perm.map((p) => shape[p]));
      expect(Array.from(y.dataSync())).toEqual(reference(values, shape, perm));
    }
  });

  it('tiles large 2-D and batched transposes correctly (sizes not multiples of the tile)', () => {
    const rng = makeRng(12);
    for (const [shape, perm] of [
      [[67, 130], [1, 0]],
      [[3, 45, 70], [0, 2, 1]],
      [[2, 33, 5, 40], [0, 2, 3, 1]],
      [[40, 3, 70], [2, 1, 0]],
    ] as [number[], number[]][]) {
      const values = randomValues(rng, sizeOf(shape));
      expect(Array.from(permute(tensor(values, shape), perm).dataSync())).toEqual(reference(values, shape, perm));
    }
  });

  it('keeps int32 and bool values and shares the buffer when only size-1 axes move', () => {
    const i = tensor([[1, 2, 3]], undefined, 'int32');
    expect(transpose(i, 0, 1).toArray()).toEqual([[1], [2], [3]]);
    expect(transpose(i, 0, 1).dtype).toBe('int32');
    expect(transpose(tensor([[true, false]]), 0, 1).toArray()).toEqual([[true], [false]]);
    const x = tensor(randomValues(makeRng(1), 12), [3, 1, 4]);
    const before = memory().numDataIds;
    const y = permute(x, [1, 0, 2]);
    expect(memory().numDataIds).toBe(before);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
  });
});
