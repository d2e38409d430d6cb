/**
 * What every thread of the pool runs, the calling thread included: claim the tasks of the
 * current job one by one from a shared counter, run each, count it done. A task is one tile
 * of the output over the whole depth (of C for a GEMM or a packed convolution, a block of 2×2
 * tiles for Winograd), so each output element is summed by exactly one thread in the same
 * order as on one thread, and the result is bit-identical whatever the thread count and
 * whoever takes which task. Claiming (rather than a fixed split) lets a thread that the OS
 * runs late take fewer tasks. The convolutions on one thread run these same tasks in turn
 * (src/threads/jobs.ts), so the two paths share their arithmetic by construction.
 *
 * The whole runtime is one self-contained function (no imports but types, no outside names but
 * globals): the worker gets its code as `threadRuntime.toString()` (worker_source.ts), so it
 * needs no file of its own and survives any bundler. The calling thread calls it directly.
 */

import type { GemmModule } from '../kernels/gemm_wasm.js';

/** The wasm `block` export: packed A·B for (rowTiles, colTiles, kc, aBytes, bBytes, cBytes, ldcBytes). */
export type BlockFn = GemmModule['block'];

/** The exports of gemm.wat the tasks call (a type only: the runtime itself imports nothing at run time). */
export type TaskKernels = Pick<GemmModule, 'block' | 'block_acc' | 'pack_im2col' | 'pack_a4' | 'winograd_input' | 'winograd_output' | 'ew_binary' | 'ew_relu' | 'max_pool'>;

export interface SharedMemory {
  readonly buffer: ArrayBufferLike;
}

export function threadRuntime(): ThreadRuntime {
  // Int32 slots of the control block (a SharedArrayBuffer of SIZE int32s).
  const CLAIM = 0; // (generation << TASK_BITS) | next unclaimed task of the current job
  const DONE = 1; // tasks of the current job finished (or failed)
  const WAKE = 2; // generation of the latest job: idle workers wait on this slot
  const STOP = 3; // 1: workers leave their loop
  const FAILED = 4; // 1 once a task threw; its message is in MESSAGE..
  const COUNT = 5; // tasks in the current job
  const KIND = 6; // which job: GEMM, or anything else (an error, for tests)
  const DEAD = 7; // workers that have exited: the pool restarts them before the next op
  const PARAMS = 8; // the job's parameters
  const MESSAGE = 32;
  const MESSAGE_LENGTH = 224;
  const TAKEN = MESSAGE + MESSAGE_LENGTH; // tasks each thread has run so far, one slot per thread
  const MAX_THREADS = 64;
  const RUNNING = TAKEN + MAX_THREADS; // 1 while a thread runs a task, one slot per thread
  const SIZE = RUNNING + MAX_THREADS;
  const TASK_BITS = 12;
  const MAX_TASKS = (1 << TASK_BITS) - 1;
  const MAX_GENERATION = (1 << (31 - TASK_BITS)) - 1;
  const GEMM = 1;
  const CONV = 2;
  const WINOGRAD = 3;
  const PACK = 4;
  const ELEMENTWISE = 5;
  const MAX_POOL = 6;
  const COPY = 7;
  // GEMM parameters: offsets in bytes of the shared memory, sizes in MR×NR tiles.
  const ROW_TILES = PARAMS, COL_TILES = PARAMS + 1, DEPTH = PARAMS + 2, KC = PARAMS + 3, A = PARAMS + 4, B = PARAMS + 5;
  const C = PARAMS + 6, LDC = PARAMS + 7, SCRATCH = PARAMS + 8, SCRATCH_STRIDE = PARAMS + 9, TASK_ROWS = PARAMS + 10;
  const TASK_COLS = PARAMS + 11, ACCUMULATE = PARAMS + 12, SLICES_IN_KERNEL = PARAMS + 13;
  // Packing a GEMM's operands (gemm_threaded.ts), tasks [0, A_TASKS) for row panels of A and
  // the rest for column panels of B, every depth slice, into the layout GEMM tasks read: A
  // from a row-major copy by pack_a4, B by pack_im2col from one record per panel and one byte
  // offset per depth row. Addresses in bytes.
  const PK = {
    A_TASKS: PARAMS, A_PANELS: PARAMS + 1, B_PANELS: PARAMS + 2, ROW_TILES: PARAMS + 3, COL_TILES: PARAMS + 4, DEPTH: PARAMS + 5,
    A_SOURCE: PARAMS + 6, A_PACKED: PARAMS + 7, B_PACKED: PARAMS + 8, RECORDS: PARAMS + 9, OFFSETS: PARAMS + 10,
  };
  // Packed convolution parameters (conv2d_packed.ts, conv2d_backprop_filter_packed.ts): A is
  // packed whole, depth slice pc at A + pc·ROW_TILES·MR floats; B panels come from pack_im2col
  // records (one per column panel, from RECORDS) and depth offsets (from OFFSETS); each thread
  // packs its own B slice at B + thread·B_STRIDE; addresses in bytes, sizes in tiles.
  const CV = {
    ROW_TILES: PARAMS, COL_TILES: PARAMS + 1, DEPTH: PARAMS + 2, A: PARAMS + 3, B: PARAMS + 4, B_STRIDE: PARAMS + 5,
    RECORDS: PARAMS + 6, OFFSETS: PARAMS + 7, C: PARAMS + 8, LDC: PARAMS + 9, TASK_ROWS: PARAMS + 10, TASK_COLS: PARAMS + 11,
    ACCUMULATE: PARAMS + 12,
  };
  // Winograd parameters (conv2d_winograd.ts): one padded image at X, the transformed weight at U,
  // each thread's V and C blocks at V + thread·V_STRIDE and CB + thread·CB_STRIDE, output planes at OUT.
  const WG = {
    TILES: PARAMS, BLOCK_TILES: PARAMS + 1, PER_ROW: PARAMS + 2, CHANNELS: PARAMS + 3, ROWS: PARAMS + 4, ROWS_PADDED: PARAMS + 5,
    X: PARAMS + 6, ROW_BYTES: PARAMS + 7, PLANE_BYTES: PARAMS + 8, U: PARAMS + 9, V: PARAMS + 10, V_STRIDE: PARAMS + 11,
    CB: PARAMS + 12, CB_STRIDE: PARAMS + 13, OUT: PARAMS + 14, OUT_ROW_BYTES: PARAMS + 15, OUT_PLANE_BYTES: PARAMS + 16,
  };
  // Elementwise parameters (elementwise_wasm.ts): OP 0–2 and 4 a binary op (add, sub, mul, ReLU's gradient), 3 ReLU;
  // B_MODE 0: b as long as a, 1: one value, 2: one value per plane of PLANE floats, cycling
  // through CHANNELS; a task is CHUNK values (whole planes in mode 2) from A, B to OUT (bytes).
  const EW = { OP: PARAMS, A: PARAMS + 1, B: PARAMS + 2, B_MODE: PARAMS + 3, OUT: PARAMS + 4, N: PARAMS + 5, PLANE: PARAMS + 6, CHANNELS: PARAMS + 7, CHUNK: PARAMS + 8 };
  const RELU = 3;
  // Max pooling parameters (max_pool_wasm.ts): planes at SRC (PLANE_BYTES apart), the window
  // ranges at ROWS and COLS, outputs at DST and IDX; a task is CHUNK planes. Addresses in bytes.
  const MP = {
    PLANES: PARAMS, SRC: PARAMS + 1, PLANE_BYTES: PARAMS + 2, IN_W: PARAMS + 3, OUT_H: PARAMS + 4, OUT_W: PARAMS + 5,
    ROWS: PARAMS + 6, COLS: PARAMS + 7, DST: PARAMS + 8, IDX: PARAMS + 9, CHUNK: PARAMS + 10,
  };
  // Copy parameters (a convolution's padding in and output out, conv2d_winograd.ts and
  // conv2d_packed.ts): PLANES planes of ROWS rows of WIDTH floats from SRC to DST (row and plane
  // strides in floats), each destination plane first zeroed over ZERO_LENGTH floats from
  // ZERO_AT (+ its plane stride); a task is CHUNK planes. Offsets in floats.
  const CP = {
    PLANES: PARAMS, ROWS: PARAMS + 1, WIDTH: PARAMS + 2, SRC: PARAMS + 3, SRC_ROW: PARAMS + 4, SRC_PLANE: PARAMS + 5,
    DST: PARAMS + 6, DST_ROW: PARAMS + 7, DST_PLANE: PARAMS + 8, ZERO_AT: PARAMS + 9, ZERO_LENGTH: PARAMS + 10, CHUNK: PARAMS + 11,
  };
  const MR = 4, NR = 8;
  /** Depth slice of the packed products (gemm_wasm.ts's KC). */
  const SLICE = 512;
  /** Rows of A per `block` call, in MR-row tiles (gemm_wasm.ts's MC = 64 rows): a block of A stays in L2. */
  const MC_TILES = 16;
  /** pack_im2col's record per column panel, in 4-byte words (gemm_wasm.ts's RECORD_WORDS). */
  const RECORD_WORDS = 12;

  /**
   * One tile of C = (accumulate ? C : 0) + A·B, from packed operands: depth slice `pc` of A is
   * ROW_TILES panels of MR×kc floats, of B COL_TILES panels of kc×NR floats; C has row stride
   * LDC floats. As gemmPackedWasm does: each slice's product is computed from zero by the wasm
   * kernel, then written into C (first slice, not accumulating) or added to it in float32; or,
   * with SLICES_IN_KERNEL, as gemmResidentWasm does: the first slice from zero, the later ones
   * added by `block_acc` in the kernel (the caller adds the old C, if any, when copying out).
   */
  function gemmTask(ctl: Int32Array, heap: Float32Array, block: BlockFn, blockAcc: BlockFn, thread: number, task: number): void {
    const rowTiles = ctl[ROW_TILES], colTiles = ctl[COL_TILES], depth = ctl[DEPTH], kcMax = ctl[KC];
    const taskRows = ctl[TASK_ROWS], taskCols = ctl[TASK_COLS], ldc = ctl[LDC];
    const colChunks = Math.ceil(colTiles / taskCols);
    const r0 = Math.floor(task / colChunks) * taskRows;
    const q0 = (task % colChunks) * taskCols;
    const rows = Math.min(taskRows, rowTiles - r0), cols = Math.min(taskCols, colTiles - q0);
    const cTile = ctl[C] + (r0 * MR * ldc + q0 * NR) * 4;
    const scratch = ctl[SCRATCH] + thread * ctl[SCRATCH_STRIDE];
    const width = cols * NR;
    for (let pc = 0; pc < depth; pc += kcMax) {
      const kc = Math.min(kcMax, depth - pc);
      const a = ctl[A] + (pc * rowTiles * MR + r0 * MR * kc) * 4;
      const b = ctl[B] + (pc * colTiles * NR + q0 * NR * kc) * 4;
      if (pc === 0 && (ctl[ACCUMULATE] === 0 || ctl[SLICES_IN_KERNEL] !== 0)) {
        block(rows, cols, kc, a, b, cTile, ldc * 4);
        continue;
      }
      if (ctl[SLICES_IN_KERNEL] !== 0) {
        blockAcc(rows, cols, kc, a, b, cTile, ldc * 4);
        continue;
      }
      block(rows, cols, kc, a, b, scratch, width * 4);
      for (let i = 0, src = scratch >> 2, dst = cTile >> 2; i < rows * MR; i++, src += width, dst += ldc) {
        for (let j = 0; j < width; j++) heap[dst + j] += heap[src + j];
      }
    }
  }

  /**
   * One tile of a packed convolution's C (rows [r0, r0 + rows) × column panels [q0, q0 + cols)),
   * as conv2d_packed.ts runs it on one thread: per depth slice, pack_im2col writes the tile's B
   * panels, then `block` (first slice) or `block_acc` (later ones, or every one when
   * accumulating) adds A·B into C, MC_TILES row tiles at a time.
   */
  function convTask(ctl: Int32Array, k: TaskKernels, thread: number, task: number): void {
    const rowTiles = ctl[CV.ROW_TILES], colTiles = ctl[CV.COL_TILES], depth = ctl[CV.DEPTH], ldc = ctl[CV.LDC];
    const taskRows = ctl[CV.TASK_ROWS], taskCols = ctl[CV.TASK_COLS];
    const colChunks = Math.ceil(colTiles / taskCols);
    const r0 = Math.floor(task / colChunks) * taskRows;
    const q0 = (task % colChunks) * taskCols;
    const r1 = Math.min(r0 + taskRows, rowTiles), cols = Math.min(taskCols, colTiles - q0);
    const b = ctl[CV.B] + thread * ctl[CV.B_STRIDE];
    const records = ctl[CV.RECORDS] + q0 * RECORD_WORDS * 4;
    for (let pc = 0; pc < depth; pc += SLICE) {
      const kc = Math.min(SLICE, depth - pc);
      k.pack_im2col(cols, kc, b, records, ctl[CV.OFFSETS] + pc * 4);
      const block = pc === 0 && ctl[CV.ACCUMULATE] === 0 ? k.block : k.block_acc;
      const a = ctl[CV.A] + pc * rowTiles * MR * 4;
      for (let r = r0; r < r1; r += MC_TILES) {
        block(Math.min(MC_TILES, r1 - r), cols, kc, a + r * MR * kc * 4, b, ctl[CV.C] + (r * MR * ldc + q0 * NR) * 4, ldc * 4);
      }
    }
  }

  /**
   * One block of Winograd tiles, as conv2d_winograd.ts runs it on one thread: the input
   * transform into this thread's V, the 16 products U_ξ·V_ξ into its C, and the output
   * transform into the shared output planes (each tile written by its own task only).
   */
  function winogradTask(ctl: Int32Array, k: TaskKernels, thread: number, task: number): void {
    const blockTiles = ctl[WG.BLOCK_TILES], channels = ctl[WG.CHANNELS], rows = ctl[WG.ROWS], rowsPadded = ctl[WG.ROWS_PADDED];
    const t0 = task * blockTiles;
    const count = Math.min(blockTiles, ctl[WG.TILES] - t0);
    const panels = Math.ceil(count / NR);
    const ldc = panels * NR;
    const v = ctl[WG.V] + thread * ctl[WG.V_STRIDE], c = ctl[WG.CB] + thread * ctl[WG.CB_STRIDE];
    const uXi = rowsPadded * channels, vXi = channels * blockTiles, cXi = rowsPadded * blockTiles;
    k.winograd_input(count / 4, t0 / 4, ctl[WG.PER_ROW], channels, ctl[WG.X], ctl[WG.ROW_BYTES], ctl[WG.PLANE_BYTES], v, vXi * 4);
    for (let xi = 0; xi < 16; xi++) {
      for (let ic = 0; ic < rows; ic += MC_TILES * MR) {
        const mc = Math.min(MC_TILES * MR, rows - ic);
        k.block(Math.ceil(mc / MR), panels, channels, ctl[WG.U] + (xi * uXi + ic * channels) * 4, v + xi * vXi * 4, c + (xi * cXi + ic * ldc) * 4, ldc * 4);
      }
    }
    k.winograd_output(rows, count / 4, t0 / 4, ctl[WG.PER_ROW], c, ldc * 4, cXi * 4, ctl[WG.OUT], ctl[WG.OUT_ROW_BYTES], ctl[WG.OUT_PLANE_BYTES]);
  }

  /** Row panels (task < A_TASKS) or column panels of a GEMM's operands, packed for every depth slice. */
  function packTask(ctl: Int32Array, k: TaskKernels, task: number): void {
    const depth = ctl[PK.DEPTH], rowTiles = ctl[PK.ROW_TILES], colTiles = ctl[PK.COL_TILES];
    if (task < ctl[PK.A_TASKS]) {
      const r0 = task * ctl[PK.A_PANELS];
      const rows = Math.min(ctl[PK.A_PANELS], rowTiles - r0);
      for (let pc = 0; pc < depth; pc += SLICE) {
        const kc = Math.min(SLICE, depth - pc);
        k.pack_a4(rows, kc, ctl[PK.A_PACKED] + (pc * rowTiles * MR + r0 * MR * kc) * 4, ctl[PK.A_SOURCE] + (r0 * MR * depth + pc) * 4, depth * 4);
      }
      return;
    }
    const q0 = (task - ctl[PK.A_TASKS]) * ctl[PK.B_PANELS];
    const cols = Math.min(ctl[PK.B_PANELS], colTiles - q0);
    for (let pc = 0; pc < depth; pc += SLICE) {
      const kc = Math.min(SLICE, depth - pc);
      k.pack_im2col(cols, kc, ctl[PK.B_PACKED] + (pc * colTiles * NR + q0 * NR * kc) * 4, ctl[PK.RECORDS] + q0 * RECORD_WORDS * 4, ctl[PK.OFFSETS] + pc * 4);
    }
  }

  /** Values [task·CHUNK, (task + 1)·CHUNK) of an elementwise op, each computed as on one thread. */
  function elementwiseTask(ctl: Int32Array, k: TaskKernels, task: number): void {
    const start = task * ctl[EW.CHUNK], end = Math.min(ctl[EW.N], start + ctl[EW.CHUNK]);
    const op = ctl[EW.OP], a = ctl[EW.A], b = ctl[EW.B], out = ctl[EW.OUT], mode = ctl[EW.B_MODE];
    if (op === RELU) k.ew_relu(a + start * 4, out + start * 4, end - start);
    else if (mode === 0) k.ew_binary(op, a + start * 4, b + start * 4, 1, out + start * 4, end - start);
    else if (mode === 1) k.ew_binary(op, a + start * 4, b, 0, out + start * 4, end - start);
    else {
      const plane = ctl[EW.PLANE], channels = ctl[EW.CHANNELS];
      for (let p = start / plane; p < end / plane; p++) k.ew_binary(op, a + p * plane * 4, b + (p % channels) * 4, 0, out + p * plane * 4, plane);
    }
  }

  /** Planes [task·CHUNK, (task + 1)·CHUNK) of a max pool. */
  function maxPoolTask(ctl: Int32Array, k: TaskKernels, task: number): void {
    const p0 = task * ctl[MP.CHUNK];
    const planes = Math.min(ctl[MP.CHUNK], ctl[MP.PLANES] - p0);
    const outBytes = ctl[MP.OUT_H] * ctl[MP.OUT_W] * 4;
    k.max_pool(planes, ctl[MP.SRC] + p0 * ctl[MP.PLANE_BYTES], ctl[MP.PLANE_BYTES], ctl[MP.IN_W], ctl[MP.OUT_H], ctl[MP.OUT_W], ctl[MP.ROWS], ctl[MP.COLS], ctl[MP.DST] + p0 * outBytes, ctl[MP.IDX] + p0 * outBytes);
  }

  /** Planes [task·CHUNK, (task + 1)·CHUNK) of a copy between layouts, row by row (memmove within the memory). */
  function copyTask(ctl: Int32Array, heap: Float32Array, task: number): void {
    const p0 = task * ctl[CP.CHUNK], p1 = Math.min(ctl[CP.PLANES], p0 + ctl[CP.CHUNK]);
    const rows = ctl[CP.ROWS], width = ctl[CP.WIDTH], srcRow = ctl[CP.SRC_ROW], dstRow = ctl[CP.DST_ROW], zero = ctl[CP.ZERO_LENGTH];
    for (let p = p0; p < p1; p++) {
      if (zero > 0) heap.fill(0, ctl[CP.ZERO_AT] + p * ctl[CP.DST_PLANE], ctl[CP.ZERO_AT] + p * ctl[CP.DST_PLANE] + zero);
      const src = ctl[CP.SRC] + p * ctl[CP.SRC_PLANE], dst = ctl[CP.DST] + p * ctl[CP.DST_PLANE];
      for (let r = 0; r < rows; r++) heap.copyWithin(dst + r * dstRow, src + r * srcRow, src + r * srcRow + width);
    }
  }

  /** Task `task` of the current job, whatever its kind; `memory` is the one the kernels run on. */
  function runTask(ctl: Int32Array, memory: SharedMemory, k: TaskKernels, thread: number, task: number): void {
    const kind = ctl[KIND];
    if (kind === GEMM) gemmTask(ctl, new Float32Array(memory.buffer), k.block, k.block_acc, thread, task);
    else if (kind === PACK) packTask(ctl, k, task);
    else if (kind === CONV) convTask(ctl, k, thread, task);
    else if (kind === WINOGRAD) winogradTask(ctl, k, thread, task);
    else if (kind === ELEMENTWISE) elementwiseTask(ctl, k, task);
    else if (kind === MAX_POOL) maxPoolTask(ctl, k, task);
    else if (kind === COPY) copyTask(ctl, new Float32Array(memory.buffer), task);
    else throw new Error(`unknown job kind ${kind}`);
  }

  function recordFailure(ctl: Int32Array, error: unknown): void {
    if (Atomics.compareExchange(ctl, FAILED, 0, 1) !== 0) return;
    const text = String(error instanceof Error ? `${error.name}: ${error.message}` : error);
    const length = Math.min(text.length, MESSAGE_LENGTH - 1);
    for (let i = 0; i < length; i++) ctl[MESSAGE + i] = text.charCodeAt(i);
    ctl[MESSAGE + length] = 0;
  }

  /** Claims and runs tasks of job `generation` until none is left; the caller's share of the job. */
  function runTasks(ctl: Int32Array, memory: SharedMemory, k: TaskKernels, thread: number, generation: number): void {
    for (;;) {
      const claim = Atomics.load(ctl, CLAIM);
      if (claim >>> TASK_BITS !== generation) return;
      const task = claim & MAX_TASKS;
      if (task >= ctl[COUNT]) return;
      if (Atomics.compareExchange(ctl, CLAIM, claim, claim + 1) !== claim) continue;
      // Claimed: the job cannot finish (nor its parameters change) before this task is counted.
      const count = ctl[COUNT];
      ctl[TAKEN + thread]++;
      ctl[RUNNING + thread] = 1;
      try {
        runTask(ctl, memory, k, thread, task);
      } catch (error) {
        recordFailure(ctl, error);
      }
      ctl[RUNNING + thread] = 0;
      if (Atomics.add(ctl, DONE, 1) + 1 === count) Atomics.notify(ctl, DONE);
    }
  }

  /**
   * A worker's last act when its thread ends (Node's process 'exit' in the worker: its own
   * process.exit, or an uncaught error): counts it dead, and if it held a task, fails that
   * task's job and counts the task done, so that the caller's wait ends with an error.
   */
  function workerExit(ctl: Int32Array, thread: number, code: number): void {
    Atomics.add(ctl, DEAD, 1);
    if (ctl[RUNNING + thread] !== 0) {
      ctl[RUNNING + thread] = 0;
      recordFailure(ctl, `a worker of the pool exited with code ${code} in the middle of a task`);
      Atomics.add(ctl, DONE, 1);
    }
    Atomics.notify(ctl, DONE);
  }

  /** A worker's life: wait for a job, take part in it, until told to stop. */
  function workerLoop(ctl: Int32Array, memory: SharedMemory, k: TaskKernels, thread: number): void {
    let seen = 0;
    for (;;) {
      Atomics.wait(ctl, WAKE, seen);
      if (Atomics.load(ctl, STOP) !== 0) return;
      seen = Atomics.load(ctl, WAKE);
      runTasks(ctl, memory, k, thread, seen);
    }
  }

  const layout = { CLAIM, DONE, WAKE, STOP, FAILED, COUNT, KIND, DEAD, MESSAGE, TAKEN, MAX_THREADS, SIZE, TASK_BITS, MAX_TASKS, MAX_GENERATION, GEMM, CONV, WINOGRAD, PACK, ELEMENTWISE, MAX_POOL, COPY };
  const gemmParams = { ROW_TILES, COL_TILES, DEPTH, KC, A, B, C, LDC, SCRATCH, SCRATCH_STRIDE, TASK_ROWS, TASK_COLS, ACCUMULATE, SLICES_IN_KERNEL };
  return { layout, gemmParams, packParams: PK, convParams: CV, winogradParams: WG, elementwiseParams: EW, maxPoolParams: MP, copyParams: CP, runTask, runTasks, workerLoop, workerExit };
}

/** What threadRuntime() returns (named, so that declarations can refer to it). */
export interface ThreadRuntime {
  layout: Record<'CLAIM' | 'DONE' | 'WAKE' | 'STOP' | 'FAILED' | 'COUNT' | 'KIND' | 'DEAD' | 'MESSAGE' | 'TAKEN' | 'MAX_THREADS' | 'SIZE' | 'TASK_BITS' | 'MAX_TASKS' | 'MAX_GENERATION' | 'GEMM' | 'CONV' | 'WINOGRAD' | 'PACK' | 'ELEMENTWISE' | 'MAX_POOL' | 'COPY', number>;
  gemmParams: Record<'ROW_TILES' | 'COL_TILES' | 'DEPTH' | 'KC' | 'A' | 'B' | 'C' | 'LDC' | 'SCRATCH' | 'SCRATCH_STRIDE' | 'TASK_ROWS' | 'TASK_COLS' | 'ACCUMULATE' | 'SLICES_IN_KERNEL', number>;
  packParams: Record<'A_TASKS' | 'A_PANELS' | 'B_PANELS' | 'ROW_TILES' | 'COL_TILES' | 'DEPTH' | 'A_SOURCE' | 'A_PACKED' | 'B_PACKED' | 'RECORDS' | 'OFFSETS', number>;
  convParams: Record<'ROW_TILES' | 'COL_TILES' | 'DEPTH' | 'A' | 'B' | 'B_STRIDE' | 'RECORDS' | 'OFFSETS' | 'C' | 'LDC' | 'TASK_ROWS' | 'TASK_COLS' | 'ACCUMULATE', number>;
  winogradParams: Record<'TILES' | 'BLOCK_TILES' | 'PER_ROW' | 'CHANNELS' | 'ROWS' | 'ROWS_PADDED' | 'X' | 'ROW_BYTES' | 'PLANE_BYTES' | 'U' | 'V' | 'V_STRIDE' | 'CB' | 'CB_STRIDE' | 'OUT' | 'OUT_ROW_BYTES' | 'OUT_PLANE_BYTES', number>;
  elementwiseParams: Record<'OP' | 'A' | 'B' | 'B_MODE' | 'OUT' | 'N' | 'PLANE' | 'CHANNELS' | 'CHUNK', number>;
  maxPoolParams: Record<'PLANES' | 'SRC' | 'PLANE_BYTES' | 'IN_W' | 'OUT_H' | 'OUT_W' | 'ROWS' | 'COLS' | 'DST' | 'IDX' | 'CHUNK', number>;
  copyParams: Record<'PLANES' | 'ROWS' | 'WIDTH' | 'SRC' | 'SRC_ROW' | 'SRC_PLANE' | 'DST' | 'DST_ROW' | 'DST_PLANE' | 'ZERO_AT' | 'ZERO_LENGTH' | 'CHUNK', number>;
  runTask(ctl: Int32Array, memory: SharedMemory, k: TaskKernels, thread: number, task: number): void;
  runTasks(ctl: Int32Array, memory: SharedMemory, k: TaskKernels, thread: number, generation: number): void;
  workerLoop(ctl: Int32Array, memory: SharedMemory, k: TaskKernels, thread: number): void;
  workerExit(ctl: Int32Array, thread: number, code: number): void;
}
