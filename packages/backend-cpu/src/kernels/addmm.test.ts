import { describe, expect, it } from 'vitest';
import { add, addmm, linear, matmul, memory, tensor, tidy, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng } from './test-utils/nd_reference.js';

function randomTensor(rng: () => number, shape: number[]): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return tensor(Float32Array.from({ length: size }, () => rng() * 2 - 1), shape);
}

describe('AddMm on the cpu backend', () => {
  it('folds a row bias into the float64 sums of a narrow product over many rows (one rounding, as torch.addmm)', () => {
    tidy(() => {
      const rng = makeRng(7);
      const x = randomTensor(rng, [500, 6]);
      const w = randomTensor(rng, [8, 6]);
      const b = randomTensor(rng, [8]);
      const got = linear(x, w, b).dataSync();
      const [xv, wv, bv] = [x.dataSync(), w.dataSync(), b.dataSync()];
      for (let i = 0; i < 500; i++) {
        for (let j = 0; j < 8; j++) {
          let sum = bv[j];
          for (let p = 0; p < 6; p++) sum += xv[i * 6 + p] * wv[j * 6 + p];
          expect(got[i * 8 + j]).toBe(Math.fround(sum));
        }
      }
    });
  });

  it('elsewhere rounds exactly as matmul followed by add: wide, deep, few rows, and a full-matrix addend', () => {
    tidy(() => {
      const rng = makeRng(8);
      for (const [m, k, n, biasShape] of [[40, 70, 37, [37]], [3, 6, 8, [8]], [64, 8, 8, [64, 8]], [30, 200, 2, [2]]] as [number, number, number, number[]][]) {
        const a = randomTensor(rng, [m, k]);
        const b = randomTensor(rng, [k, n]);
        const c = randomTensor(rng, biasShape);
        expect(addmm(c, a, b).dataSync()).toEqual(add(matmul(a, b), c).dataSync());
      }
    });
  });

  it('handles empty products and leaves nothing behind', () => {
    const before = memory().numTensors;
    tidy(() => {
      expect(addmm(tensor([1, 2]), tensor([], [0, 3]), tensor(new Float32Array(6), [3, 2])).shape).toEqual([0, 2]);
      expect([...addmm(tensor([1, 2]), tensor([], [4, 0]), tensor([], [0, 2])).dataSync()]).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
      expect(linear(tensor([], [0, 6]), tensor(new Float32Array(48), [8, 6]), tensor(new Float32Array(8))).shape).toEqual([0, 8]);
    });
    expect(memory().numTensors).toBe(before);
  });
});
