import { describe, expect, it } from 'vitest';
import { max, min, prod, sum, tensor, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { expectClose, makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

type Op = 'sum' | 'prod' | 'max' | 'min';
const ops: Record<Op, (x: Tensor, axes: number[], keepDim: boolean) => Tensor> = {
  sum: (x, axes, keepDim) => sum(x, axes, { keepDim }),
  prod: (x, axes, keepDim) => prod(x, axes, { keepDim }),
  max: (x, axes, keepDim) => max(x, axes, { keepDim }),
  min: (x, axes, keepDim) => min(x, axes, { keepDim }),
};

/** The definition: every input element folded into the output at its index with reduced axes dropped. */
function reference(op: Op, values: ArrayLike<number>, shape: number[], axes: number[], keepDim: boolean): { shape: number[]; values: number[] } {
  const outShape = shape.flatMap((d, i) => (axes.includes(i) ? (keepDim ? [1] : []) : [d]));
  const keptShape = shape.filter((_, i) => !axes.includes(i));
  const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[op];
  const out = new Array<number>(sizeOf(keptShape)).fill(init);
  for (let flat = 0; flat < values.length; flat++) {
    const index = unravel(flat, shape).filter((_, i) => !axes.includes(i));
    const o = ravel(index, keptShape);
    const v = values[flat];
    if (op === 'sum') out[o] += v;
    else if (op === 'prod') out[o] *= v;
    // A NaN, once in, stays.
    else if (!Number.isNaN(out[o]) && (Number.isNaN(v) || (op === 'max' ? v > out[o] : v < out[o]))) out[o] = v;
  }
  return { shape: outShape, values: out };
}

function randomAxes(rng: () => number, rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter(() => rng() < 0.5);
}

describe('reduce kernels', () => {
  it('match the definition on random shapes, axis sets and keepDim', () => {
    const rng = makeRng(1);
    for (let trial = 0; trial < 300; trial++) {
      const rank = randInt(rng, 0, 4);
      // Some inner sizes >= 8 so that the row-combining path runs too; some empty axes for sum/prod.
      const shape = randomShape(rng, rank, trial % 5 === 0 ? 0 : 1, trial % 3 === 0 ? 12 : 5);
      const axes = randomAxes(rng, rank);
      const keepDim = rng() < 0.5;
      const values = randomValues(rng, sizeOf(shape), 1.5);
      const x = tensor(values, shape);
      for (const op of Object.keys(ops) as Op[]) {
        if ((op === 'max' || op === 'min') && axes.some((a) => shape[a] === 0)) continue;
        const expected = reference(op, values, shape, axes, keepDim);
        const y = ops[op](x, axes, keepDim);
        expect(y.shape, `${op} ${JSON.stringify({ shape, axes, keepDim })}`).toEqual(expected.shape);
        expectClose(y.dataSync(), expected.values, 1e-5, 1e-5);
      }
    }
  });

  it('reduce over all axes when no axis is given, and over non-adjacent axes', () => {
    const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(sum(x).item()).toBe(36);
    expect(prod(x).item()).toBe(40320);
    expect(sum(x, [0, 2]).toArray()).toEqual([14, 22]);
    expect(max(x, [0, 2], { keepDim: true }).toArray()).toEqual([[[6], [8]]]);
    expect(min(x, -1).toArray()).toEqual([[1, 3], [5, 7]]);
  });

  it('is fast-path independent: long last axis and long middle axis agree with the reference', () => {
    const rng = makeRng(7);
    for (const shape of [[3, 1000], [2, 300, 40], [1, 5, 4096], [4097]]) {
      const values = randomValues(rng, sizeOf(shape));
      for (const axes of [[shape.length - 1], [Math.max(0, shape.length - 2)]]) {
        for (const op of ['sum', 'max', 'min'] as Op[]) {
          expectClose(ops[op](tensor(values, shape), axes, false).dataSync(), reference(op, values, shape, axes, false).values, 1e-5, 1e-4);
        }
      }
    }
  });

  it('propagate NaN in max and min, as PyTorch', () => {
    const x = tensor([[1, NaN, 3], [4, 5, 6]]);
    expect(max(x, 1).dataSync()[0]).toBeNaN();
    expect(min(x, 1).dataSync()[0]).toBeNaN();
    expect(Array.from(max(x, 0).dataSync())).toEqual([4, NaN, 6]);
    const wide = tensor(Array.from({ length: 20 }, (_, i) => (i === 13 ? NaN : i)), [1, 20]);
    expect(Array.from(max(wide, 0).dataSync())[13]).toBeNaN();
  });

  it('keep int32 and bool dtypes for max/min; sum and prod of bool count in int32', () => {
    const i = tensor([[3, -7], [2, 9]], undefined, 'int32');
    expect(max(i, 1).dtype).toBe('int32');
    expect(max(i, 1).toArray()).toEqual([3, 9]);
    expect(prod(i).toArray()).toEqual(-378);
    const b = tensor([[true, false], [false, false]]);
    expect(max(b, 1).dtype).toBe('bool');
    expect(max(b, 1).toArray()).toEqual([true, false]);
    expect(sum(b).dtype).toBe('int32');
    expect(sum(b).item()).toBe(1);
  });

  it('give the identity over empty axes and an empty result from empty kept axes', () => {
    expect(sum(tensor([], [2, 0]), 1).toArray()).toEqual([0, 0]);
    expect(prod(tensor([], [2, 0]), 1).toArray()).toEqual([1, 1]);
    expect(sum(tensor([], [0, 3]), 1).shape).toEqual([0]);
    expect(max(tensor([], [0, 3]), 1).shape).toEqual([0]);
    expect(sum(tensor(5)).item()).toBe(5);
  });
});
