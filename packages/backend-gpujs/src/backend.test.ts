import '@nn/backend-cpu';
import { kernels as cpuKernels } from '@nn/backend-cpu';
import { add, engine, exp, getBackend, matmul, memory, relu, setBackend, sum, tensor, tidy } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRanIn } from './device.js';
import { GpujsBackend, kernels, setGpujsOptions } from './index.js';

setGpujsOptions({ mode: 'webasm' });

describe('registration', () => {
  it('registers gpujs below cpu, so that cpu stays the default', () => {
    expect(engine().registeredBackends()).toContain('gpujs');
    expect(getBackend()).toBe('cpu');
  });

  it('implements every kernel that backend-cpu has', () => {
    const missing = [...cpuKernels.keys()].filter((name) => !kernels.has(name));
    expect(missing).toEqual([]);
  });
});

describe('the gpujs backend', () => {
  let backend: GpujsBackend;
  beforeAll(async () => {
    await setBackend('gpujs');
    backend = engine().findBackend('gpujs') as GpujsBackend;
  });
  afterAll(async () => {
    await setBackend('cpu');
  });

  it('runs in the mode it was given', () => {
    expect(backend.mode).toBe('webasm');
    expect(new GpujsBackend({ mode: 'cpu' }).mode).toBe('cpu');
  });

  it("picks a working mode for 'auto' and says which", () => {
    const auto = new GpujsBackend({ mode: 'auto' });
    expect(['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu']).toContain(auto.mode);
    // The choice is the fastest of the modes it timed, and webasm always works in Node.
    const timings = Object.entries(auto.autoTimings);
    expect(timings.map(([mode]) => mode)).toContain('webasm');
    expect(Math.min(...timings.map(([, ms]) => ms))).toBe(auto.autoTimings[auto.mode]);
    expect(String(auto)).toMatch(new RegExp(`^gpujs backend: gpu.js mode '${auto.mode}' \\(auto-chosen; calibration matmul: .*webasm \\d+\\.\\d ms`));
    auto.destroy();
  });

  it('stores int32 exactly up to 2^24 and bool as 0/1', () => {
    tidy(() => {
      const big = tensor(new Int32Array([16777216, -16777216, 7, -3, 0]), [5]);
      expect(Array.from(big.dataSync())).toEqual([16777216, -16777216, 7, -3, 0]);
      expect(big.dataSync()).toBeInstanceOf(Int32Array);
      const flags = tensor([true, false, true]);
      expect(flags.dataSync()).toBeInstanceOf(Uint8Array);
      expect(Array.from(flags.dataSync())).toEqual([1, 0, 1]);
      expect(tensor([1, 2, 3]).cast('int32').add(1).toArray()).toEqual([2, 3, 4]);
    });
  });

  it('refuses an int32 value past ±2^24, written or moved here, instead of rounding it', async () => {
    const limit = /int32 value 2147483647 \(element 1\) cannot be held exactly: the gpujs backend stores int32 as float32, exact only within ±16777216 \(2\^24\)/;
    expect(() => tensor(new Int32Array([0, 2147483647]), [2])).toThrow(limit);
    expect(() => tensor(new Int32Array([16777217]), [1])).toThrow(/int32 value 16777217 \(element 0\)/);
    expect(() => tensor(new Int32Array([-16777217]), [1])).toThrow(/int32 value -16777217 \(element 0\)/);
    // Made on cpu, moved on first use by a gpujs kernel: the move is refused, never wrapped.
    await setBackend('cpu');
    const onCpu = tensor(new Int32Array([0, 2147483647]), [2]);
    await setBackend('gpujs');
    expect(() => add(onCpu, 1)).toThrow(limit);
    onCpu.dispose();
  });

  it('handles empty tensors without touching the device', () => {
    tidy(() => {
      const empty = tensor(new Float32Array(0), [0, 3]);
      expect(empty.add(1).shape).toEqual([0, 3]);
      expect(sum(empty, 0).toArray()).toEqual([0, 0, 0]);
    });
  });

  it('keeps results on the device and counts one texture per live buffer', async () => {
    const before = memory().backends.gpujs.numTextures;
    const x = tensor([[1, -2], [3, -4]]);
    const y = relu(x);
    expect(memory().backends.gpujs.numTextures).toBe(before + 2);
    expect(await y.data()).toEqual(new Float32Array([1, 0, 3, 0]));
    x.dispose();
    y.dispose();
    expect(memory().backends.gpujs.numTextures).toBe(before);
  });

  it('never changes an earlier result when a cached kernel runs again', () => {
    tidy(() => {
      const first = exp(tensor([0, 1]));
      const second = exp(tensor([2, 3]));
      expect(Array.from(first.dataSync())).toEqual([1, Math.fround(Math.E)]);
      expect(second.dataSync()[0]).toBeCloseTo(Math.exp(2), 4);
    });
  });

  it('compiles a kernel once per shape signature', () => {
    tidy(() => {
      const a = tensor([[1, 2], [3, 4]]);
      matmul(a, a);
      const compiled = backend.cachedKernels;
      expect(matmul(a, a).toArray()).toEqual([[7, 10], [15, 22]]);
      expect(backend.cachedKernels).toBe(compiled);
      matmul(tensor([[1, 2, 3]]), tensor([[1], [2], [3]]));
      expect(backend.cachedKernels).toBe(compiled + 1);
    });
  });

  it('clears its kernel cache on request and compiles again on next use', () => {
    tidy(() => {
      add(tensor([1]), tensor([2]));
      backend.clearKernelCache();
      expect(backend.cachedKernels).toBe(0);
      expect(add(tensor([1]), tensor([2])).toArray()).toEqual([3]);
      expect(backend.cachedKernels).toBe(1);
    });
  });
});

describe('a bounded kernel cache', () => {
  it('never holds more than its bound and stays correct after evictions', () => {
    const backend = new GpujsBackend({ mode: 'webasm', maxCachedKernels: 3 });
    const add = backend.kernels.get('Add')!;
    for (let n = 1; n <= 8; n++) {
      const values = new Float32Array(n).map((_, i) => i);
      const a = { dataId: backend.write(values, [n], 'float32'), shape: [n], dtype: 'float32' as const };
      const out = add({ inputs: { a, b: a }, attrs: {}, backend }) as { dataId: object };
      expect(Array.from(backend.readSync(out.dataId))).toEqual(Array.from(values, (v) => 2 * v));
      expect(backend.cachedKernels).toBeLessThanOrEqual(3);
      backend.dispose(a.dataId);
      backend.dispose(out.dataId);
    }
    expect(backend.memory().numTextures).toBe(0);
    backend.destroy();
  });
});

describe('mode check', () => {
  it('fails, naming kernel and mode, when gpu.js ran a kernel in another mode', () => {
    class WasmKernel {
      static mode = 'webasm';
    }
    class CpuKernel {
      static mode = 'cpu';
    }
    const fellBack = { kernel: { constructor: CpuKernel, fallbackReason: 'texture arguments' } };
    expect(() => assertRanIn('webasm', fellBack, 'Conv2D', WasmKernel)).toThrow(/kernel 'Conv2D' cannot run in mode 'webasm' \(gpu.js fell back to 'cpu': texture arguments\)/);
    expect(() => assertRanIn('webasm', { kernel: { constructor: WasmKernel } }, 'Conv2D', WasmKernel)).not.toThrow();
  });
});
