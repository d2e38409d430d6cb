import { afterAll, describe, expect, it } from 'vitest';
import { conv2dForward } from '../kernels/conv2d.js';
import { backpropFilterPacked } from '../kernels/conv2d_backprop_filter_packed.js';
import { conv2dBackpropInput } from '../kernels/conv2d_backprop_input.js';
import { prefersPacked } from '../kernels/conv2d_packed.js';
import { prefersWinograd } from '../kernels/conv2d_winograd.js';
import { wasmGemmAvailable } from '../kernels/gemm_wasm.js';
import type { ConvGeometry } from '../kernels/im2col.js';
import { geometryOf, randomValues, seededRandom, type ConvCase } from '../kernels/test-utils/conv_reference.js';
import { currentThreadPool, setNumThreads } from './threads.js';

const attrs = (stride: number, pad: number, groups = 1): ConvCase['attrs'] => ({ stride: [stride, stride], padding: [pad, pad, pad, pad], dilation: [1, 1], groups });

type Op = 'forward' | 'filter' | 'input';

/** The op on `threads` threads (every op on the pool however small, so odd sizes split unevenly), and the pool's tasks for `job` it took. */
function run(op: Op, c: ConvCase, threads: number, job: string): { out: Float32Array; tasks: number } {
  setNumThreads(threads, { minWork: 0 });
  const g = geometryOf(c);
  const random = seededRandom(7);
  const x = randomValues(random, g.batch * g.inChannels * g.inArea);
  const w = randomValues(random, g.outChannels * g.patchSize);
  const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
  const before = currentThreadPool()?.tasksDispatched(job) ?? 0;
  const out = compute(op, x, w, dy, g);
  return { out, tasks: (currentThreadPool()?.tasksDispatched(job) ?? 0) - before };
}

function compute(op: Op, x: Float32Array, w: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  if (op === 'forward') {
    const y = new Float32Array(g.batch * g.outChannels * g.outArea);
    conv2dForward(x, w, y, g);
    return y;
  }
  if (op === 'filter') {
    const dw = new Float32Array(g.outChannels * g.patchSize);
    backpropFilterPacked(x, dy, dw, g);
    return dw;
  }
  const dx = new Float32Array(g.batch * g.inChannels * g.inArea);
  conv2dBackpropInput(dy, w, dx, g);
  return dx;
}

const sameBits = (x: Float32Array, y: Float32Array): boolean => Buffer.from(x.buffer).equals(Buffer.from(y.buffer));

describe.runIf(wasmGemmAvailable())('convolutions on the worker pool', () => {
  afterAll(() => setNumThreads(1));

  it.each<[string, Op, string, ConvCase]>([
    ['packed, 70 channels (two row blocks, a partial panel), 5×5 on 3 images of 13×11', 'forward', 'conv2d', { xShape: [3, 3, 13, 11], wShape: [70, 3, 5, 5], attrs: attrs(1, 1) }],
    ['packed, 64 filters over 20,000 pixels: two waves of tasks, the first copied out while the second runs', 'forward', 'conv2d', { xShape: [2, 2, 100, 100], wShape: [64, 2, 3, 3], attrs: attrs(1, 1) }],
    ['packed, C_in 1 (LeNet conv1 shape, odd batch)', 'forward', 'conv2d', { xShape: [5, 1, 28, 28], wShape: [6, 1, 5, 5], attrs: attrs(1, 0) }],
    ['packed, 7×7 stride 2, depth 3·49 and 9 filters', 'forward', 'conv2d', { xShape: [2, 3, 37, 41], wShape: [9, 3, 7, 7], attrs: attrs(2, 3) }],
    ['packed, depth 60·9 = 540 > 512 (two slices), grouped', 'forward', 'conv2d', { xShape: [1, 60, 9, 10], wShape: [10, 30, 3, 3], attrs: attrs(1, 1, 2) }],
    ['Winograd, 17→13 channels on 21×19 (partial tile rows and panels)', 'forward', 'conv2d winograd', { xShape: [2, 17, 21, 19], wShape: [13, 17, 3, 3], attrs: attrs(1, 1) }],
    ['filter gradient, 70 filters of 3×5×5', 'filter', 'conv2d filter gradient', { xShape: [3, 3, 13, 11], wShape: [70, 3, 5, 5], attrs: attrs(1, 1) }],
    ['filter gradient, stride 2, depth over one slice', 'filter', 'conv2d filter gradient', { xShape: [2, 5, 31, 29], wShape: [11, 5, 3, 3], attrs: attrs(2, 1) }],
    ['input gradient (a forward conv of dy), 6→16 5×5', 'input', 'conv2d', { xShape: [3, 6, 14, 13], wShape: [16, 6, 5, 5], attrs: attrs(1, 0) }],
  ])('%s: the bits of one thread on 2 and 3, through the pool', (_name, op, job, c) => {
    const one = run(op, c, 1, job).out;
    for (const threads of [2, 3]) {
      const { out, tasks } = run(op, c, threads, job);
      expect(tasks, `tasks given to the pool on ${threads} threads`).toBeGreaterThan(1);
      expect(sameBits(out, one), `${threads} threads`).toBe(true);
    }
  });

  it.each<[string, string, ConvCase]>([
    ['packed conv pads its input', 'conv2d padding', { xShape: [2, 3, 37, 41], wShape: [9, 3, 7, 7], attrs: attrs(2, 3) }],
    ['Winograd pads its input', 'conv2d padding', { xShape: [2, 17, 21, 19], wShape: [13, 17, 3, 3], attrs: attrs(1, 1) }],
    ['Winograd gathers its output', 'conv2d output', { xShape: [2, 17, 21, 19], wShape: [13, 17, 3, 3], attrs: attrs(1, 1) }],
  ])('%s on the pool (%s), with the bits of one thread', (_name, job, c) => {
    const one = run('forward', c, 1, job).out;
    const { out, tasks } = run('forward', c, 3, job);
    expect(tasks).toBeGreaterThan(1);
    expect(sameBits(out, one)).toBe(true);
  });

  it('takes the paths the cases above name', () => {
    expect(prefersWinograd(geometryOf({ xShape: [2, 17, 21, 19], wShape: [13, 17, 3, 3], attrs: attrs(1, 1) }))).toBe(true);
    expect(prefersPacked(geometryOf({ xShape: [5, 1, 28, 28], wShape: [6, 1, 5, 5], attrs: attrs(1, 0) }))).toBe(true);
  });

  it('keeps small convs on the calling thread at the default size bar', () => {
    setNumThreads(2);
    const c: ConvCase = { xShape: [1, 3, 9, 9], wShape: [4, 3, 3, 3], attrs: attrs(1, 1) };
    const g = geometryOf(c);
    const before = currentThreadPool()?.tasksDispatched('conv2d') ?? 0;
    conv2dForward(new Float32Array(g.batch * g.inChannels * g.inArea), new Float32Array(g.outChannels * g.patchSize), new Float32Array(g.batch * g.outChannels * g.outArea), g);
    expect(currentThreadPool()?.tasksDispatched('conv2d') ?? 0).toBe(before);
  });
});
