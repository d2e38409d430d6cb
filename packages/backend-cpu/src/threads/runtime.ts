/**
 * What every thread of the pool runs, the calling thread included: claim the tasks of the
 * current job one by one from a shared counter, run each, count it done. A task is one tile
 * of C (a range of MR-row panels × a range of NR-column panels) over the whole depth, so each
 * output element is summed by exactly one thread in the same order as on one thread, and the
 * result is bit-identical whatever the thread count and whoever takes which task. Claiming
 * (rather than a fixed split) lets a thread that the OS runs late take fewer tasks.
 *
 * The whole runtime is one self-contained function (no imports, no outside names but
 * globals): the worker gets its code as `threadRuntime.toString()` (worker_source.ts), so it
 * needs no file of its own and survives any bundler. The calling thread calls it directly.
 */

/** The wasm `block` export: packed A·B for (rowTiles, colTiles, kc, aBytes, bBytes, cBytes, ldcBytes). */
export type BlockFn = (rowTiles: number, colTiles: number, kc: number, a: number, b: number, c: number, ldc: number) => void;

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
  const PARAMS = 8; // the job's parameters
  const MESSAGE = 32;
  const MESSAGE_LENGTH = 224;
  const TAKEN = MESSAGE + MESSAGE_LENGTH; // tasks each thread has run so far, one slot per thread
  const MAX_THREADS = 64;
  const SIZE = TAKEN + MAX_THREADS;
  const TASK_BITS = 12;
  const MAX_TASKS = (1 << TASK_BITS) - 1;
  const MAX_GENERATION = (1 << (31 - TASK_BITS)) - 1;
  const GEMM = 1;
  // GEMM parameters: offsets in bytes of the shared memory, sizes in MR×NR tiles.
  const ROW_TILES = PARAMS, COL_TILES = PARAMS + 1, DEPTH = PARAMS + 2, KC = PARAMS + 3, A = PARAMS + 4, B = PARAMS + 5;
  const C = PARAMS + 6, LDC = PARAMS + 7, SCRATCH = PARAMS + 8, SCRATCH_STRIDE = PARAMS + 9, TASK_ROWS = PARAMS + 10;
  const TASK_COLS = PARAMS + 11, ACCUMULATE = PARAMS + 12;
  const MR = 4, NR = 8;

  /**
   * One tile of C = (accumulate ? C : 0) + A·B, from packed operands: depth slice `pc` of A is
   * ROW_TILES panels of MR×kc floats, of B COL_TILES panels of kc×NR floats; C has row stride
   * LDC floats. As gemmPackedWasm does: each slice's product is computed from zero by the wasm
   * kernel, then written into C (first slice, not accumulating) or added to it in float32.
   */
  function gemmTask(ctl: Int32Array, heap: Float32Array, block: BlockFn, thread: number, task: number): void {
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
      if (pc === 0 && ctl[ACCUMULATE] === 0) {
        block(rows, cols, kc, a, b, cTile, ldc * 4);
        continue;
      }
      block(rows, cols, kc, a, b, scratch, width * 4);
      for (let i = 0, src = scratch >> 2, dst = cTile >> 2; i < rows * MR; i++, src += width, dst += ldc) {
        for (let j = 0; j < width; j++) heap[dst + j] += heap[src + j];
      }
    }
  }

  function recordFailure(ctl: Int32Array, error: unknown): void {
    if (Atomics.compareExchange(ctl, FAILED, 0, 1) !== 0) return;
    const text = String(error instanceof Error ? `${error.name}: ${error.message}` : error);
    const length = Math.min(text.length, MESSAGE_LENGTH - 1);
    for (let i = 0; i < length; i++) ctl[MESSAGE + i] = text.charCodeAt(i);
    ctl[MESSAGE + length] = 0;
  }

  /** Claims and runs tasks of job `generation` until none is left; the caller's share of the job. */
  function runTasks(ctl: Int32Array, memory: SharedMemory, block: BlockFn, thread: number, generation: number): void {
    let heap: Float32Array | undefined;
    for (;;) {
      const claim = Atomics.load(ctl, CLAIM);
      if (claim >>> TASK_BITS !== generation) return;
      const task = claim & MAX_TASKS;
      if (task >= ctl[COUNT]) return;
      if (Atomics.compareExchange(ctl, CLAIM, claim, claim + 1) !== claim) continue;
      // Claimed: the job cannot finish (nor its parameters change) before this task is counted.
      const count = ctl[COUNT];
      ctl[TAKEN + thread]++;
      try {
        if (ctl[KIND] !== GEMM) throw new Error(`unknown job kind ${ctl[KIND]}`);
        // A view per job: the memory may have grown since the last one.
        heap ??= new Float32Array(memory.buffer);
        gemmTask(ctl, heap, block, thread, task);
      } catch (error) {
        recordFailure(ctl, error);
      }
      if (Atomics.add(ctl, DONE, 1) + 1 === count) Atomics.notify(ctl, DONE);
    }
  }

  /** A worker's life: wait for a job, take part in it, until told to stop. */
  function workerLoop(ctl: Int32Array, memory: SharedMemory, block: BlockFn, thread: number): void {
    let seen = 0;
    for (;;) {
      Atomics.wait(ctl, WAKE, seen);
      if (Atomics.load(ctl, STOP) !== 0) return;
      seen = Atomics.load(ctl, WAKE);
      runTasks(ctl, memory, block, thread, seen);
    }
  }

  const layout = { CLAIM, DONE, WAKE, STOP, FAILED, COUNT, KIND, MESSAGE, TAKEN, MAX_THREADS, SIZE, TASK_BITS, MAX_TASKS, MAX_GENERATION, GEMM };
  const gemmParams = { ROW_TILES, COL_TILES, DEPTH, KC, A, B, C, LDC, SCRATCH, SCRATCH_STRIDE, TASK_ROWS, TASK_COLS, ACCUMULATE };
  return { layout, gemmParams, runTasks, workerLoop };
}

/** What threadRuntime() returns (named, so that declarations can refer to it). */
export interface ThreadRuntime {
  layout: Record<'CLAIM' | 'DONE' | 'WAKE' | 'STOP' | 'FAILED' | 'COUNT' | 'KIND' | 'MESSAGE' | 'TAKEN' | 'MAX_THREADS' | 'SIZE' | 'TASK_BITS' | 'MAX_TASKS' | 'MAX_GENERATION' | 'GEMM', number>;
  gemmParams: Record<'ROW_TILES' | 'COL_TILES' | 'DEPTH' | 'KC' | 'A' | 'B' | 'C' | 'LDC' | 'SCRATCH' | 'SCRATCH_STRIDE' | 'TASK_ROWS' | 'TASK_COLS' | 'ACCUMULATE', number>;
  runTasks(ctl: Int32Array, memory: SharedMemory, block: BlockFn, thread: number, generation: number): void;
  workerLoop(ctl: Int32Array, memory: SharedMemory, block: BlockFn, thread: number): void;
}
