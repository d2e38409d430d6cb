import { afterAll, describe, expect, it } from 'vitest';
import { add, mul, relu, reluGrad, sub, tensor, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { ELEMENTWISE_MIN } from '../kernels/elementwise_wasm.js';
import { wasmGemmAvailable } from '../kernels/gemm_wasm.js';
import { seededRandom } from '../kernels/test-utils/conv_reference.js';
import { currentThreadPool, setNumThreads } from './threads.js';

// NCHW with odd sizes: 18,879 values (not a whole number of vectors, nor of tasks), planes of 899.
const SHAPE = [3, 7, 29, 31];
const SIZE = 3 * 7 * 29 * 31;

/** Values of both signs, with zeros of both signs, a NaN and infinities among them. */
function values(seed: number, size: number): Float32Array {
  const random = seededRandom(seed);
  const out = Float32Array.from({ length: size }, () => (random() - 0.5) * 8);
  if (size > 20) out.set([0, -0, Number.NaN, Infinity, -Infinity, -1e-40], 11);
  return out;
}

const PLANE = 29 * 31;
type Case = [name: string, job: 'add' | 'sub' | 'mul', b: Float32Array, bShape: number[], bIndex: (i: number) => number, fn: (a: number, b: number) => number];
const cases: Case[] = [
  ['add, same shape (the residual add)', 'add', values(2, SIZE), SHAPE, (i) => i, (a, b) => a + b],
  ['mul by a [1, C, 1, 1] column (batch norm’s scale)', 'mul', values(3, 7), [1, 7, 1, 1], (i) => Math.floor(i / PLANE) % 7, (a, b) => a * b],
  ['add of a [C, 1, 1] column (batch norm’s shift)', 'add', values(4, 7), [7, 1, 1], (i) => Math.floor(i / PLANE) % 7, (a, b) => a + b],
  ['sub of a scalar', 'sub', Float32Array.of(0.375), [], () => 0, (a, b) => a - b],
];
const OPS = { add, sub, mul };

/** The op's values on `threads` threads (every op on the pool, however small), and the tasks the pool was given for `job`. */
function onThreads(threads: number, job: string, op: () => Tensor): { out: Float32Array; tasks: number } {
  setNumThreads(threads, { minWork: 0 });
  const before = currentThreadPool()?.tasksDispatched(job) ?? 0;
  const out = op().dataSync() as Float32Array;
  return { out, tasks: (currentThreadPool()?.tasksDispatched(job) ?? 0) - before };
}

const sameBits = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe.runIf(wasmGemmAvailable())('large elementwise ops on the WebAssembly kernel and the worker pool', () => {
  afterAll(() => setNumThreads(1));

  it('is above the size from which an op leaves the JavaScript loops', () => {
    expect(SIZE).toBeGreaterThan(ELEMENTWISE_MIN);
  });

  it.each(cases)('%s: the JavaScript loop’s values on 1 thread, the same bits on 2 and 3, through the pool', (_name, job, b, bShape, bIndex, fn) => {
    const a = values(1, SIZE);
    const op = () => OPS[job](tensor(a, SHAPE), tensor(b, bShape));
    const one = onThreads(1, job, op).out;
    // What binary.ts's loop stores: the double result of fn, rounded to float32.
    expect(sameBits(one, Float32Array.from(a, (v, i) => fn(v, b[bIndex(i)])))).toBe(true);
    for (const threads of [2, 3]) {
      const { out, tasks } = onThreads(threads, job, op);
      expect(tasks, `tasks given to the pool on ${threads} threads`).toBeGreaterThan(1);
      expect(sameBits(out, one), `${threads} threads`).toBe(true);
    }
  });

  it('relu: +0 for negatives, NaN and -0 kept, the same bits on 1, 2 and 3 threads', () => {
    const input = values(5, SIZE);
    const expected = Float32Array.from(input, (v) => (v < 0 ? 0 : v));
    for (const threads of [1, 2, 3]) {
      const { out, tasks } = onThreads(threads, 'relu', () => relu(tensor(input, SHAPE)));
      expect(sameBits(out, expected), `${threads} threads`).toBe(true);
      if (threads > 1) expect(tasks).toBeGreaterThan(1);
    }
  });

  it('reluGrad: dy where y > 0 or NaN, +0 elsewhere (dy’s bits kept), the same bits on 1, 2 and 3 threads', () => {
    const dy = values(6, SIZE);
    const y = values(7, SIZE);
    const mask = new Int32Array(dy.buffer.slice(0));
    const expected = new Float32Array(mask.map((bits, i) => (y[i] <= 0 ? 0 : bits)).buffer);
    for (const threads of [1, 2, 3]) {
      const { out, tasks } = onThreads(threads, 'reluGrad', () => reluGrad(tensor(dy, SHAPE), tensor(y, SHAPE)));
      expect(sameBits(out, expected), `${threads} threads`).toBe(true);
      if (threads > 1) expect(tasks).toBeGreaterThan(1);
    }
  });

  it('keeps small ops on the calling thread at the default size bar', () => {
    setNumThreads(2);
    const before = currentThreadPool()?.tasksDispatched('add') ?? 0;
    add(tensor(values(1, 4096), [4096]), tensor(values(2, 4096), [4096])).dataSync();
    expect(currentThreadPool()?.tasksDispatched('add') ?? 0).toBe(before);
  });
});
