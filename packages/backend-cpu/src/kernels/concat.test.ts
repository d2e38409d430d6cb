import { describe, expect, it } from 'vitest';
import { concat, stack, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

describe('Concat kernel', () => {
  it('matches the definition for random shapes, axes and input counts (short and long rows)', () => {
    const rng = makeRng(41);
    for (let trial = 0; trial < 200; trial++) {
      const rank = randInt(rng, 1, 4);
      const base = randomShape(rng, rank, 1, trial % 4 === 0 ? 40 : 5);
      const axis = randInt(rng, 0, rank - 1);
      const count = randInt(rng, 1, 4);
      const shapes = Array.from({ length: count }, () => base.map((d, i) => (i === axis ? randInt(rng, 0, 4) : d)));
      const parts = shapes.map((s) => randomValues(rng, sizeOf(s)));
      const y = concat(parts.map((v, i) => tensor(v, shapes[i])), axis);
      const outShape = [...base];
      outShape[axis] = shapes.reduce((t, s) => t + s[axis], 0);
      expect(y.shape).toEqual(outShape);
      const expected = Array.from({ length: sizeOf(outShape) }, (_, o) => {
        const index = unravel(o, outShape);
        let k = 0;
        while (index[axis] >= shapes[k][axis]) index[axis] -= shapes[k++][axis];
        return parts[k][ravel(index, shapes[k])];
      });
      expect(Array.from(y.dataSync())).toEqual(expected);
    }
  });

  it('promotes mixed dtypes and stacks along a new axis', () => {
    const y = concat([tensor([1, 2], undefined, 'int32'), tensor([0.5])]);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([1, 2, 0.5]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });
});
