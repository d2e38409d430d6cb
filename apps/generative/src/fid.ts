/**
 * The Fréchet distance between two Gaussians fitted to features (Heusel et al. 2017, "FID"):
 *
 *   d² = ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁Σ₂)^½)
 *
 * Σ₁Σ₂ is not symmetric, but it is similar to the symmetric positive semi-definite
 * Σ₁^½ Σ₂ Σ₁^½ (same eigenvalues), so tr((Σ₁Σ₂)^½) = Σ √λᵢ of that matrix. Both square roots
 * come from eigendecompositions of symmetric matrices, by cyclic Jacobi rotations: real
 * arithmetic throughout (scipy's sqrtm goes through the complex Schur form and returns tiny
 * imaginary parts that FID code then drops). Everything is in float64.
 */

/** A square matrix, row-major. */
export interface Matrix {
  n: number;
  data: Float64Array;
}

export interface Gaussian {
  mean: Float64Array;
  covariance: Matrix;
}

/**
 * Eigenvalues and eigenvectors (the columns of `vectors`) of a symmetric matrix, by cyclic
 * Jacobi: each rotation zeroes one off-diagonal pair; sweeps repeat until the off-diagonal
 * part is negligible (it converges quadratically; 84×84 takes under ten sweeps).
 */
export function symmetricEigen(matrix: Matrix, maxSweeps = 100): { values: Float64Array; vectors: Matrix } {
  const n = matrix.n;
  const a = Float64Array.from(matrix.data);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const scale = Math.max(Math.abs(a[i * n + j]), Math.abs(a[j * n + i]), 1e-300);
      if (Math.abs(a[i * n + j] - a[j * n + i]) > 1e-9 * scale) throw new Error(`symmetricEigen: the matrix is not symmetric at (${i}, ${j})`);
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: { n, data: v } };
}

function multiply(x: Matrix, y: Matrix): Matrix {
  const n = x.n;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const xik = x.data[i * n + k];
      if (xik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += xik * y.data[k * n + j];
    }
  }
  return { n, data: out };
}

/** The symmetric square root V·diag(√λ)·Vᵀ of a symmetric positive semi-definite matrix (round-off negatives → 0). */
export function sqrtSymmetric(matrix: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(matrix);
  const n = matrix.n;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const root = Math.sqrt(Math.max(values[k], 0));
    if (root === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors.data[i * n + k] * root;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors.data[j * n + k];
    }
  }
  return { n, data: out };
}

/** Mean and covariance (divided by N − 1, as numpy's cov) of `count` feature rows of length `dim`. */
export function fitGaussian(features: ArrayLike<number>, count: number, dim: number): Gaussian {
  if (count < 2) throw new Error(`fitGaussian: need at least 2 feature rows, got ${count}`);
  if (features.length !== count * dim) throw new Error(`fitGaussian: expected ${count}×${dim} = ${count * dim} values, got ${features.length}`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let j = 0; j < dim; j++) mean[j] += features[r * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) centred[j] = features[r * dim + j] - mean[j];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      for (let j = i; j < dim; j++) cov[i * dim + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      cov[i * dim + j] /= count - 1;
      cov[j * dim + i] = cov[i * dim + j];
    }
  }
  return { mean, covariance: { n: dim, data: cov } };
}

/** d² between N(μ₁, Σ₁) and N(μ₂, Σ₂), the formula above; never negative. */
export function frechetDistance(a: Gaussian, b: Gaussian): number {
  const n = a.mean.length;
  if (b.mean.length !== n || a.covariance.n !== n || b.covariance.n !== n) {
    throw new Error(`frechetDistance: the Gaussians have different dimensions (${n} and ${b.mean.length})`);
  }
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  let traces = 0;
  for (let i = 0; i < n; i++) traces += a.covariance.data[i * n + i] + b.covariance.data[i * n + i];
  const rootA = sqrtSymmetric(a.covariance);
  const middle = multiply(multiply(rootA, b.covariance), rootA);
  // Symmetrise away round-off before the eigendecomposition.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = (middle.data[i * n + j] + middle.data[j * n + i]) / 2;
      middle.data[i * n + j] = m;
      middle.data[j * n + i] = m;
    }
  }
  let traceRoot = 0;
  for (const value of symmetricEigen(middle).values) traceRoot += Math.sqrt(Math.max(value, 0));
  return Math.max(0, meanTerm + traces - 2 * traceRoot);
}
