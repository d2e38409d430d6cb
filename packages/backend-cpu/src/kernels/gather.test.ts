import { describe, expect, it } from 'vitest';
import { gather, gatherGrad, indexAdd, indexSelect, scatterAdd, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

describe('Gather / IndexAdd kernels (indexSelect and its gradient)', () => {
  it('select and scatter-add whole slices along random axes, with repeated indices', () => {
    const rng = makeRng(61);
    for (let trial = 0; trial < 150; trial++) {
      const rank = randInt(rng, 1, 4);
      const shape = randomShape(rng, rank, 1, 5);
      const axis = randInt(rng, 0, rank - 1);
      const idx = Array.from({ length: randInt(rng, 0, 6) }, () => randInt(rng, 0, shape[axis] - 1));
      const values = randomValues(rng, sizeOf(shape));
      const y = indexSelect(tensor(values, shape), axis, idx);
      const outShape = shape.map((d, i) => (i === axis ? idx.length : d));
      expect(y.shape).toEqual(outShape);
      const expected = Array.from({ length: sizeOf(outShape) }, (_, o) => values[ravel(unravel(o, outShape).map((v, i) => (i === axis ? idx[v] : v)), shape)]);
      expect(Array.from(y.dataSync())).toEqual(expected);

      const dy = randomValues(rng, sizeOf(outShape));
      const dx = indexAdd(tensor(dy, outShape), tensor(idx, undefined, 'int32'), axis, shape[axis]).dataSync();
      const want = new Float64Array(sizeOf(shape));
      for (let o = 0; o < dy.length; o++) want[ravel(unravel(o, outShape).map((v, i) => (i === axis ? idx[v] : v)), shape)] += dy[o];
      expect(Array.from(dx).map((v, i) => Math.abs(v - want[i]) < 1e-5)).not.toContain(false);
    }
  });
});

describe('GatherElements / ScatterAdd kernels (torch.gather and its gradient)', () => {
  it('read one element per index, with index smaller than x in other dimensions', () => {
    const rng = makeRng(62);
    for (let trial = 0; trial < 150; trial++) {
      const rank = randInt(rng, 1, 4);
      const shape = randomShape(rng, rank, 1, 5);
      const axis = randInt(rng, 0, rank - 1);
      const indexShape = shape.map((d, i) => (i === axis ? randInt(rng, 0, 6) : randInt(rng, 0, d)));
      const index = Array.from({ length: sizeOf(indexShape) }, () => randInt(rng, 0, shape[axis] - 1));
      const values = randomValues(rng, sizeOf(shape));
      const idx = tensor(index, indexShape, 'int32');
      const y = gather(tensor(values, shape), axis, idx);
      expect(y.shape).toEqual(indexShape);
      const target = (p: number) => ravel(unravel(p, indexShape).map((v, i) => (i === axis ? index[p] : v)), shape);
      expect(Array.from(y.dataSync())).toEqual(index.map((_, p) => values[target(p)]));

      const dy = randomValues(rng, index.length);
      const dx = gatherGrad(tensor(dy, indexShape), axis, idx, shape).dataSync();
      const want = new Float64Array(sizeOf(shape));
      index.forEach((_, p) => (want[target(p)] += dy[p]));
      expect(Array.from(dx).map((v, i) => Math.abs(v - want[i]) < 1e-5)).not.toContain(false);
    }
  });

  it('scatterAdd adds into x as torch.scatter_add, reading only the part of src index covers', () => {
    const x = tensor([[1, 1, 1], [1, 1, 1]]);
    const y = scatterAdd(x, 1, tensor([[0, 0], [2, 1]], undefined, 'int32'), tensor([[1, 2, 100], [3, 4, 100]]));
    expect(y.toArray()).toEqual([[4, 1, 1], [1, 5, 4]]);
    expect(gather(tensor(5), 0, tensor(0, [], 'int32')).item()).toBe(5);
  });
});
