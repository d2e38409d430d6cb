import { describe, expect, it } from 'vitest';
import { conv2dForward } from '../kernels/conv2d.js';
import { conv2dBackpropFilter } from '../kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInput } from '../kernels/conv2d_backprop_input.js';
import { geometryOf, randomValues, seededRandom, type ConvCase } from '../kernels/test-utils/conv_reference.js';
import { currentThreadPool, setNumThreads } from './threads.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Odd sizes that split unevenly: 3×3 padded, strided and grouped, 1×1, and a deep 7×7 (K past one depth slice). */
const cases: ConvCase[] = [
  { xShape: [3, 5, 23, 19], wShape: [13, 5, 3, 3], attrs: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } },
  { xShape: [2, 6, 30, 31], wShape: [10, 3, 5, 4], attrs: { stride: [2, 1], padding: [2, 1, 0, 3], dilation: [1, 1], groups: 2 } },
  { xShape: [2, 17, 15, 15], wShape: [33, 17, 1, 1], attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } },
  { xShape: [1, 12, 21, 21], wShape: [11, 12, 7, 7], attrs: { stride: [2, 2], padding: [3, 3, 3, 3], dilation: [1, 1], groups: 1 } },
];

function run(c: ConvCase, threads: number): Float32Array[] {
  setNumThreads(threads, { minWork: 0 });
  const random = seededRandom(7);
  const g = geometryOf(c);
  const x = randomValues(random, size(c.xShape));
  const w = randomValues(random, size(c.wShape));
  const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
  const y = new Float32Array(dy.length);
  const dw = new Float32Array(w.length);
  const dx = new Float32Array(x.length);
  conv2dForward(x, w, y, g);
  conv2dBackpropFilter(x, dy, dw, g);
  conv2dBackpropInput(dy, w, dx, g);
  return [y, dw, dx];
}

describe('convolutions on the pool', () => {
  it.each(cases)('forward and both gradients give the bits of one thread: x %j', (...c) => {
    const one = run(c[0], 1);
    const two = run(c[0], 2);
    expect(currentThreadPool()).not.toBeNull();
    for (let i = 0; i < 3; i++) expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer)), ['y', 'dW', 'dx'][i]).toBe(true);
  });
});
