/**
 * The engine on a real backend: memory comes back after tidy, keep and dispose behave,
 * errors name what went wrong, tensors move between two backends, the kernel-run hook
 * reports every kernel, the seeded generator repeats, and the factories and readers give
 * the values they promise.
 */
import { CpuBackend } from '@nn/backend-cpu';
import {
  add,
  arange,
  bernoulli,
  dispose,
  engine,
  exp,
  eye,
  full,
  getBackend,
  keep,
  linspace,
  manualSeed,
  memory,
  mul,
  ones,
  rand,
  randint,
  randn,
  registerBackend,
  setBackend,
  sum,
  tensor,
  tidy,
  zeros,
  type Backend,
  type DataId,
  type KernelRun,
  type Tensor,
  type TypedArray,
} from '@nn/tensor';
import { afterEach, describe, expect, it } from 'vitest';

/** A backend that stores data but implements no kernel. */
function kernelFreeBackend(name: string): Backend {
  const store = new Map<DataId, TypedArray>();
  return {
    name,
    kernels: new Map(),
    write: (values, _shape, _dtype, dataId = {}) => (store.set(dataId, values), dataId),
    readSync: (dataId) => store.get(dataId)!.slice(),
    read: (dataId) => Promise.resolve(store.get(dataId)!.slice()),
    dispose: (dataId) => void store.delete(dataId),
    memory: () => ({ numDataIds: store.size, numBytes: [...store.values()].reduce((n, v) => n + v.byteLength, 0) }),
  };
}

const SECOND = 'conformance-second-cpu';
const KERNEL_FREE = 'conformance-kernel-free';

/** The values of a tensor made by `make`, which is disposed. */
function valuesOf(make: () => Tensor): TypedArray {
  const t = make();
  const values = t.dataSync();
  t.dispose();
  return values;
}

function stats(values: ArrayLike<number>): { mean: number; variance: number } {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  const m = total / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - m) ** 2;
  return { mean: m, variance: squares / values.length };
}

export function defineEngineSuite(backend: string): void {
  describe(`engine (${backend})`, () => {
    afterEach(async () => {
      // Tests that switch backends switch back even when they fail.
      if (getBackend() !== backend) await setBackend(backend);
    });

    describe('memory', () => {
      it('frees everything 10,000 ops inside tidy made, and keeps what it returns', () => {
        const before = memory();
        const x = keep(tensor([[1, 2, 3], [4, 5, 6]]));
        let kernelRuns = 0;
        const stop = engine().onKernelRun(() => kernelRuns++);
        const result = tidy(() => {
          let y = x;
          // y stays equal to x: the exp term is multiplied by zero.
          for (let i = 0; i < 1700; i++) y = sum(exp(mul(add(y, 1), 0.5)).mul(0), 1, { keepDim: true }).add(x);
          return y;
        });
        stop();
        expect(kernelRuns).toBeGreaterThanOrEqual(10_000);
        expect(result.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
        result.dispose();
        x.dispose();
        const after = memory();
        expect(after.numTensors).toBe(before.numTensors);
        expect(after.numDataIds).toBe(before.numDataIds);
        expect(after.numBytes).toBe(before.numBytes);
        expect(after.backends[backend]).toEqual(before.backends[backend]);
      });

      it('lets keep() survive tidy until disposed', () => {
        const before = memory().numTensors;
        let kept: Tensor | null = null;
        tidy(() => {
          kept = keep(ones([3]).add(1));
          zeros([5]);
        });
        expect(memory().numTensors).toBe(before + 1);
        expect(kept!.toArray()).toEqual([2, 2, 2]);
        kept!.dispose();
        expect(memory().numTensors).toBe(before);
      });

      it('hands a nested tidy’s result to the parent scope, which frees it unless returned', () => {
        const before = memory().numTensors;
        let inner: Tensor | null = null;
        const outer = tidy(() => {
          inner = tidy(() => ones([2]).mul(3));
          expect(inner.isDisposed).toBe(false);
          return { both: [inner.add(1)] };
        });
        expect(inner!.isDisposed).toBe(true);
        expect(outer.both[0].toArray()).toEqual([4, 4]);
        dispose(outer);
        expect(memory().numTensors).toBe(before);
      });

      it('frees a scope whose function throws', () => {
        const before = memory().numTensors;
        expect(() =>
          tidy(() => {
            ones([4]).add(1);
            throw new Error('boom');
          }),
        ).toThrow('boom');
        expect(memory().numTensors).toBe(before);
      });

      it('disposes twice harmlessly and shares buffers between reshaped handles', () => {
        const before = memory();
        const x = tensor([1, 2, 3, 4]);
        const y = x.reshape([2, 2]);
        expect(memory().numTensors).toBe(before.numTensors + 2);
        x.dispose();
        x.dispose();
        expect(y.toArray()).toEqual([[1, 2], [3, 4]]);
        y.dispose();
        expect(memory().numTensors).toBe(before.numTensors);
        expect(memory().numBytes).toBe(before.numBytes);
      });

      it('refuses a disposed tensor with a message that says so', () => {
        const x = tensor([1, 2]);
        x.dispose();
        expect(() => x.dataSync()).toThrow(/dataSync: .*disposed/);
        expect(() => add(x, 1)).toThrow(/add: .*disposed/);
        expect(() => x.exp()).toThrow(/exp: .*disposed/);
        expect(x.toString()).toMatch(/disposed/);
      });
    });

    describe('backends', () => {
      it('names the kernel and the backend when a kernel is missing', async () => {
        registerBackend(KERNEL_FREE, () => kernelFreeBackend(KERNEL_FREE), -100);
        await setBackend(KERNEL_FREE);
        const x = tensor([1, 2, 3]);
        expect(x.toArray()).toEqual([1, 2, 3]);
        expect(() => exp(x)).toThrow(/kernel 'Exp' is not implemented by backend 'conformance-kernel-free'/);
        x.dispose();
        await setBackend(backend);
      });

      it('names the registered backends when asked for an unknown one', async () => {
        await expect(setBackend('no-such-backend')).rejects.toThrow(/backend 'no-such-backend' is not registered \(registered: .*cpu/);
      });

      it('moves tensors between backends, with values and memory counts following', async () => {
        registerBackend(SECOND, () => new CpuBackend(), -100);
        await setBackend(SECOND);
        const onSecond = tensor([1, 2, 3]);
        await setBackend(backend);
        const before = memory();
        const here = tensor([10, 20, 30]);
        // The op runs here; its input on the second backend moves here first.
        const sumHere = add(onSecond, here);
        expect(sumHere.toArray()).toEqual([11, 22, 33]);
        const moved = memory();
        expect(moved.numTensors).toBe(before.numTensors + 2);
        expect(moved.backends[SECOND].numDataIds).toBe(before.backends[SECOND].numDataIds - 1);
        expect(moved.backends[backend].numDataIds).toBe(before.backends[backend].numDataIds + 3);

        await setBackend(SECOND);
        expect(getBackend()).toBe(SECOND);
        const back = mul(sumHere, here);
        expect(await back.data()).toEqual(new Float32Array([110, 440, 990]));
        expect(onSecond.toArray()).toEqual([1, 2, 3]);
        const there = memory();
        expect(there.backends[SECOND].numDataIds).toBe(moved.backends[SECOND].numDataIds + 3);
        expect(there.backends[backend].numDataIds).toBe(moved.backends[backend].numDataIds - 2);
        dispose([onSecond, here, sumHere, back]);
        await setBackend(backend);
        const after = memory();
        expect(after.backends[SECOND].numDataIds).toBe(before.backends[SECOND].numDataIds - 1);
        expect(after.backends[SECOND].numBytes).toBe(before.backends[SECOND].numBytes - 12);
        expect(after.numTensors).toBe(before.numTensors - 1);
      });
    });

    it('tells kernel-run listeners the kernel name, inputs, attributes and outputs', () => {
      const runs: KernelRun[] = [];
      const stop = engine().onKernelRun((run) => runs.push(run));
      const a = tensor([[1, 2], [3, 4]]);
      const b = tensor([10, 20]);
      const c = add(a, b);
      const s = sum(c, 1, { keepDim: true });
      stop();
      exp(a).dispose();
      const names = runs.map((r) => r.kernelName);
      expect(names).toEqual(['Add', 'Sum']);
      expect(Object.keys(runs[0].inputs)).toEqual(['a', 'b']);
      expect(runs[0].inputs.a).toBe(a);
      expect(runs[0].inputs.b).toBe(b);
      expect(runs[0].outputs).toHaveLength(1);
      expect(runs[0].outputs[0]).toBe(c);
      expect(runs[1].inputs.x).toBe(c);
      expect(runs[1].attrs).toMatchObject({ axes: [1], keepDim: true });
      expect(runs[1].outputs[0]).toBe(s);
      dispose([a, b, c, s]);
    });

    describe('random numbers', () => {
      const draws = (): number[][] => {
        const r = [rand([50]), randn([50]), randint(-5, 5, [50]), bernoulli(0.3, [50]), bernoulli(full([50], 0.7))];
        const values = r.map((t) => Array.from(t.dataSync()));
        dispose(r);
        return values;
      };

      it('repeats exactly after manualSeed', () => {
        manualSeed(1234);
        const first = draws();
        manualSeed(1234);
        expect(draws()).toEqual(first);
        manualSeed(1235);
        const other = draws();
        expect(other[0]).not.toEqual(first[0]);
        expect(other[1]).not.toEqual(first[1]);
      });

      it('has roughly the right statistics', () => {
        manualSeed(7);
        const n = 20000;
        const u = valuesOf(() => rand([n]));
        expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...u)).toBeLessThan(1);
        expect(stats(u).mean).toBeCloseTo(0.5, 1);
        expect(Math.abs(stats(u).variance - 1 / 12)).toBeLessThan(0.005);
        const g = valuesOf(() => randn([n]));
        expect(Math.abs(stats(g).mean)).toBeLessThan(0.03);
        expect(Math.abs(stats(g).variance - 1)).toBeLessThan(0.05);
        const iv = valuesOf(() => randint(3, 7, [n]));
        expect(iv).toBeInstanceOf(Int32Array);
        expect(new Set(iv)).toEqual(new Set([3, 4, 5, 6]));
        const coin = valuesOf(() => bernoulli(0.25, [n]));
        expect(new Set(coin)).toEqual(new Set([0, 1]));
        expect(Math.abs(stats(coin).mean - 0.25)).toBeLessThan(0.02);
      });
    });

    describe('factories and readers', () => {
      it('makes constant tensors', () => {
        tidy(() => {
          expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
          expect(zeros([2], { dtype: 'int32' }).dtype).toBe('int32');
          expect(ones([2, 1]).toArray()).toEqual([[1], [1]]);
          expect(full([2], 2.5).toArray()).toEqual([2.5, 2.5]);
          expect(full([2], true).dtype).toBe('bool');
          expect(full([2], true).toArray()).toEqual([true, true]);
          expect(zeros([0, 3]).size).toBe(0);
          expect(zeros([]).shape).toEqual([]);
        });
      });

      it('makes ranges, linspace and eye as PyTorch does', () => {
        tidy(() => {
          const r = arange(5);
          expect(r.dtype).toBe('int32');
          expect(r.toArray()).toEqual([0, 1, 2, 3, 4]);
          expect(arange(2, 11, 3).toArray()).toEqual([2, 5, 8]);
          expect(arange(1, 0, -0.25).toArray()).toEqual([1, 0.75, 0.5, 0.25]);
          expect(arange(0, 1, 0.25).dtype).toBe('float32');
          const l = linspace(-1, 1, 5);
          expect(l.toArray()).toEqual([-1, -0.5, 0, 0.5, 1]);
          expect(linspace(0, 1, 1).toArray()).toEqual([0]);
          expect(linspace(0, 0.3, 4).dataSync()[3]).toBe(Math.fround(0.3));
          expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
          expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
        });
      });

      it('reads values back as typed arrays, nested arrays and numbers', async () => {
        const x = tensor([[1.5, -2], [3, 4]]);
        expect(x.dataSync()).toEqual(new Float32Array([1.5, -2, 3, 4]));
        expect(await x.data()).toEqual(new Float32Array([1.5, -2, 3, 4]));
        expect(x.toArray()).toEqual([[1.5, -2], [3, 4]]);
        // A reader's copy may change without touching the tensor.
        x.dataSync()[0] = 99;
        expect(x.dataSync()[0]).toBe(1.5);
        const i = tensor([1, 2], undefined, 'int32');
        expect(i.dataSync()).toBeInstanceOf(Int32Array);
        const b = tensor([true, false]);
        expect(b.dtype).toBe('bool');
        expect(b.toArray()).toEqual([true, false]);
        const s = sum(x);
        expect(s.item()).toBe(6.5);
        expect(s.toArray()).toBe(6.5);
        expect(() => x.item()).toThrow(/item: tensor of shape \[2,2\] has 4 elements/);
        expect(x.toString()).toBe('tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]])');
        dispose([x, i, b, s]);
      });
    });
  });
}
