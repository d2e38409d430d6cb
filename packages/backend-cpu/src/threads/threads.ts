/**
 * How many threads the CPU backend uses: `setNumThreads(n)`, else the NN_NUM_THREADS
 * environment variable, else the core count (os.availableParallelism() in Node,
 * navigator.hardwareConcurrency in browsers). Only products of at least `minWork`
 * multiply-adds go to the pool: below that, waking the workers costs more than they save.
 * Where threads cannot run (no shared memory, a page's main thread), the backend says why
 * once and runs on one thread.
 */
import { ThreadPool, threadsUnavailable } from './pool.js';
import { threadRuntime } from './runtime.js';

/**
 * Multiply-adds from which a GEMM is split over threads: 2²² (a 128×128×256 product, about
 * 0.3 ms on one thread here), where a wake-up of 20–50 µs is already small.
 */
const DEFAULT_MIN_WORK = 1 << 22;
const MAX_THREADS = threadRuntime().layout.MAX_THREADS;

export interface NumThreadsOptions {
  /**
   * Multiply-adds from which an op is split over threads (default 2²²; tests set 0 to thread
   * every op, Infinity keeps the workers but runs every op on the calling thread).
   */
  minWork?: number;
}

let requested: number | undefined;
let minWork = DEFAULT_MIN_WORK;
let pool: ThreadPool | null = null;
/** Why threads are off here, once found (undefined: not checked yet). */
let unavailable: string | null | undefined;
let warned = false;

/** Sets the threads the CPU backend uses (1 turns the pool off and stops its workers), and the size from which an op uses them. */
export function setNumThreads(threads: number, options: NumThreadsOptions = {}): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`setNumThreads: expected a positive integer, got ${String(threads)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'minWork') throw new Error(`setNumThreads: unknown option '${key}' (known: minWork)`);
  }
  const work = options.minWork ?? DEFAULT_MIN_WORK;
  if (!(work >= 0)) throw new Error(`setNumThreads: minWork must be a number >= 0, got ${String(options.minWork)}`);
  minWork = work;
  requested = Math.min(threads, MAX_THREADS);
  if (pool !== null && pool.threads !== requested) {
    pool.terminate();
    pool = null;
  }
}

/** The threads ops run on: the setting, or 1 where threads are unavailable. */
export function getNumThreads(): number {
  const threads = wantedThreads();
  return threads > 1 && whyUnavailable() === null ? threads : 1;
}

/** The pool for an op of `work` multiply-adds, or null where it runs on the calling thread. */
export function threadPoolFor(work: number): ThreadPool | null {
  if (work < minWork) return null;
  if (pool !== null && pool.healthy) return pool;
  if (pool !== null) {
    // A worker died (its op threw): start a fresh set.
    pool.terminate();
    pool = null;
  }
  const threads = wantedThreads();
  if (threads <= 1) return null;
  const reason = whyUnavailable();
  if (reason !== null) {
    if (!warned) (globalThis as unknown as { console: { warn(text: string): void } }).console.warn(`@nn/backend-cpu: ${reason}; running on one thread.`);
    warned = true;
    return null;
  }
  try {
    pool = new ThreadPool(threads);
  } catch (error) {
    unavailable = `the worker pool could not start (${String(error)})`;
    return threadPoolFor(work);
  }
  return pool;
}

/** The running pool, if any (tests and benchmarks read its task counts). */
export function currentThreadPool(): ThreadPool | null {
  return pool;
}

function whyUnavailable(): string | null {
  unavailable ??= threadsUnavailable();
  return unavailable;
}

function wantedThreads(): number {
  requested ??= Math.min(defaultThreads(), MAX_THREADS);
  return requested;
}

function defaultThreads(): number {
  const scope = globalThis as unknown as {
    process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  const env = scope.process?.env?.NN_NUM_THREADS;
  if (env !== undefined && env !== '') {
    const threads = Number(env);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`NN_NUM_THREADS: expected a positive integer, got '${env}'`);
    return threads;
  }
  const os = scope.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  return scope.navigator?.hardwareConcurrency ?? 1;
}
