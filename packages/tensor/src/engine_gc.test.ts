// Collected tensors: a Tensor object the garbage collector takes without dispose() gives its
// reference back, and the buffer goes with the last one, exactly once. gc() comes from
// --expose-gc (vitest.config.ts); finalizers run as tasks after it.
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { KernelName } from './kernel_names.js';
import type { Tensor } from './tensor.js';
import { StoreBackend } from './test-utils/store_backend.js';

const gc = (globalThis as { gc?: () => void }).gc;
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function collectGarbage(): Promise<void> {
  await nextTask();
  gc!();
  await nextTask();
}

function fresh(): { e: Engine; backend: StoreBackend } {
  const e = new Engine();
  const backend = new StoreBackend();
  e.registerBackend('store', () => backend);
  e.setBackendSync('store');
  return { e, backend };
}

/** Makes tensors in a frame of their own, so nothing on this stack holds them. */
function makeGarbage(e: Engine, count: number): void {
  for (let i = 0; i < count; i++) e.makeTensor(new Float32Array(256), [256], 'float32');
}

describe('Engine and the garbage collector', () => {
  it('frees the buffers of tensors collected without dispose and stops counting them', async () => {
    expect(gc, 'this file needs node --expose-gc (see vitest.config.ts)').toBeTypeOf('function');
    const { e, backend } = fresh();
    const kept = e.makeTensor(new Float32Array(4), [4], 'float32');
    makeGarbage(e, 1000);
    expect(e.memory().numTensors).toBe(1001);
    await collectGarbage();
    expect(e.memory()).toMatchObject({ numTensors: 1, numDataIds: 1, numBytes: 16 });
    expect(backend.store.size).toBe(1);
    expect(e.readSync(kept)).toEqual(new Float32Array(4));
  });

  it('keeps a shared buffer while one handle lives, and frees it once, after dispose or collection', async () => {
    const { e, backend } = fresh();
    const base = e.makeTensor(new Float32Array([1, 2, 3, 4]), [4], 'float32');
    ((): void => void e.runKernel(KernelName.Reshape, { x: base }, { shape: [2, 2] }))();
    await collectGarbage();
    expect(e.memory()).toMatchObject({ numTensors: 1, numDataIds: 1 });
    expect(Array.from(e.readSync(base))).toEqual([1, 2, 3, 4]);
    ((): void => {
      const view = e.runKernel(KernelName.Reshape, { x: base }, { shape: [2, 2] })[0];
      e.disposeTensor(view); // disposed, then collected: released once, not twice
    })();
    e.disposeTensor(base);
    await collectGarbage();
    expect(e.memory()).toMatchObject({ numTensors: 0, numDataIds: 0 });
    expect(backend.disposed).toBe(1);
  });

  it('releases the buffer an assigned tensor holds now, not the one it held', async () => {
    const { e, backend } = fresh();
    const value = e.makeTensor(new Float32Array([5, 6]), [2], 'float32');
    ((): void => {
      const target: Tensor = e.makeTensor(new Float32Array([1, 2]), [2], 'float32');
      e.assign(target, value); // the old buffer goes now; target shares value's
    })();
    expect(e.memory()).toMatchObject({ numTensors: 2, numDataIds: 1 });
    await collectGarbage();
    expect(e.memory()).toMatchObject({ numTensors: 1, numDataIds: 1 });
    expect(Array.from(e.readSync(value))).toEqual([5, 6]);
    e.disposeTensor(value);
    expect(backend.store.size).toBe(0);
  });

  it('collects what leaves tidy (returned to the top or kept), and never what tidy frees', async () => {
    const { e, backend } = fresh();
    ((): void => {
      e.tidy(() => {
        e.keep(e.makeTensor(new Float32Array(8), [8], 'float32'));
        return e.tidy(() => [e.makeTensor(new Float32Array(8), [8], 'float32'), e.makeTensor(new Float32Array(8), [8], 'float32')]);
      });
    })();
    expect(e.memory()).toMatchObject({ numTensors: 3, numDataIds: 3 });
    await collectGarbage();
    expect(e.memory()).toMatchObject({ numTensors: 0, numDataIds: 0 });
    expect(backend.disposed).toBe(3);
  });

  it('a tensor disposed in the same job is never released again by the collector', async () => {
    const { e, backend } = fresh();
    ((): void => {
      for (let i = 0; i < 5000; i++) e.disposeTensor(e.makeTensor(new Float32Array(1), [1], 'float32'));
    })();
    await collectGarbage();
    expect(e.memory()).toMatchObject({ numTensors: 0, numDataIds: 0 });
    expect(backend.disposed).toBe(5000);
  });
});
