/**
 * The packed GEMM of gemm_wasm.ts split over the worker pool (src/threads/). The calling
 * thread packs all of op(A) and op(B), depth slice by depth slice, into the shared memory
 * with the same packing routines; the pool then computes C in tiles (MC rows × a range of
 * NR-column panels, over the whole depth) on every thread, with the same kernel and the same
 * order of sums per element as gemmPackedWasm, so the result is bit-identical to one thread;
 * the caller copies C out. Packing stays on the calling thread: it is O(mk + kn) against the
 * O(mnk) product.
 */
import type { ThreadPool } from '../threads/pool.js';
import { threadPoolFor } from '../threads/threads.js';
import { threadRuntime } from '../threads/runtime.js';
import type { GemmArgs } from './gemm.js';
import { roundUp } from './gemm_pack.js';
import { KC, MC, MR, NR, packA4, packB8 } from './gemm_wasm.js';

const { layout, gemmParams: P } = threadRuntime();
/** Tasks per thread to aim for, so that a thread the OS delays leaves little for the others to wait on. */
const TASKS_PER_THREAD = 4;
/** Narrowest task, in NR-column panels: a task's B panels should outweigh its bookkeeping. */
const MIN_TASK_COLS = 8;

/** C = (accumulate ? C : 0) + op(A)·op(B) on the pool; false (nothing done) where the op stays on this thread. */
export function gemmThreaded(g: GemmArgs): boolean {
  const pool = threadPoolFor(g.m * g.n * g.k);
  return pool !== null && gemmOnPool(pool, g);
}

/** gemmThreaded on a given pool; false where the product is a single task or too large for the shared memory. */
export function gemmOnPool(pool: ThreadPool, g: GemmArgs): boolean {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  const rowTiles = Math.ceil(m / MR);
  const colTiles = Math.ceil(n / NR);
  const mPad = rowTiles * MR;
  const nPad = colTiles * NR;
  const taskRows = MC / MR;
  const rowChunks = Math.ceil(rowTiles / taskRows);
  const wantedColChunks = Math.ceil((TASKS_PER_THREAD * pool.threads) / rowChunks);
  let taskCols = Math.max(MIN_TASK_COLS, Math.ceil(colTiles / wantedColChunks));
  while (rowChunks * Math.ceil(colTiles / taskCols) > layout.MAX_TASKS) taskCols *= 2;
  const tasks = rowChunks * Math.ceil(colTiles / taskCols);
  if (tasks < 2) return false;

  // Shared memory, in floats: packed A (mPad × k), packed B (k × nPad), C (mPad × nPad), a scratch tile per thread.
  const aStart = 0;
  const bStart = aStart + mPad * k;
  const cStart = bStart + k * nPad;
  const scratchStart = cStart + mPad * nPad;
  const scratchFloats = roundUp(taskRows * MR * taskCols * NR, 4);
  const heap = pool.heap(scratchStart + pool.threads * scratchFloats);
  if (heap === null) return false;

  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    packA4(a, aOffset, lda, transA, 0, m, pc, kc, heap, aStart + pc * mPad);
    packB8(b, bOffset, ldb, transB, pc, kc, 0, n, heap, bStart + pc * nPad);
  }
  if (accumulate) {
    for (let i = 0; i < m; i++) heap.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), cStart + i * nPad);
  }
  const params = new Map([
    [P.ROW_TILES, rowTiles], [P.COL_TILES, colTiles], [P.DEPTH, k], [P.KC, KC],
    [P.A, aStart * 4], [P.B, bStart * 4], [P.C, cStart * 4], [P.LDC, nPad],
    [P.SCRATCH, scratchStart * 4], [P.SCRATCH_STRIDE, scratchFloats * 4],
    [P.TASK_ROWS, taskRows], [P.TASK_COLS, taskCols], [P.ACCUMULATE, accumulate ? 1 : 0],
  ]);
  pool.run(layout.GEMM, params, tasks, 'gemm');
  for (let i = 0; i < m; i++) c.set(heap.subarray(cStart + i * nPad, cStart + i * nPad + n), cOffset + i * ldc);
  return true;
}
