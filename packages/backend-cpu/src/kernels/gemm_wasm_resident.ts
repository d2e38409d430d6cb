/**
 * The blocked GEMM of gemm_wasm.ts for untransposed operands (matmul's case), with the
 * operands copied into module memory once and packed there: B panels by `pack_im2col`
 * (each panel row is 8 contiguous floats of a row of B, two vector copies), A panels by
 * `pack_a4`, and C kept in module memory across depth slices (`block_acc`), so the
 * JavaScript packing loops and the per-slice `C +=` pass of gemm_wasm.ts are gone.
 * Measured by CPU time against gemm_wasm.ts (Node 20, AMD EPYC, one thread, loaded VM):
 * matmul 256² 1.3-1.9 → 1.1 ms, 512² 8.0 → 7.3 ms; 1024² unchanged (the kernel dominates).
 */
import type { GemmArgs } from './gemm.js';
import { copyRun, roundUp } from './gemm_pack.js';
import { RECORD_WORDS, wasmKernels } from './gemm_wasm.js';

const MR = 4;
const NR = 8;
const MC = 64;
const KC = 512;
const NC = 1024;
/** At most this many floats (16 MiB) of A, B and C in module memory, which never shrinks; larger products run gemm_wasm.ts. */
const RESIDENT_LIMIT = 1 << 22;

export function prefersResident(g: GemmArgs): boolean {
  return !g.transA && !g.transB && roundUp(g.m, MR) * g.k + g.k * g.n + roundUp(g.m, MR) * Math.min(NC, roundUp(g.n, NR)) <= RESIDENT_LIMIT;
}

/** C = (accumulate ? C : 0) + A·B for untransposed A and B, m, n, k >= 1; requires the SIMD kernel. */
export function gemmResidentWasm(g: GemmArgs): void {
  const { m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate } = g;
  const rowsPadded = roundUp(m, MR);
  const ncMax = Math.min(NC, roundUp(n, NR));
  const kcMax = Math.min(KC, k);
  // Module memory, in 4-byte words: A (zero rows up to a whole panel), B, A block, B slice, row offsets, panel records, C block.
  const aStart = 0;
  const bStart = aStart + rowsPadded * k;
  const aPacked = bStart + k * n;
  const bPacked = aPacked + MC * kcMax;
  const rowStart = bPacked + kcMax * ncMax;
  const recordStart = rowStart + k;
  const cStart = roundUp(recordStart + (ncMax / NR) * RECORD_WORDS, 4);
  const { module, heap } = wasmKernels(cStart + rowsPadded * ncMax);
  const words = new Int32Array(heap.buffer);

  for (let i = 0; i < m; i++) copyRun(a, aOffset + i * lda, heap, aStart + i * k, k);
  heap.fill(0, aStart + m * k, bStart);
  for (let p = 0; p < k; p++) {
    copyRun(b, bOffset + p * ldb, heap, bStart + p * n, n);
    words[rowStart + p] = p * n * 4;
  }

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const panels = Math.ceil(nc / NR);
    const ldcBuf = panels * NR;
    // Panel q reads columns jc + 8q ..: side by side, except a last partial one, whose missing columns repeat its last.
    for (let q = 0, o = recordStart; q < panels; q++, o += RECORD_WORDS) {
      const first = jc + q * NR;
      words[o] = first + NR <= n ? 1 : 0;
      for (let j = 0; j < NR; j++) words[o + 4 + j] = (bStart + Math.min(first + j, n - 1)) * 4;
    }
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      module.pack_im2col(panels, kc, bPacked * 4, recordStart * 4, (rowStart + pc) * 4);
      const block = pc === 0 ? module.block : module.block_acc;
      for (let ic = 0; ic < m; ic += MC) {
        const rowTiles = Math.ceil(Math.min(MC, m - ic) / MR);
        module.pack_a4(rowTiles, kc, aPacked * 4, (aStart + ic * k + pc) * 4, k * 4);
        block(rowTiles, panels, kc, aPacked * 4, bPacked * 4, (cStart + ic * ldcBuf) * 4, ldcBuf * 4);
      }
    }
    for (let i = 0; i < m; i++) {
      const src = cStart + i * ldcBuf;
      const dst = cOffset + i * ldc + jc;
      if (accumulate) for (let j = 0; j < nc; j++) c[dst + j] += heap[src + j];
      else copyRun(heap, src, c, dst, nc);
    }
  }
}
