/**
 * GEMM for outputs at most 8 columns wide (a small layer over many rows: the Playground's
 * 6→8 and 8→8 layers over a 100×100 grid): each row of C is eight running sums held in
 * locals, op(B) is copied once into a zero-padded k×8 panel, and A is read once. About 2×
 * faster there than the packed SIMD kernel, whose tiles and packing of A are mostly overhead
 * at this width. Sums are float64, rounded once on store.
 */
import type { GemmArgs } from './gemm.js';

/** Widest C this path takes. */
export const NARROW_N = 8;

/**
 * Measured against the packed SIMD kernel over 10,000 rows: 1.9× faster at n = 8, k = 6,
 * 1.5× at k = 8, slower from k = 16 (its packing is then paid back); n = 1 is gemm_small's.
 */
export function prefersNarrow(n: number, k: number): boolean {
  return n >= 2 && n <= NARROW_N && k <= 10;
}

/** op(B) as k rows of 8, zero past column n; grown on demand, reused. */
let panel = new Float64Array(0);

export function gemmNarrow(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  if (panel.length < k * NARROW_N) panel = new Float64Array(k * NARROW_N);
  const w = panel;
  w.fill(0, 0, k * NARROW_N);
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) w[p * NARROW_N + j] = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
  }
  const aRowStep = transA ? 1 : lda;
  const aDepthStep = transA ? lda : 1;
  for (let i = 0; i < m; i++) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let p = 0, ai = aOffset + i * aRowStep, wi = 0; p < k; p++, ai += aDepthStep, wi += NARROW_N) {
      const v = a[ai];
      s0 += v * w[wi];
      s1 += v * w[wi + 1];
      s2 += v * w[wi + 2];
      s3 += v * w[wi + 3];
      s4 += v * w[wi + 4];
      s5 += v * w[wi + 5];
      s6 += v * w[wi + 6];
      s7 += v * w[wi + 7];
    }
    const ci = cOffset + i * ldc;
    if (accumulate) {
      c[ci] += s0;
      if (n > 1) c[ci + 1] += s1;
      if (n > 2) c[ci + 2] += s2;
      if (n > 3) c[ci + 3] += s3;
      if (n > 4) c[ci + 4] += s4;
      if (n > 5) c[ci + 5] += s5;
      if (n > 6) c[ci + 6] += s6;
      if (n > 7) c[ci + 7] += s7;
    } else {
      c[ci] = s0;
      if (n > 1) c[ci + 1] = s1;
      if (n > 2) c[ci + 2] = s2;
      if (n > 3) c[ci + 3] = s3;
      if (n > 4) c[ci + 4] = s4;
      if (n > 5) c[ci + 5] = s5;
      if (n > 6) c[ci + 6] = s6;
      if (n > 7) c[ci + 7] = s7;
    }
  }
}
