import { afterAll, describe, expect, it } from 'vitest';
import { maxPool2d, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { wasmGemmAvailable } from '../kernels/gemm_wasm.js';
import { maxOverWindows, windowPlan, type Windows } from '../kernels/pool_util.js';
import { seededRandom } from '../kernels/test-utils/conv_reference.js';
import { currentThreadPool, setNumThreads } from './threads.js';

// Odd sizes: 22,755 values in 15 planes of 37×41 (planes do not split evenly over 2 or 3 threads).
const SHAPE = [3, 5, 37, 41];
const SIZE = 3 * 5 * 37 * 41;

/** Values with ties (rounded to quarters), NaNs and infinities, so the index rules matter. */
function input(): Float32Array {
  const random = seededRandom(11);
  const values = Float32Array.from({ length: SIZE }, () => Math.round((random() - 0.5) * 16) / 4);
  for (const [at, v] of [[0, Number.NaN], [100, -Infinity], [1517, Infinity], [4000, Number.NaN], [4002, Number.NaN]] as const) values[at] = v;
  return values;
}

/** The JavaScript loop's answer for a k×k pool with stride s and padding p (dilation 1). */
function reference(x: Float32Array, k: number, s: number, p: number): { values: Float32Array; indices: Int32Array } {
  const [n, c, h, w] = SHAPE;
  const windows = (inSize: number): Windows => {
    const outSize = Math.floor((inSize + 2 * p - k) / s) + 1;
    const start = Int32Array.from({ length: outSize }, (_, o) => Math.max(0, o * s - p));
    const end = Int32Array.from({ length: outSize }, (_, o) => Math.min(inSize, o * s - p + k));
    return { start, end };
  };
  const rows = windows(h), cols = windows(w);
  const values = new Float32Array(n * c * rows.start.length * cols.start.length);
  const indices = new Int32Array(values.length);
  maxOverWindows(windowPlan(SHAPE, rows, cols), 1, 1, x, values, indices);
  return { values, indices };
}

const sameBits = (a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe.runIf(wasmGemmAvailable())('max pooling on the WebAssembly kernel and the worker pool', () => {
  afterAll(() => setNumThreads(1));

  it.each([
    [3, 2, 1],
    [3, 1, 1],
    [2, 3, 0],
  ])('%i×%i windows, stride %i, padding %i: the loop’s values and indices on 1, 2 and 3 threads', (k, s, p) => {
    const x = input();
    const expected = reference(x, k, s, p);
    for (const threads of [1, 2, 3]) {
      setNumThreads(threads, { minWork: 0 });
      const before = currentThreadPool()?.tasksDispatched('maxPool2d') ?? 0;
      const { values, indices } = maxPool2d(tensor(x, SHAPE), k, { stride: s, padding: p, returnIndices: true });
      expect(sameBits(values.dataSync() as Float32Array, expected.values), `values, ${threads} threads`).toBe(true);
      expect(sameBits(indices.dataSync() as Int32Array, expected.indices), `indices, ${threads} threads`).toBe(true);
      if (threads > 1) expect(currentThreadPool()!.tasksDispatched('maxPool2d') - before).toBeGreaterThan(1);
    }
  });
});
