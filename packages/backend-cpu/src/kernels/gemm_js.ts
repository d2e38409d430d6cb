/**
 * The blocked GEMM in plain JavaScript: the fallback where WebAssembly SIMD is missing (or
 * forbidden by a content security policy). Loop structure of BLIS/GotoBLAS: C in NC-wide
 * column blocks, the depth in KC-deep slices; each KC×NC slice of B is packed into NR-wide
 * panels and each MC×KC block of A into MR-tall panels (gemm_pack.ts), and the micro-kernel
 * computes one MR×NR tile of C with its sums in local variables, i.e. registers.
 */
import type { GemmArgs } from './gemm.js';
import { packA, packB, roundUp } from './gemm_pack.js';

/**
 * Micro-tile MR×NR and block sizes, measured on V8 (Node 20, Xeon): 6×4 keeps the 24 sums,
 * one row of A and the row of B in the 16 float registers with the fewest spills; 4×4,
 * 4×8, 8×4 and 6×8 were 15–25% slower. A KC-deep B panel (KC·NR doubles, 8 KiB) stays in
 * L1 while an MC×KC block of A (~140 KiB) stays in L2.
 */
const MR = 6;
const NR = 4;
const MC = 72;
const KC = 256;
const NC = 1024;

/**
 * One reused buffer holds the packed B slice followed by the packed A block. Panels are
 * float64 so the micro-kernel does no float32→float64 conversion per load, and a single
 * array means a single base pointer in the hot loop (measurably faster than two).
 */
let pack = new Float64Array(0);
/** The micro-kernel's result, copied into C by storeTile (handles edges and accumulate). */
const tile = new Float64Array(MR * NR);

/** C = (accumulate ? C : 0) + op(A)·op(B) for m, n, k >= 1. */
export function gemmPackedJs(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  const kcMax = Math.min(KC, k);
  const aStart = Math.min(NC, roundUp(n, NR)) * kcMax;
  const needed = aStart + Math.min(MC, roundUp(m, MR)) * kcMax;
  if (pack.length < needed) pack = new Float64Array(needed);
  const buf = pack;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // Earlier depth slices have written C already; the first one overwrites unless accumulating.
      const add = accumulate || pc > 0;
      packB(b, bOffset, ldb, transB, pc, kc, jc, nc, NR, buf, 0);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, aOffset, lda, transA, ic, mc, pc, kc, MR, buf, aStart);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = Math.min(NR, nc - jr);
          const bi = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, buf, aStart + ir * kc, bi, tile);
            storeTile(tile, c, cOffset + (ic + ir) * ldc + jc + jr, ldc, Math.min(MR, mc - ir), w, add);
          }
        }
      }
    }
  }
}

/**
 * The MR×NR tile of one A panel times one B panel over kc steps, with the 24 sums in
 * locals. `| 0` on every index (even `ai | 0`) tells V8 they are int32, so it emits plain
 * adds and address arithmetic without overflow checks or conversions: 30% faster.
 */
function microKernel(kc: number, pk: Float64Array, ai: number, bi: number, out: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c40 = 0, c41 = 0, c42 = 0, c43 = 0, c50 = 0, c51 = 0, c52 = 0, c53 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pk[ai | 0], a1 = pk[(ai + 1) | 0], a2 = pk[(ai + 2) | 0], a3 = pk[(ai + 3) | 0], a4 = pk[(ai + 4) | 0], a5 = pk[(ai + 5) | 0];
    const b0 = pk[bi | 0], b1 = pk[(bi + 1) | 0], b2 = pk[(bi + 2) | 0], b3 = pk[(bi + 3) | 0];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    c40 += a4 * b0; c41 += a4 * b1; c42 += a4 * b2; c43 += a4 * b3;
    c50 += a5 * b0; c51 += a5 * b1; c52 += a5 * b2; c53 += a5 * b3;
    ai = (ai + MR) | 0;
    bi = (bi + NR) | 0;
  }
  out[0] = c00; out[1] = c01; out[2] = c02; out[3] = c03;
  out[4] = c10; out[5] = c11; out[6] = c12; out[7] = c13;
  out[8] = c20; out[9] = c21; out[10] = c22; out[11] = c23;
  out[12] = c30; out[13] = c31; out[14] = c32; out[15] = c33;
  out[16] = c40; out[17] = c41; out[18] = c42; out[19] = c43;
  out[20] = c50; out[21] = c51; out[22] = c52; out[23] = c53;
}

/** Writes (or adds) the top-left h×w of the tile into C at ci. */
function storeTile(t: Float64Array, c: Float32Array, ci: number, ldc: number, h: number, w: number, add: boolean): void {
  for (let r = 0; r < h; r++, ci += ldc) {
    const ti = r * NR;
    if (add) for (let j = 0; j < w; j++) c[ci + j] += t[ti + j];
    else for (let j = 0; j < w; j++) c[ci + j] = t[ti + j];
  }
}
