/**
 * Where a convolution's tasks run: on the worker pool (its shared memory and kernel instance),
 * or, for an op below the pool's size or with threads off, on the calling thread, one task
 * after the other, with the same task code (runtime.ts) on the single-thread kernel's memory.
 * The convolutions are written once against this interface, so one thread and many share
 * their arithmetic, and the split into tasks never changes a bit (each output element
 * belongs to one task, summed in the same order).
 */
import { wasmKernels, type GemmModule } from '../kernels/gemm_wasm.js';
import type { ThreadPool } from './pool.js';
import { threadRuntime } from './runtime.js';
import { threadPoolFor } from './threads.js';

export interface JobRunner {
  /** Threads that take tasks: the size of a job's per-thread scratch. */
  readonly threads: number;
  /** The kernel on the memory that heap() views. */
  readonly kernels: GemmModule;
  /** A float32 view of at least `floats` of the runner's memory (detached by the next call that grows it), or null where it cannot grow so far. */
  heap(floats: number): Float32Array | null;
  /** Runs tasks 0..count-1 of job `kind` with `params` (control slots → values), and `meanwhile` first or while the workers start on them. */
  run(kind: number, params: ReadonlyMap<number, number>, count: number, op: string, meanwhile?: () => void): void;
}

const runtime = threadRuntime();
const control = new Int32Array(runtime.layout.SIZE);

/** The calling thread, on the single-thread kernel's own memory; requires the SIMD kernel. */
const callingThread: JobRunner = {
  threads: 1,
  get kernels() {
    return wasmKernels(0).module;
  },
  heap: (floats) => wasmKernels(floats).heap,
  run(kind, params, count, _op, meanwhile) {
    meanwhile?.();
    control[runtime.layout.KIND] = kind;
    for (const [slot, value] of params) control[slot] = value;
    const { module } = wasmKernels(0);
    for (let task = 0; task < count; task++) runtime.runTask(control, module.memory, module, 0, task);
  },
};

/**
 * The pool for an op of `work` multiply-adds whose shared memory can hold `floats`, else the
 * calling thread (whose memory then has to: the caller's budgets keep it bounded).
 */
export function jobRunner(work: number, floats: (threads: number) => number): JobRunner {
  const pool: ThreadPool | null = threadPoolFor(work);
  if (pool !== null && pool.heap(floats(pool.threads)) !== null) return pool;
  return callingThread;
}

const { layout: jobKinds, copyParams: CP } = runtime;
/** Copy tasks per thread, so that a thread the OS runs late leaves little for the others to wait on. */
const COPY_TASKS_PER_THREAD = 4;

/** Planes of rows from one layout to another within the runner's memory (offsets and strides in floats), each destination plane zeroed first over `zero` floats from `zeroAt` where given. */
export interface PlaneCopy {
  planes: number;
  rows: number;
  width: number;
  src: number;
  srcRow: number;
  srcPlane: number;
  dst: number;
  dstRow: number;
  dstPlane: number;
  zeroAt?: number;
  zero?: number;
}

/**
 * Runs a PlaneCopy as a job, split by planes over the runner's threads: a convolution's input
 * is copied into the memory in one piece (a memcpy) and padded there, and its output gathered
 * into one piece to copy out, so the calling thread's share is two memcpys, not a loop per row.
 */
export function copyPlanes(runner: JobRunner, c: PlaneCopy, op: string): void {
  const chunk = runner.threads === 1 ? c.planes : Math.max(1, Math.ceil(c.planes / (COPY_TASKS_PER_THREAD * runner.threads)));
  const params = new Map([
    [CP.PLANES, c.planes], [CP.ROWS, c.rows], [CP.WIDTH, c.width], [CP.SRC, c.src], [CP.SRC_ROW, c.srcRow], [CP.SRC_PLANE, c.srcPlane],
    [CP.DST, c.dst], [CP.DST_ROW, c.dstRow], [CP.DST_PLANE, c.dstPlane], [CP.ZERO_AT, c.zeroAt ?? 0], [CP.ZERO_LENGTH, c.zero ?? 0], [CP.CHUNK, chunk],
  ]);
  runner.run(jobKinds.COPY, params, Math.ceil(c.planes / chunk), op);
}
