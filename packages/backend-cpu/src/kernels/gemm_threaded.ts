/**
 * The packed GEMM of gemm_wasm.ts split over the worker pool (src/threads/). The operands are
 * packed into the shared memory, depth slice by depth slice: for an untransposed A by a PACK
 * job on every thread (the caller copies A and B in), else by the calling thread with the
 * JavaScript packing routines. The pool then computes C in tiles (MC rows × a range of
 * NR-column panels, over the whole depth) on every thread, with the same kernel and the same
 * order of sums per element as the path one thread would take (gemmResidentWasm's or
 * gemmPackedWasm's), so the result is bit-identical to one thread; the caller copies C out.
 */
import type { ThreadPool } from '../threads/pool.js';
import { threadPoolFor } from '../threads/threads.js';
import { threadRuntime } from '../threads/runtime.js';
import type { GemmArgs } from './gemm.js';
import { copyRun, roundUp } from './gemm_pack.js';
import { KC, MC, MR, NR, packA4, packB8, RECORD_WORDS } from './gemm_wasm.js';
import { prefersResident } from './gemm_wasm_resident.js';

const { layout, gemmParams: P, packParams: PK } = threadRuntime();
/** Packing tasks per thread and operand. */
const PACK_TASKS_PER_THREAD = 2;
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

  // Shared memory, in floats: packed A (mPad × k), packed B (k × nPad), C (mPad × nPad), a
  // scratch tile per thread, then what packing in WebAssembly needs: A as it lies (mPad × k),
  // B as it lies, a record per column panel and a byte offset per depth row.
  const aStart = 0;
  const bStart = aStart + mPad * k;
  const cStart = bStart + k * nPad;
  const scratchStart = cStart + mPad * nPad;
  const scratchFloats = roundUp(taskRows * MR * taskCols * NR, 4);
  const aSource = scratchStart + pool.threads * scratchFloats;
  const bSource = aSource + mPad * k;
  const records = bSource + k * n;
  const offsets = records + colTiles * RECORD_WORDS;
  const inWasm = !transA;
  const heap = pool.heap(inWasm ? offsets + k : aSource);
  if (heap === null) return false;

  if (inWasm) packInWasm(pool, g, heap, { rowTiles, colTiles, aStart, bStart, aSource, bSource, records, offsets });
  else {
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packA4(a, aOffset, lda, transA, 0, m, pc, kc, heap, aStart + pc * mPad);
      packB8(b, bOffset, ldb, transB, pc, kc, 0, n, heap, bStart + pc * nPad);
    }
  }
  // Match the path one thread would take, bit for bit: its depth slices added by the kernel (resident) or in float32 after it.
  const slicesInKernel = prefersResident(g);
  if (accumulate && !slicesInKernel) {
    for (let i = 0; i < m; i++) heap.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), cStart + i * nPad);
  }
  const params = new Map([
    [P.ROW_TILES, rowTiles], [P.COL_TILES, colTiles], [P.DEPTH, k], [P.KC, KC],
    [P.A, aStart * 4], [P.B, bStart * 4], [P.C, cStart * 4], [P.LDC, nPad],
    [P.SCRATCH, scratchStart * 4], [P.SCRATCH_STRIDE, scratchFloats * 4],
    [P.TASK_ROWS, taskRows], [P.TASK_COLS, taskCols], [P.ACCUMULATE, accumulate ? 1 : 0], [P.SLICES_IN_KERNEL, slicesInKernel ? 1 : 0],
  ]);
  pool.run(layout.GEMM, params, tasks, 'gemm');
  for (let i = 0; i < m; i++) {
    const src = cStart + i * nPad;
    const dst = cOffset + i * ldc;
    if (accumulate && slicesInKernel) for (let j = 0; j < n; j++) c[dst + j] += heap[src + j];
    else c.set(heap.subarray(src, src + n), dst);
  }
  return true;
}

interface PackLayout {
  rowTiles: number;
  colTiles: number;
  aStart: number;
  bStart: number;
  aSource: number;
  bSource: number;
  records: number;
  offsets: number;
}

/**
 * Packs op(A) (untransposed) and op(B) on every thread: the caller only copies A and B into
 * the shared memory (two memcpy-like passes) and writes a record per B panel, and a PACK job
 * runs the module's pack_a4 and pack_im2col over ranges of panels. Packing in JavaScript on
 * the calling thread was a tenth of matmul 1024's time there, all of it serial.
 */
function packInWasm(pool: ThreadPool, g: GemmArgs, heap: Float32Array, at: PackLayout): void {
  const { m, n, k, a, aOffset, lda, b, bOffset, ldb, transB } = g;
  const { rowTiles, colTiles } = at;
  if (lda === k) copyRun(a, aOffset, heap, at.aSource, m * k);
  else for (let i = 0; i < m; i++) copyRun(a, aOffset + i * lda, heap, at.aSource + i * k, k);
  heap.fill(0, at.aSource + m * k, at.aSource + rowTiles * MR * k);
  // B as it lies: k rows of n (untransposed) or n rows of k (Bᵀ).
  const [rows, cols] = transB ? [n, k] : [k, n];
  if (ldb === cols) copyRun(b, bOffset, heap, at.bSource, rows * cols);
  else for (let i = 0; i < rows; i++) copyRun(b, bOffset + i * ldb, heap, at.bSource + i * cols, cols);
  // Panel q: column j of op(B) starts at B[0, j] (a column of B, side by side with the next
  // ones) or at row j of Bᵀ; depth row p is n floats further down B, or one float along Bᵀ.
  const words = new Int32Array(heap.buffer);
  for (let q = 0, o = at.records; q < colTiles; q++, o += RECORD_WORDS) {
    const first = q * NR;
    words[o] = !transB && first + NR <= n ? 1 : 0;
    for (let j = 0; j < NR; j++) {
      const column = Math.min(first + j, n - 1);
      words[o + 4 + j] = (at.bSource + (transB ? column * k : column)) * 4;
    }
  }
  for (let p = 0; p < k; p++) words[at.offsets + p] = (transB ? p : p * n) * 4;
  const aPanels = Math.max(1, Math.ceil(rowTiles / (PACK_TASKS_PER_THREAD * pool.threads)));
  const bPanels = Math.max(1, Math.ceil(colTiles / (PACK_TASKS_PER_THREAD * pool.threads)));
  const aTasks = Math.ceil(rowTiles / aPanels);
  const params = new Map([
    [PK.A_TASKS, aTasks], [PK.A_PANELS, aPanels], [PK.B_PANELS, bPanels], [PK.ROW_TILES, rowTiles], [PK.COL_TILES, colTiles], [PK.DEPTH, k],
    [PK.A_SOURCE, at.aSource * 4], [PK.A_PACKED, at.aStart * 4], [PK.B_PACKED, at.bStart * 4], [PK.RECORDS, at.records * 4], [PK.OFFSETS, at.offsets * 4],
  ]);
  pool.run(layout.PACK, params, aTasks + Math.ceil(colTiles / bPanels), 'gemm packing');
}
