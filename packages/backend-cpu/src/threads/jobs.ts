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
