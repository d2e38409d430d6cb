import { Script, runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { gemmOnPool } from '../kernels/gemm_threaded.js';
import { gemmResidentWasm, prefersResident } from '../kernels/gemm_wasm_resident.js';
import type { GemmArgs } from '../kernels/gemm.js';
import { ThreadPool } from './pool.js';
import { threadRuntime, type ThreadRuntime } from './runtime.js';
import { workerSource } from './worker_source.js';

describe('the worker source', () => {
  it('is valid JavaScript on its own', () => {
    expect(() => new Script(workerSource())).not.toThrow();
  });

  it('holds a runtime that uses no name from outside its own text (workers get it as a string)', () => {
    // Evaluated in a fresh context with nothing in scope but the language's globals, then run: a free variable would throw.
    const isolated = runInNewContext(`(${threadRuntime.toString()})()`) as ThreadRuntime;
    const pool = new ThreadPool(1, isolated);
    const m = 37, n = 145, k = 529;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const args = (c: Float32Array): GemmArgs => ({ m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, accumulate: true });
    const onPool = Float32Array.from({ length: m * n }, (_, i) => i);
    const single = onPool.slice();
    expect(gemmOnPool(pool, args(onPool))).toBe(true);
    // The path one thread takes for this product, whose bits the pool matches.
    expect(prefersResident(args(single))).toBe(true);
    gemmResidentWasm(args(single));
    expect(onPool).toEqual(single);
    expect(pool.tasksTaken()[0]).toBeGreaterThan(1);
    pool.terminate();
  });
});
