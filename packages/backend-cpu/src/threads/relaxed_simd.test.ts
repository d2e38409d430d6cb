import { setFlagsFromString } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';

// Node 20 has relaxed SIMD behind this V8 flag (Node 22+ by default; an unknown flag is ignored).
setFlagsFromString('--experimental-wasm-relaxed-simd');

function inputs(m: number, n: number, k: number) {
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
  const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11));
  return { a, b };
}

describe('the relaxed-SIMD kernel (f32x4.relaxed_madd)', () => {
  it('is chosen where the runtime has it, gives the same bits on one and two threads, and stays within float32 rounding of mul+add', async () => {
    vi.resetModules();
    const { wasmGemmRelaxed } = await import('../kernels/gemm_wasm.js');
    const { gemm } = await import('../kernels/gemm.js');
    const { setNumThreads, currentThreadPool } = await import('./threads.js');
    expect(wasmGemmRelaxed()).toBe(true);
    const m = 75, n = 133, k = 700;
    const { a, b } = inputs(m, n, k);
    const run = (threads: number): Float32Array => {
      setNumThreads(threads, { minWork: 0 });
      const c = new Float32Array(m * n);
      gemm({ m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, accumulate: false });
      return c;
    };
    const one = run(1);
    const two = run(2);
    expect(currentThreadPool()).not.toBeNull();
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    for (let i = 0; i < m; i += 7) {
      for (let j = 0; j < n; j += 5) {
        let exact = 0;
        for (let p = 0; p < k; p++) exact += a[i * k + p] * b[p * n + j];
        expect(Math.abs(one[i * n + j] - exact)).toBeLessThan(1e-4 * Math.max(1, Math.abs(exact)) + 1e-4);
      }
    }
  });

  it('is not used when NN_RELAXED_SIMD=0', async () => {
    vi.stubEnv('NN_RELAXED_SIMD', '0');
    vi.resetModules();
    const { wasmGemmRelaxed, wasmGemmAvailable } = await import('../kernels/gemm_wasm.js');
    expect(wasmGemmAvailable()).toBe(true);
    expect(wasmGemmRelaxed()).toBe(false);
    vi.unstubAllEnvs();
  });
});
