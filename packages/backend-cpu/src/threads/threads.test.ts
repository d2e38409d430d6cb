import { availableParallelism } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { gemm, type GemmArgs } from '../kernels/gemm.js';
import { threadRuntime } from './runtime.js';
import { currentThreadPool, getNumThreads, setNumThreads } from './threads.js';

function random(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 1073741824 - 1;
  }
  return out;
}

/** op(A)·op(B) (+ C) with odd offsets and a padded C, on `threads` threads. */
function product(m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean, threads: number): Float32Array {
  setNumThreads(threads, { minWork: 0 });
  const a = random(m * k + 3, 1);
  const b = random(k * n + 5, 2);
  const c = random(m * (n + 2) + 7, 3);
  const g: GemmArgs = {
    m, n, k, a, aOffset: 3, lda: transA ? m : k, transA, b, bOffset: 5, ldb: transB ? k : n, transB,
    c, cOffset: 7, ldc: n + 2, accumulate,
  };
  gemm(g);
  return c;
}

const sameBits = (x: Float32Array, y: Float32Array): boolean => Buffer.from(x.buffer).equals(Buffer.from(y.buffer));

describe('the threaded GEMM', () => {
  it('runs on two threads in Node, and on one after setNumThreads(1)', () => {
    setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });

  it.each([
    [67, 131, 37, false, false, false],
    [129, 75, 600, true, false, true],
    [9, 1027, 1100, false, true, false],
    [200, 33, 513, true, true, true],
    // Untransposed and deeper than one slice: one thread adds the slices in the kernel (gemm_wasm_resident.ts).
    [67, 131, 1100, false, false, false],
    [70, 45, 600, false, false, true],
  ])('gives the bits of one thread for %i×%i×%i (transA %s, transB %s, accumulate %s), on 2 and 3 threads', (m, n, k, transA, transB, accumulate) => {
    const one = product(m, n, k, transA, transB, accumulate, 1);
    expect(sameBits(product(m, n, k, transA, transB, accumulate, 2), one)).toBe(true);
    expect(sameBits(product(m, n, k, transA, transB, accumulate, 3), one)).toBe(true);
  });

  it('has the workers take tasks, not only the calling thread', () => {
    setNumThreads(2, { minWork: 0 });
    // A worker the OS has not scheduled takes none of one product's tasks; over many it takes some.
    for (let i = 0; i < 500 && (currentThreadPool()?.tasksTaken()[1] ?? 0) === 0; i++) product(256, 256, 64, false, false, false, 2);
    expect(currentThreadPool()!.tasksTaken()[1]).toBeGreaterThan(0);
  });

  it('reports an exception in a task as one error and stays usable', () => {
    setNumThreads(2, { minWork: 0 });
    const expected = product(70, 90, 50, false, false, false, 1);
    setNumThreads(2, { minWork: 0 });
    product(70, 90, 50, false, false, false, 2);
    const pool = currentThreadPool()!;
    const { gemmParams: P, layout } = threadRuntime();
    // A job whose operands lie past the end of the shared memory: the kernel traps in every task.
    const outside = 1 << 30;
    const params = new Map([[P.ROW_TILES, 4], [P.COL_TILES, 4], [P.DEPTH, 8], [P.KC, 8], [P.A, outside], [P.B, outside], [P.C, 0], [P.LDC, 32], [P.SCRATCH, 0], [P.SCRATCH_STRIDE, 0], [P.TASK_ROWS, 1], [P.TASK_COLS, 4], [P.ACCUMULATE, 0]]);
    expect(() => pool.run(layout.GEMM, params, 4, 'gemm')).toThrow(/^gemm: a thread of the cpu backend's pool failed: RuntimeError: memory access out of bounds$/);
    expect(() => pool.run(99, new Map(), 3, 'test')).toThrow(/^test: a thread of the cpu backend's pool failed: Error: unknown job kind 99$/);
    expect(currentThreadPool()).toBe(pool);
    expect(sameBits(product(70, 90, 50, false, false, false, 2), expected)).toBe(true);
  });

  it('rejects a thread count that is not a positive integer, and unknown options', () => {
    expect(() => setNumThreads(0)).toThrow('setNumThreads: expected a positive integer, got 0');
    expect(() => setNumThreads(1.5)).toThrow('setNumThreads: expected a positive integer, got 1.5');
    expect(() => setNumThreads(2, { minWork: -1 })).toThrow('setNumThreads: minWork must be a number >= 0, got -1');
    expect(() => setNumThreads(2, { chunk: 4 } as never)).toThrow("setNumThreads: unknown option 'chunk' (known: minWork)");
  });

  it('defaults to NN_NUM_THREADS, else to the core count', async () => {
    vi.stubEnv('NN_NUM_THREADS', '');
    vi.resetModules();
    expect((await import('./threads.js')).getNumThreads()).toBe(availableParallelism());
    vi.stubEnv('NN_NUM_THREADS', '3');
    vi.resetModules();
    expect((await import('./threads.js')).getNumThreads()).toBe(3);
    vi.stubEnv('NN_NUM_THREADS', 'two');
    vi.resetModules();
    const fresh = await import('./threads.js');
    expect(() => fresh.getNumThreads()).toThrow("NN_NUM_THREADS: expected a positive integer, got 'two'");
    vi.unstubAllEnvs();
  });
});
