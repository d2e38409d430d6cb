/**
 * General matrix multiply on row-major float32 panels, the one routine under matmul and
 * the im2col convolutions:
 *
 *   C[m×n] = (accumulate ? C : 0) + op(A)[m×k] · op(B)[k×n]
 *
 * where op(A) is A or Aᵀ (transA) and A is read at a[aOffset + i*lda + p] (or
 * a[aOffset + p*lda + i] when transposed); likewise B and C.
 */
export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  aOffset: number;
  lda: number;
  transA: boolean;
  b: Float32Array;
  bOffset: number;
  ldb: number;
  transB: boolean;
  c: Float32Array;
  cOffset: number;
  ldc: number;
  accumulate: boolean;
}

// Placeholder reference loop; replaced by the blocked, packed implementation.
export function gemm(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = accumulate ? c[cOffset + i * ldc + j] : 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
        const bv = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        acc += av * bv;
      }
      c[cOffset + i * ldc + j] = acc;
    }
  }
}
