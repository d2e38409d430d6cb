import { afterAll, describe, expect, it } from 'vitest';
import { add, conv2d, engine, matmul, maxPool2d, memory, mul, randn, manualSeed, relu, tidy, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import type { CpuBackend } from '../backend_cpu.js';
import { wasmGemmAvailable } from '../kernels/gemm_wasm.js';
import { currentThreadPool, setNumThreads } from './threads.js';

/** A LeNet-sized step of the ops that run on the pool: conv, batch-norm-like mul and add, ReLU, pooling, a product. */
function step(x: Tensor, w: Tensor, scale: Tensor, shift: Tensor, fc: Tensor): void {
  tidy(() => {
    const h = maxPool2d(relu(add(mul(conv2d(x, w, null, { padding: 2 }), scale), shift)), 2);
    matmul(h.reshape([h.shape[0], -1]), fc).dataSync();
  });
}

describe.runIf(wasmGemmAvailable())('memory over many steps on two threads', () => {
  afterAll(() => setNumThreads(1));

  it('keeps the live tensors, their bytes, the buffer pool and the shared memory flat', () => {
    setNumThreads(2, { minWork: 0 });
    manualSeed(3);
    const x = randn([16, 1, 28, 28]);
    const w = randn([6, 1, 5, 5]);
    const scale = randn([1, 6, 1, 1]);
    const shift = randn([1, 6, 1, 1]);
    const fc = randn([6 * 14 * 14, 10]);
    const backend = engine().backend as CpuBackend;
    const reading = () => ({ ...memory(), pooledBytes: backend.pooledBytes, sharedFloats: currentThreadPool()!.heap(0)!.length });
    for (let i = 0; i < 3; i++) step(x, w, scale, shift, fc);
    const warm = reading();
    const tasks = currentThreadPool()!.tasksDispatched('conv2d');
    for (let i = 0; i < 40; i++) step(x, w, scale, shift, fc);
    expect(reading()).toEqual(warm);
    expect(currentThreadPool()!.tasksDispatched('conv2d')).toBeGreaterThan(tasks);
  });
});
