import { describe, expect, it } from 'vitest';
import { broadcastPlan, nextRun } from './broadcast.js';
import { broadcastShapes, makeRng, referenceBroadcast } from './test-utils/elementwise_reference.js';

describe('broadcastPlan', () => {
  it('walks equal shapes as one run', () => {
    const plan = broadcastPlan([[4, 5, 6], [4, 5, 6]], [4, 5, 6]);
    expect([plan.inner, plan.outerShape, plan.innerStrides]).toEqual([120, [], [1, 1]]);
  });

  it('walks a scalar operand with stride 0', () => {
    const plan = broadcastPlan([[4, 5, 6], []], [4, 5, 6]);
    expect([plan.inner, plan.innerStrides]).toEqual([120, [1, 0]]);
  });

  it('walks a bias over the last axis as rows', () => {
    const plan = broadcastPlan([[8, 3, 16], [16]], [8, 3, 16]);
    expect([plan.inner, plan.outerShape, plan.innerStrides, plan.outerStrides]).toEqual([16, [24], [1, 1], [[16], [0]]]);
  });

  it('walks a per-channel term over NCHW as H*W runs', () => {
    const plan = broadcastPlan([[2, 3, 4, 5], [3, 1, 1]], [2, 3, 4, 5]);
    expect([plan.inner, plan.outerShape, plan.innerStrides, plan.outerStrides]).toEqual([20, [2, 3], [1, 0], [[60, 20], [0, 1]]]);
  });

  it('gives one run of one element for 0-d', () => {
    const plan = broadcastPlan([[], []], []);
    expect([plan.size, plan.inner, plan.outerShape, plan.innerStrides]).toEqual([1, 1, [], [0, 0]]);
  });

  it('visits every operand index in row-major output order', () => {
    const rng = makeRng(23);
    for (let trial = 0; trial < 200; trial++) {
      const { out, operands } = broadcastShapes(rng, 3);
      const plan = broadcastPlan(operands, out);
      const visited: number[][] = [];
      const index = new Int32Array(plan.outerShape.length);
      const offsets = new Int32Array(3);
      for (let o = 0; o < plan.size; o += plan.inner) {
        for (let i = 0; i < plan.inner; i++) visited.push(plan.innerStrides.map((s, k) => offsets[k] + i * s));
        nextRun(plan, index, offsets);
      }
      // The reference maps each output index to operand indices through values equal to their positions.
      for (let k = 0; k < 3; k++) {
        const positions = operands[k].reduce((n, d) => n * d, 1);
        const values = Array.from({ length: positions }, (_, i) => i);
        const expected = referenceBroadcast(out, [{ shape: operands[k], values }], (v) => v);
        expect(visited.map((v) => v[k])).toEqual(expected);
      }
    }
  });
});
