import { describe, expect, it } from 'vitest';
import { pad, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

/** Input position for output position o of an axis padded by `before`, or -1 for the constant. */
function source(o: number, size: number, before: number, reflect: boolean): number {
  const i = o - before;
  if (i >= 0 && i < size) return i;
  if (!reflect) return -1;
  return i < 0 ? -i : 2 * (size - 1) - i;
}

describe('Pad kernel', () => {
  it('matches the definition for constant (with cropping) and reflect padding', () => {
    const rng = makeRng(51);
    for (let trial = 0; trial < 300; trial++) {
      const rank = randInt(rng, 1, 4);
      const shape = randomShape(rng, rank, 1, 6);
      const reflect = trial % 2 === 1;
      const padded = randInt(rng, 1, rank);
      const pads: number[] = [];
      for (let k = 0; k < padded; k++) {
        const size = shape[rank - 1 - k];
        for (let side = 0; side < 2; side++) pads.push(reflect ? randInt(rng, 0, size - 1) : randInt(rng, -Math.floor(size / 2), 3));
      }
      const value = reflect ? 0 : randInt(rng, -2, 2);
      const values = randomValues(rng, sizeOf(shape));
      const y = pad(tensor(values, shape), pads, { mode: reflect ? 'reflect' : 'constant', value });
      const before = shape.map((_, i) => (rank - 1 - i < padded ? pads[2 * (rank - 1 - i)] : 0));
      const after = shape.map((_, i) => (rank - 1 - i < padded ? pads[2 * (rank - 1 - i) + 1] : 0));
      const outShape = shape.map((d, i) => d + before[i] + after[i]);
      expect(y.shape).toEqual(outShape);
      const expected = Array.from({ length: sizeOf(outShape) }, (_, o) => {
        const src = unravel(o, outShape).map((v, i) => source(v, shape[i], before[i], reflect));
        return src.some((i) => i < 0) ? value : values[ravel(src, shape)];
      });
      expect(Array.from(y.dataSync())).toEqual(expected);
    }
  });

  it('pads the last dimension first, as F.pad', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(pad(x, [1, 0]).toArray()).toEqual([[0, 1, 2, 3], [0, 4, 5, 6]]);
    expect(pad(x, [0, 0, 1, 0], { mode: 'constant', value: 9 }).toArray()).toEqual([[9, 9, 9], [1, 2, 3], [4, 5, 6]]);
    expect(pad(x, [2, 2], { mode: 'reflect' }).toArray()).toEqual([[3, 2, 1, 2, 3, 2, 1], [6, 5, 4, 5, 6, 5, 4]]);
    expect(pad(x, [-1, -1]).toArray()).toEqual([[2], [5]]);
    expect(pad(tensor([1, 2], undefined, 'int32'), [1, 1], { mode: 'constant', value: 7 }).toArray()).toEqual([7, 1, 2, 7]);
    expect(pad(tensor([true], undefined, 'bool'), [1, 0], { mode: 'constant', value: 1 }).toArray()).toEqual([true, true]);
  });
});
