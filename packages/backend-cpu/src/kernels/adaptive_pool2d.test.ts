import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveAvgPool2dGrad, adaptiveMaxPool2d, manualSeed, randn, tensor } from '@nn/tensor';
import '@nn/backend-cpu';

/** Naive adaptive pool with PyTorch's windows [floor(i*In/Out), ceil((i+1)*In/Out)). */
function naiveAdaptive(x: Float32Array, shape: number[], oh: number, ow: number) {
  const [n, c, h, w] = shape;
  const avg: number[] = [];
  const max: number[] = [];
  const argmax: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const [y0, y1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)];
        const [z0, z1] = [Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)];
        let sum = 0;
        let best = -Infinity;
        let at = -1;
        for (let y = y0; y < y1; y++) {
          for (let z = z0; z < z1; z++) {
            const v = x[p * h * w + y * w + z];
            sum += v;
            if (at < 0 || v > best) [best, at] = [v, y * w + z];
          }
        }
        avg.push(sum / ((y1 - y0) * (z1 - z0)));
        max.push(best);
        argmax.push(at);
      }
    }
  }
  return { avg, max, argmax };
}

const cases: [number[], [number, number]][] = [
  [[2, 3, 5, 5], [1, 1]],
  [[2, 3, 7, 9], [3, 4]],
  [[1, 2, 10, 6], [4, 6]],
  [[1, 1, 4, 4], [7, 5]],
  [[2, 1, 13, 11], [5, 3]],
];

describe('AdaptiveAvgPool2D and AdaptiveMaxPool2D kernels', () => {
  for (const [shape, [oh, ow]] of cases) {
    it(`match a naive loop: ${JSON.stringify(shape)} -> ${oh}x${ow}`, () => {
      manualSeed(2);
      const x = randn(shape);
      const expected = naiveAdaptive(x.dataSync() as Float32Array, shape, oh, ow);
      const avg = adaptiveAvgPool2d(x, [oh, ow]);
      expect(avg.shape).toEqual([shape[0], shape[1], oh, ow]);
      const got = avg.dataSync();
      expected.avg.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      const { values, indices } = adaptiveMaxPool2d(x, [oh, ow], { returnIndices: true });
      expect(Array.from(values.dataSync())).toEqual(expected.max.map(Math.fround));
      expect(Array.from(indices.dataSync())).toEqual(expected.argmax);
    });

    it(`AdaptiveAvgPool2DGrad is the adjoint: ${JSON.stringify(shape)} -> ${oh}x${ow}`, () => {
      manualSeed(4);
      const x = randn(shape);
      const y = adaptiveAvgPool2d(x, [oh, ow]);
      const dy = randn(y.shape);
      const dx = adaptiveAvgPool2dGrad(dy, x.shape);
      expect(dx.shape).toEqual(x.shape);
      expect(dot(dx.dataSync(), x.dataSync())).toBeCloseTo(dot(dy.dataSync(), y.dataSync()), 4);
    });
  }

  it('uses overlapping windows of different sizes (5 -> 3: [0,2), [1,4), [3,5))', () => {
    const x = tensor([[[[1, 2, 3, 4, 5]]]]);
    expect(adaptiveAvgPool2d(x, [1, 3]).toArray()).toEqual([[[[1.5, 3, 4.5]]]]);
    expect(adaptiveMaxPool2d(x, [1, 3]).toArray()).toEqual([[[[2, 4, 5]]]]);
  });
});

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
