/**
 * GEMM without packing, for products where packing costs as much as it saves: tiny ones,
 * and thin ones (one or two rows or columns, e.g. a linear layer on a single sample),
 * where the packed kernel would also pad a 6×4 tile mostly with zeros.
 */
import type { GemmArgs } from './gemm.js';

/** Below this many multiply-adds the packing and tile bookkeeping dominate. */
const SMALL_WORK = 4096;

export function prefersSmall(m: number, n: number, k: number): boolean {
  return m <= 2 || n <= 2 || m * n * k <= SMALL_WORK;
}

/** Float64 sums for one row of C in the row-times-matrix loop; grown on demand, reused. */
let rowSums = new Float64Array(0);

export function gemmSmall(g: GemmArgs): void {
  if (g.transB || g.n < 4) gemmDots(g);
  else gemmRows(g);
}

/** Row i of C as Σ_p A[i,p]·B[p,:]: streams rows of B, which are contiguous when B is not transposed. */
function gemmRows(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, c, cOffset, ldc, accumulate } = g;
  if (rowSums.length < n) rowSums = new Float64Array(n);
  const sums = rowSums;
  const aRowStep = transA ? 1 : lda;
  const aDepthStep = transA ? lda : 1;
  for (let i = 0; i < m; i++) {
    sums.fill(0, 0, n);
    let ai = aOffset + i * aRowStep;
    for (let p = 0, bi = bOffset; p < k; p++, ai += aDepthStep, bi += ldb) {
      const s = a[ai];
      for (let j = 0; j < n; j++) sums[j] += s * b[bi + j];
    }
    const ci = cOffset + i * ldc;
    if (accumulate) for (let j = 0; j < n; j++) c[ci + j] += sums[j];
    else for (let j = 0; j < n; j++) c[ci + j] = sums[j];
  }
}

/** Each C[i,j] as one dot product: contiguous on both sides for A·Bᵀ, the linear-layer case. */
function gemmDots(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  const aRowStep = transA ? 1 : lda;
  const aDepthStep = transA ? lda : 1;
  const bColStep = transB ? ldb : 1;
  const bDepthStep = transB ? 1 : ldb;
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * aRowStep;
    const ci = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0, ai = aRow, bi = bOffset + j * bColStep; p < k; p++, ai += aDepthStep, bi += bDepthStep) sum += a[ai] * b[bi];
      c[ci + j] = accumulate ? c[ci + j] + sum : sum;
    }
  }
}
