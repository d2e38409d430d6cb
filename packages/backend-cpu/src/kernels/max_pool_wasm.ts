/**
 * Max pooling over dense windows (dilation 1: ResNet's 3×3 stride-2 stem pool) on the
 * WebAssembly kernel (gemm.wat's `max_pool`), split over the worker pool by planes: the
 * JavaScript loop (pool_util.ts's maxOverWindows, which it matches value for value and index
 * for index) was a tenth of ResNet-18's calling thread on two threads. The input is copied
 * into the kernel's memory, the window ranges after it, and the values and indices out.
 */
import { jobRunner } from '../threads/jobs.js';
import { threadRuntime } from '../threads/runtime.js';
import { gemmKernel } from './gemm.js';
import type { WindowPlan } from './pool_util.js';

const { layout: jobs, maxPoolParams: MP } = threadRuntime();

/** Input values from which a pool takes this path (below, the loop costs less than the copies). */
const MAX_POOL_MIN = 1 << 14;
/** Input values at most (64 MiB of module memory with the outputs); larger pools keep the loop. */
const MAX_POOL_MAX = 1 << 23;
/** Multiply-adds a tap counts for against the pool's threshold (setNumThreads's minWork). */
const WORK_PER_TAP = 16;
/** Tasks per thread, so that a thread the OS runs late leaves little for the others to wait on. */
const TASKS_PER_THREAD = 4;

/** Values and flat indices of a dense max pool into out and idx; false (nothing done) where this path does not apply. */
export function maxPoolWasm(plan: WindowPlan, input: Float32Array, out: Float32Array, idx: Int32Array): boolean {
  const { planes, inH, inW, rows, cols } = plan;
  const outH = rows.start.length, outW = cols.start.length;
  if (input.length < MAX_POOL_MIN || input.length > MAX_POOL_MAX || gemmKernel() !== 'wasm') return false;
  const outPlane = outH * outW;
  const taps = out.length * ((rows.end[0] - rows.start[0]) * (cols.end[0] - cols.start[0]) || 1);
  // In 4-byte words: the input, the row and column ranges, the values, the indices.
  const rowsAt = input.length, colsAt = rowsAt + 2 * outH, dst = colsAt + 2 * outW, idxAt = dst + planes * outPlane;
  const end = idxAt + planes * outPlane;
  const runner = jobRunner(taps * WORK_PER_TAP, () => end);
  const heap = runner.heap(end)!;
  const words = new Int32Array(heap.buffer, 0, end);
  heap.set(input, 0);
  words.set(rows.start, rowsAt);
  words.set(rows.end, rowsAt + outH);
  words.set(cols.start, colsAt);
  words.set(cols.end, colsAt + outW);
  const chunk = runner.threads === 1 ? planes : Math.max(1, Math.ceil(planes / (TASKS_PER_THREAD * runner.threads)));
  const params = new Map([
    [MP.PLANES, planes], [MP.SRC, 0], [MP.PLANE_BYTES, inH * inW * 4], [MP.IN_W, inW], [MP.OUT_H, outH], [MP.OUT_W, outW],
    [MP.ROWS, rowsAt * 4], [MP.COLS, colsAt * 4], [MP.DST, dst * 4], [MP.IDX, idxAt * 4], [MP.CHUNK, chunk],
  ]);
  runner.run(jobs.MAX_POOL, params, Math.ceil(planes / chunk), 'maxPool2d');
  out.set(heap.subarray(dst, dst + planes * outPlane));
  idx.set(words.subarray(idxAt, end));
  return true;
}
