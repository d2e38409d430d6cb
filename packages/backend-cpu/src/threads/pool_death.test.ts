import { afterAll, describe, expect, it, vi } from 'vitest';
import { wasmGemmAvailable } from '../kernels/gemm_wasm.js';
import { ThreadPool } from './pool.js';
import { threadRuntime, type ThreadRuntime } from './runtime.js';
import { currentThreadPool, setNumThreads, threadPoolFor } from './threads.js';
import { workerSource } from './worker_source.js';

const runtime = threadRuntime();
const { DONE, KIND } = runtime.layout;
/** A job kind the test's workers die in. */
const EXIT_JOB = 98;

/** The worker's code, with one job kind more: a worker that takes its task calls process.exit(7). */
function exitingSource(): string {
  const source = workerSource().replace(/function runTask\(([^)]*)\) \{/, (head) => `${head}\nif (ctl[${KIND}] === ${EXIT_JOB}) process.exit(7);`);
  expect(source).not.toBe(workerSource());
  return source;
}

/** The worker's code, throwing (uncaught) where it would enter its loop. */
function throwingSource(): string {
  const source = workerSource().replace(/runtime\.workerLoop\([^)]*\);/, "throw new Error('boom');");
  expect(source).not.toBe(workerSource());
  return source;
}

/** The caller's runtime, waiting (up to 10 s) for the worker's first task to end before it takes the others, so that the worker surely takes one. */
const patientCaller: ThreadRuntime = {
  ...runtime,
  runTasks(ctl, memory, k, thread, generation) {
    Atomics.wait(ctl, DONE, 0, 10_000);
    runtime.runTasks(ctl, memory, k, thread, generation);
  },
};

describe.runIf(wasmGemmAvailable())('a worker that dies in the middle of a task', () => {
  afterAll(() => setNumThreads(1));

  it('fails that op with one error instead of leaving it waiting (process.exit in the worker)', () => {
    const pool = new ThreadPool(2, patientCaller, exitingSource());
    try {
      expect(pool.healthy).toBe(true);
      expect(() => pool.run(EXIT_JOB, new Map(), 4, 'conv2d')).toThrow(
        /^conv2d: a thread of the cpu backend's pool failed: a worker of the pool exited with code 7 in the middle of a task$/,
      );
      expect(pool.healthy).toBe(false);
    } finally {
      pool.terminate();
    }
  });

  it('counts a worker that an uncaught error ends as dead; its jobs still finish on the other threads', async () => {
    const pool = new ThreadPool(2, runtime, throwingSource());
    try {
      await vi.waitFor(() => expect(pool.healthy).toBe(false), { timeout: 5000 });
      expect(() => pool.run(99, new Map(), 8, 'test')).toThrow(/^test: a thread of the cpu backend's pool failed: Error: unknown job kind 99$/);
    } finally {
      pool.terminate();
    }
  });

  it('is replaced: the next op gets a fresh pool', () => {
    setNumThreads(2, { minWork: 0 });
    const first = threadPoolFor(1)!;
    vi.spyOn(first, 'healthy', 'get').mockReturnValue(false);
    const second = threadPoolFor(1);
    expect(second).not.toBe(first);
    expect(second?.healthy).toBe(true);
    expect(currentThreadPool()).toBe(second);
  });
});
