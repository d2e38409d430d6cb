import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GemmArgs } from '../kernels/gemm.js';

const warning = /^@nn\/backend-cpu: (.*); running on one thread\.$/;

/** A fresh copy of the modules, so that the check for thread support runs again under the stubs. */
async function freshModules() {
  vi.resetModules();
  const threads = await import('./threads.js');
  const { gemm } = await import('../kernels/gemm.js');
  return { ...threads, gemm };
}

function product(gemm: (g: GemmArgs) => void): Float32Array {
  const m = 40, n = 50, k = 30;
  const a = Float32Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
  const b = Float32Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
  const c = new Float32Array(m * n);
  gemm({ m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, accumulate: false });
  return c;
}

describe('where threads cannot run', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('without shared memory (a page that is not cross-origin isolated): says so once, runs on one thread, same result', async () => {
    const expected = product((await freshModules()).gemm);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { gemm, setNumThreads, getNumThreads, currentThreadPool } = await freshModules();
    setNumThreads(2, { minWork: 0 });
    expect(product(gemm)).toEqual(expected);
    expect(product(gemm)).toEqual(expected);
    expect(getNumThreads()).toBe(1);
    expect(currentThreadPool()).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(warning);
    expect(warn.mock.calls[0][0]).toContain('SharedArrayBuffer is unavailable (a browser page needs cross-origin isolation');
  });

  it("where Atomics.wait is forbidden (a page's main thread): says so once and runs on one thread", async () => {
    const expected = product((await freshModules()).gemm);
    vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { gemm, setNumThreads, getNumThreads } = await freshModules();
    setNumThreads(4, { minWork: 0 });
    expect(product(gemm)).toEqual(expected);
    expect(getNumThreads()).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain("Atomics.wait is not allowed on a page's main thread (run the model in a Web Worker to use threads)");
  });
});
