// The engine's bookkeeping, on a tiny in-test backend (real backends run the same checks
// in the conformance suite). Most tests use a fresh Engine; those that go through the
// public ops use the process-wide one with the fake registered as its only backend.
import { describe, expect, it } from 'vitest';
import type { Backend, DataId, KernelFunc, TensorInfo } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { engine, Engine, memory, setBackend, tidy, type KernelRun } from './engine.js';
import { KernelName } from './kernel_names.js';
import { add, exp, reshape, tensor } from './index.js';
import type { Tensor } from './tensor.js';

/** Float32 storage and three kernels: Add (same shape, or b a scalar), Exp, Reshape. */
class FakeBackend implements Backend {
  readonly kernels = new Map<string, KernelFunc>();
  readonly store = new Map<DataId, TypedArray>();

  constructor(
    readonly name: string,
    kernelNames: readonly string[] = [KernelName.Add, KernelName.Exp, KernelName.Reshape],
  ) {
    const out = (values: Float32Array, info: TensorInfo, shape = info.shape): TensorInfo => ({
      dataId: this.write(values, shape, info.dtype),
      shape,
      dtype: info.dtype,
    });
    const all: Record<string, KernelFunc> = {
      [KernelName.Add]: ({ inputs: { a, b } }) => {
        const x = this.store.get(a.dataId)!;
        const y = this.store.get(b.dataId)!;
        return out(Float32Array.from(x, (v, i) => v + y[y.length === 1 ? 0 : i]), a);
      },
      [KernelName.Exp]: ({ inputs: { x } }) => out(Float32Array.from(this.store.get(x.dataId)!, Math.exp), x),
      [KernelName.Reshape]: ({ inputs: { x }, attrs }) => ({ dataId: x.dataId, shape: (attrs as { shape: number[] }).shape, dtype: x.dtype }),
    };
    for (const k of kernelNames) this.kernels.set(k, all[k]);
  }

  write(values: TypedArray, _shape: readonly number[], _dtype: DType, dataId: DataId = {}): DataId {
    this.store.set(dataId, values);
    return dataId;
  }
  readSync(dataId: DataId): TypedArray {
    return this.store.get(dataId)!.slice();
  }
  read(dataId: DataId): Promise<TypedArray> {
    return Promise.resolve(this.readSync(dataId));
  }
  dispose(dataId: DataId): void {
    this.store.delete(dataId);
  }
  memory(): { numDataIds: number; numBytes: number } {
    let numBytes = 0;
    for (const v of this.store.values()) numBytes += v.byteLength;
    return { numDataIds: this.store.size, numBytes };
  }
}

/** A fresh engine with one fake backend active. */
function fresh(kernelNames?: readonly string[]): { e: Engine; backend: FakeBackend } {
  const e = new Engine();
  const backend = new FakeBackend('fake', kernelNames);
  e.registerBackend('fake', () => backend);
  e.setBackendSync('fake');
  return { e, backend };
}

const values = (e: Engine, t: Tensor): number[] => Array.from(e.readSync(t));
const f32 = (...v: number[]): Float32Array => Float32Array.from(v);
const addOne = (e: Engine, t: Tensor): Tensor => e.runKernel(KernelName.Add, { a: t, b: e.makeTensor(f32(1), [], 'float32') })[0];

describe('Engine memory', () => {
  it('tidy frees every tensor made inside except what it returns', () => {
    const { e, backend } = fresh();
    const x = e.makeTensor(f32(1, 2, 3), [3], 'float32');
    const before = e.memory();
    const y = e.tidy(() => {
      let t = x;
      for (let i = 0; i < 1000; i++) t = addOne(e, t);
      return t;
    });
    expect(values(e, y)).toEqual([1001, 1002, 1003]);
    expect(e.memory().numTensors).toBe(before.numTensors + 1);
    expect(backend.store.size).toBe(2);
    e.disposeTensor(y);
    expect(e.memory()).toEqual(before);
  });

  it('returns a nested tidy’s result to the parent scope, which frees it unless it returns it too', () => {
    const { e } = fresh();
    let inner: Tensor | undefined;
    const outer = e.tidy(() => {
      inner = e.tidy(() => addOne(e, e.makeTensor(f32(1), [1], 'float32')));
      expect(inner.isDisposed).toBe(false);
      return { list: [addOne(e, inner)] };
    });
    expect(inner!.isDisposed).toBe(true);
    expect(values(e, outer.list[0])).toEqual([3]);
    expect(e.memory().numTensors).toBe(1);
  });

  it('keep() exempts a tensor from tidy; dispose frees it, twice is harmless', () => {
    const { e } = fresh();
    let kept: Tensor | undefined;
    e.tidy(() => {
      kept = e.keep(e.makeTensor(f32(5), [1], 'float32'));
      e.makeTensor(f32(6), [1], 'float32');
    });
    expect(kept!.isDisposed).toBe(false);
    expect(e.memory().numTensors).toBe(1);
    e.disposeTensor(kept!);
    e.disposeTensor(kept!);
    expect(e.memory()).toMatchObject({ numTensors: 0, numDataIds: 0, numBytes: 0 });
  });

  it('frees the scope of a function that throws, and refuses async functions', () => {
    const { e } = fresh();
    expect(() =>
      e.tidy(() => {
        e.makeTensor(f32(1), [1], 'float32');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // What a caller without types could pass: an async function.
    const asyncFn = (() => Promise.resolve()) as unknown as () => void;
    expect(() => e.tidy(asyncFn)).toThrow(/tidy: .*Promise/);
    expect(e.memory().numTensors).toBe(0);
  });

  it('counts one buffer for handles that share it and frees it with the last handle', () => {
    const { e, backend } = fresh();
    const x = e.makeTensor(f32(1, 2, 3, 4), [4], 'float32');
    const y = e.runKernel(KernelName.Reshape, { x }, { shape: [2, 2] })[0];
    expect(e.memory()).toMatchObject({ numTensors: 2, numDataIds: 1, numBytes: 16 });
    e.disposeTensor(x);
    expect(values(e, y)).toEqual([1, 2, 3, 4]);
    e.disposeTensor(y);
    expect(backend.store.size).toBe(0);
  });

  it('assign points a tensor at another buffer and frees the old one', () => {
    const { e, backend } = fresh();
    const target = e.makeTensor(f32(1, 1), [2], 'float32');
    const value = e.makeTensor(f32(7, 8), [2], 'float32');
    e.assign(target, value);
    e.disposeTensor(value);
    expect(values(e, target)).toEqual([7, 8]);
    expect(backend.store.size).toBe(1);
    expect(() => e.assign(target, e.makeTensor(f32(1), [1], 'float32'))).toThrow(/assign: value of shape \[1\] float32 does not match target \[2\] float32/);
  });

  it('names the op and the tensor when a disposed tensor is used', () => {
    const { e } = fresh();
    const x = e.makeTensor(f32(1), [1], 'float32');
    e.disposeTensor(x);
    expect(() => e.readSync(x)).toThrow(/dataSync: tensor \d+ \(shape \[1\]\) has been disposed/);
    expect(() => e.runKernel(KernelName.Exp, { x })).toThrow(/Exp: tensor \d+ .*disposed/);
  });
});

describe('Engine backends and kernels', () => {
  it('names the kernel and the backend when a kernel is missing', () => {
    const { e } = fresh([KernelName.Add]);
    const x = e.makeTensor(f32(1), [1], 'float32');
    expect(() => e.runKernel(KernelName.Exp, { x })).toThrow("kernel 'Exp' is not implemented by backend 'fake'");
  });

  it('names the registered backends when asked for an unknown one', async () => {
    const { e } = fresh();
    await expect(e.setBackend('gpu')).rejects.toThrow("backend 'gpu' is not registered (registered: fake)");
    expect(() => new Engine().backend).toThrow(/no backend is registered/);
  });

  it('picks the highest-priority backend by default and waits for an asynchronous one', async () => {
    const e = new Engine();
    e.registerBackend('low', () => new FakeBackend('low'), 1);
    e.registerBackend('high', () => new FakeBackend('high'), 5);
    expect(e.backendName).toBe('high');
    e.registerBackend('later', () => Promise.resolve(new FakeBackend('later')));
    expect(() => e.setBackendSync('later')).toThrow(/initialises asynchronously/);
    await e.setBackend('later');
    expect(e.backend.name).toBe('later');
  });

  it('moves a buffer to the backend that runs the kernel; every handle follows', async () => {
    const e = new Engine();
    const first = new FakeBackend('first');
    const second = new FakeBackend('second');
    e.registerBackend('first', () => first);
    e.registerBackend('second', () => second);
    await e.setBackend('first');
    const x = e.makeTensor(f32(1, 2), [2], 'float32');
    const alias = e.runKernel(KernelName.Reshape, { x }, { shape: [1, 2] })[0];
    await e.setBackend('second');
    const y = e.runKernel(KernelName.Exp, { x })[0];
    expect(e.backendOf(x)).toBe(second);
    expect(e.backendOf(alias)).toBe(second);
    expect(first.store.size).toBe(0);
    expect(second.store.size).toBe(2);
    expect(values(e, alias)).toEqual([1, 2]);
    expect(values(e, y).map((v) => Math.log(v))).toEqual([expect.closeTo(1, 6), expect.closeTo(2, 6)]);
    expect(e.memory().backends).toEqual({ first: { numDataIds: 0, numBytes: 0 }, second: { numDataIds: 2, numBytes: 16 } });
  });

  it('tells listeners each kernel run with its inputs, attributes and outputs until they stop', () => {
    const { e } = fresh();
    const runs: KernelRun[] = [];
    const stop = e.onKernelRun((run) => runs.push(run));
    const x = e.makeTensor(f32(1, 2), [2], 'float32');
    const [y] = e.runKernel(KernelName.Reshape, { x }, { shape: [2, 1] });
    stop();
    e.runKernel(KernelName.Exp, { x });
    expect(runs).toHaveLength(1);
    expect(runs[0].kernelName).toBe('Reshape');
    expect(runs[0].inputs.x).toBe(x);
    expect(runs[0].attrs).toEqual({ shape: [2, 1] });
    expect(runs[0].outputs).toEqual([y]);
  });
});

describe('the process-wide engine through the public ops', () => {
  it('runs ops on the active backend and frees them in tidy', async () => {
    engine().registerBackend('fake-global', () => new FakeBackend('fake-global'));
    await setBackend('fake-global');
    const before = memory();
    const x = tensor([1, 2, 3]);
    const y = tidy(() => reshape(add(exp(x), 1), [3, 1]));
    expect(y.shape).toEqual([3, 1]);
    expect(Array.from(y.dataSync())).toEqual([Math.exp(1) + 1, Math.exp(2) + 1, Math.exp(3) + 1].map(Math.fround));
    x.dispose();
    expect(() => add(x, 1)).toThrow(/add: .*disposed/);
    expect(() => x.dataSync()).toThrow(/dataSync: .*disposed/);
    y.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });
});
