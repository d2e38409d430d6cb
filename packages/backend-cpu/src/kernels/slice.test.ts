import { describe, expect, it } from 'vitest';
import { engine, slice, sliceGrad, tensor, type SliceAttrs } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt, randomShape, randomValues, ravel, sizeOf, unravel } from './test-utils/nd_reference.js';

/** Python's slice semantics for one axis with step > 0: the positions begin, begin+step, ... < end. */
function positions(size: number, begin: number, end: number, step: number): number[] {
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const out: number[] = [];
  for (let i = clamp(begin); i < clamp(end); i += step) out.push(i);
  return out;
}

describe('Slice / SliceGrad kernels', () => {
  it('match Python slicing on random shapes, negative and out-of-range bounds, steps', () => {
    const rng = makeRng(31);
    for (let trial = 0; trial < 300; trial++) {
      const rank = randInt(rng, 0, 4);
      const shape = randomShape(rng, rank, trial % 6 === 0 ? 0 : 1, 7);
      const begin = shape.map((d) => randInt(rng, -d - 2, d + 2));
      const end = shape.map((d) => randInt(rng, -d - 2, d + 2));
      const step = shape.map(() => randInt(rng, 1, 3));
      const values = randomValues(rng, sizeOf(shape));
      const x = tensor(values, shape);
      // Keep the resolved attrs the Slice kernel ran with, as autograd will.
      let attrs: SliceAttrs | undefined;
      const stop = engine().onKernelRun((run) => {
        if (run.kernelName === 'Slice') attrs = run.attrs as unknown as SliceAttrs;
      });
      const y = slice(x, begin, end, step);
      stop();
      const picks = shape.map((d, i) => positions(d, begin[i], end[i], step[i]));
      const outShape = picks.map((p) => p.length);
      expect(y.shape).toEqual(outShape);
      const expected = Array.from({ length: sizeOf(outShape) }, (_, o) => values[ravel(unravel(o, outShape).map((v, i) => picks[i][v]), shape)]);
      expect(Array.from(y.dataSync())).toEqual(expected);

      // SliceGrad puts dy back at exactly those positions, zeros elsewhere.
      const dy = tensor(randomValues(rng, sizeOf(outShape)), outShape);
      const dx = sliceGrad(dy, shape, attrs!).dataSync();
      const dyv = dy.dataSync();
      const want = new Float32Array(sizeOf(shape));
      for (let o = 0; o < dyv.length; o++) want[ravel(unravel(o, outShape).map((v, i) => picks[i][v]), shape)] = dyv[o];
      expect(Array.from(dx)).toEqual(Array.from(want));
    }
  });

  it('shares the buffer for a whole-tensor slice and keeps dtypes', () => {
    const x = tensor([[1, 2], [3, 4]], undefined, 'int32');
    const y = slice(x, [0, 0]);
    expect(y.dataId).toBe(x.dataId);
    expect(slice(x, [1], [2]).toArray()).toEqual([[3, 4]]);
    expect(slice(tensor([true, false, true]), [0], [null], [2]).toArray()).toEqual([true, true]);
  });
});
