// A training loop written as in PyTorch: no tidy, no dispose. The engine frees each tensor's
// buffer once the garbage collector has collected the Tensor object, so memory stays flat.
// gc() comes from --expose-gc (vitest.config.ts); finalizers run in a task after it.
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { getBackend, manualSeed, memory, randn, tensor } from '@nn/tensor';
import { Linear, MSELoss, SGD } from './index.js';

const gc = (globalThis as { gc?: () => void }).gc;

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Collection is seen between tasks (objects a job touched through a WeakRef live until it
 * ends; finalizers run as tasks), and a tape record reachable only through a collected
 * tensor goes in a second round.
 */
async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await nextTask();
    gc!();
    await nextTask();
  }
}

describe('a PyTorch-style training loop without tidy', () => {
  it('3,000 steps keep tensors and bytes flat once the garbage collector runs, and the loss falls', async () => {
    expect(gc, 'this file needs node --expose-gc (see vitest.config.ts)').toBeTypeOf('function');
    manualSeed(0);
    const model = new Linear(8, 1);
    const optimizer = new SGD(model.parameters(), { lr: 0.05 });
    const criterion = new MSELoss();
    const trueWeight = tensor([[1], [-2], [0.5], [3], [0], [1], [-1], [2]]);
    // One step exactly as a PyTorch user writes it: a fresh batch, forward, backward, update.
    const step = (): number => {
      const x = randn([16, 8]);
      const y = x.matmul(trueWeight);
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(x), y);
      loss.backward();
      optimizer.step();
      void criterion.forward(model.forward(randn([4, 8])), randn([4, 1])).item(); // validation without noGrad
      return loss.item();
    };
    const first = step();
    await collectGarbage();
    const before = memory();
    let last = first;
    let peakTensors = 0;
    for (let i = 1; i < 3000; i++) {
      last = step();
      if (i % 250 === 0) {
        peakTensors = Math.max(peakTensors, memory().numTensors);
        await collectGarbage();
      }
    }
    await collectGarbage();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataIds).toBe(before.numDataIds);
    expect(after.numBytes).toBe(before.numBytes);
    // The active backend's own count: cpu here, gpujs when the conformance package reruns this file.
    const backend = getBackend();
    expect(after.backends[backend].numBytes).toBe(before.backends[backend].numBytes);
    expect(peakTensors).toBeLessThan(250 * 20); // between collections, at most what 250 steps made
    expect(last).toBeLessThan(first * 0.01);
  });
});
