import { describe, expect, it } from 'vitest';
import { fitGaussian, frechetDistance, sqrtSymmetric, symmetricEigen, type Gaussian } from './fid.js';

const gaussian = (mean: number[], cov: number[][]): Gaussian => ({ mean: Float64Array.from(mean), covariance: { n: mean.length, data: Float64Array.from(cov.flat()) } });

describe('Fréchet distance', () => {
  it('is 0 between identical Gaussians', () => {
    const g = gaussian([1, -2, 0.5], [[2, 0.3, 0.1], [0.3, 1, -0.2], [0.1, -0.2, 0.5]]);
    expect(frechetDistance(g, g)).toBeCloseTo(0, 9);
  });

  it('in 1-D is (μ₁ − μ₂)² + (σ₁ − σ₂)²', () => {
    expect(frechetDistance(gaussian([1], [[4]]), gaussian([3], [[9]]))).toBeCloseTo(4 + 1, 10);
  });

  it('for commuting (diagonal) covariances is ‖μ₁ − μ₂‖² + Σ(√a − √b)², whichever comes first', () => {
    const a = gaussian([0, 0], [[4, 0], [0, 1]]);
    const b = gaussian([1, 1], [[1, 0], [0, 9]]);
    expect(frechetDistance(a, b)).toBeCloseTo(2 + 1 + 4, 10);
    expect(frechetDistance(b, a)).toBeCloseTo(2 + 1 + 4, 10);
  });

  it('matches the 2×2 closed form on non-commuting covariances', () => {
    // S1·S2 = [[2, 3], [1, 6]]: trace 8, determinant 9; for a 2×2 matrix with positive
    // eigenvalues tr √M = √(tr M + 2√det M) = √14. So d² = 1 + (4 + 4) − 2√14.
    const d = frechetDistance(gaussian([0, 0], [[2, 1], [1, 2]]), gaussian([1, 0], [[1, 0], [0, 3]]));
    expect(d).toBeCloseTo(9 - 2 * Math.sqrt(14), 10);
  });

  it('eigendecomposes and square-roots a symmetric matrix', () => {
    const m = { n: 3, data: Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]) };
    const { values } = symmetricEigen(m);
    expect([...values].sort((x, y) => x - y).reduce((s, v) => s + v, 0)).toBeCloseTo(9, 10);
    const root = sqrtSymmetric(m);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += root.data[i * 3 + k] * root.data[k * 3 + j];
        expect(s).toBeCloseTo(m.data[i * 3 + j], 9);
      }
    }
    expect(() => symmetricEigen({ n: 2, data: Float64Array.from([1, 2, 3, 4]) })).toThrow(/symmetricEigen: the matrix is not symmetric at \(1, 0\)/);
  });

  it('fits mean and unbiased covariance of feature rows', () => {
    const g = fitGaussian([1, 2, 3, 6, 5, 4], 3, 2);
    expect([...g.mean]).toEqual([3, 4]);
    expect([...g.covariance.data]).toEqual([4, 2, 2, 4]);
    expect(() => fitGaussian([1, 2], 1, 2)).toThrow(/fitGaussian: need at least 2 feature rows, got 1/);
  });
});
