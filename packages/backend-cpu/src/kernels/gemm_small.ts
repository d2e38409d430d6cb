/**
 * GEMM without packing, for products where packing costs as much as it saves: tiny ones,
 * and thin ones (a single row or column, e.g. a linear layer on one sample), where the
 * packed kernels would also pad their tiles mostly with zeros.
 */
import type { GemmArgs } from './gemm.js';

/**
 * Below this many multiply-adds the packing and tile bookkeeping dominate: at 8³ all paths
 * tie, at 16³ the packed SIMD kernel is already 4× faster than these loops.
 */
const SMALL_WORK = 512;

/**
 * Whether to skip packing: for tiny products, and for products with at most `thin` rows or
 * columns, where packing copies a whole operand to use it once or twice. Measured: with the
 * SIMD kernel only a single row or column pays (2.5× faster unpacked); against the JS
 * kernel two rows or columns still do.
 */
export function prefersSmall(m: number, n: number, k: number, thin: number): boolean {
  return m <= thin || n <= thin || m * n * k <= SMALL_WORK;
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

/**
 * Each C[i,j] as one dot product: contiguous on both sides for A·Bᵀ, the linear-layer case.
 * Four partial sums, because a single running sum waits on the previous add every step.
 */
function gemmDots(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  const aRowStep = transA ? 1 : lda;
  const as = transA ? lda : 1;
  const bColStep = transB ? ldb : 1;
  const bs = transB ? 1 : ldb;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * aRowStep;
    const ci = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let ai = aRow;
      let bi = bOffset + j * bColStep;
      let p = 0;
      for (; p < k4; p += 4, ai += 4 * as, bi += 4 * bs) {
        s0 += a[ai] * b[bi];
        s1 += a[ai + as] * b[bi + bs];
        s2 += a[ai + 2 * as] * b[bi + 2 * bs];
        s3 += a[ai + 3 * as] * b[bi + 3 * bs];
      }
      for (; p < k; p++, ai += as, bi += bs) s0 += a[ai] * b[bi];
      const sum = s0 + s1 + (s2 + s3);
      c[ci + j] = accumulate ? c[ci + j] + sum : sum;
    }
  }
}
