import { describe, expect, it } from 'vitest';
import { broadcastTo, expand, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

describe('BroadcastTo kernel', () => {
  it('repeats size-1 and new leading axes on random shapes', () => {
    const rng = makeRng(21);
    for (let trial = 0; trial < 200; trial++) {
      const outShape = randomShape(rng, randInt(rng, 0, 4), trial % 8 === 0 ? 0 : 1, 5);
      const lead = randInt(rng, 0, outShape.length);
      const inShape = outShape.slice(lead).map((d) => (rng() < 0.4 ? 1 : d));
      const values = randomValues(rng, sizeOf(inShape));
      const y = broadcastTo(tensor(values, inShape), outShape);
      const expected = Array.from({ length: sizeOf(outShape) }, (_, o) => {
        const index = unravel(o, outShape).slice(lead).map((v, i) => (inShape[i] === 1 ? 0 : v));
        return values[ravel(index, inShape)];
      });
      expect(y.shape).toEqual(outShape);
      expect(Array.from(y.dataSync())).toEqual(expected);
    }
  });

  it('expand keeps -1 sizes and works on every dtype', () => {
    expect(expand(tensor([[1], [2]]), [-1, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(expand(tensor([true, false]), [2, 2]).toArray()).toEqual([[true, false], [true, false]]);
    expect(tensor(7, [], 'int32').expand(2, 2).toArray()).toEqual([[7, 7], [7, 7]]);
  });
});
