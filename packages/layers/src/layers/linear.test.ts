import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { manualSeed, matmul, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { Bilinear, Linear } from './linear.js';

function maxAbs(t: Tensor): number {
  return Math.max(...Array.from(t.dataSync(), Math.abs));
}

describe('Linear', () => {
  for (const [name, bias] of [
    ['linear__2d', true],
    ['linear__no_bias', false],
  ] as const) {
    it(`matches ${name}, forward and gradients`, () => {
      const v = loadVector(name);
      const layer = new Linear(5, 3, { bias });
      layer.loadStateDict(bias ? { weight: v.inputs.weight, bias: v.inputs.bias } : { weight: v.inputs.weight });
      const x = requiresGrad(v.inputs.x);
      const y = layer.forward(x);
      expectClose(y, v.output, 1e-5, 1e-4, 'output');
      y.mul(v.G).sum().backward();
      expectClose(x.grad!, v.grads.x, 1e-5, 1e-4, 'grad x');
      expectClose(layer.weight.grad!, v.grads.weight, 1e-5, 1e-4, 'grad weight');
      if (bias) expectClose(layer.bias!.grad!, v.grads.bias, 1e-5, 1e-4, 'grad bias');
    });
  }

  it("initialises as PyTorch's: weight and bias in ±1/√inFeatures, weight std 1/√(3·inFeatures)", () => {
    manualSeed(4);
    const layer = new Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    expect(maxAbs(layer.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(layer.weight)).toBeGreaterThan(0.99 * bound);
    expect(maxAbs(layer.bias!)).toBeLessThanOrEqual(bound);
    const w = Array.from(layer.weight.dataSync());
    const std = Math.sqrt(w.reduce((a, b) => a + b * b, 0) / w.length);
    expect(std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it('applies to the last axis of any rank and counts its multiply-accumulates', () => {
    const layer = new Linear(4, 2);
    const x = randn([3, 5, 4]);
    const y = layer.forward(x);
    expect(y.shape).toEqual([3, 5, 2]);
    expectClose(y, matmul(x, layer.weight.transpose(0, 1)).add(layer.bias!), 1e-6, 1e-6);
    expect(layer.macs([x.shape], y.shape)).toBe(15 * 8);
  });

  it('prints and checks', () => {
    expect(new Linear(400, 120).toString()).toBe('Linear(inFeatures=400, outFeatures=120, bias=true)');
    expect(() => new Linear(3, 2).forward(randn([2, 4]))).toThrow(/Linear: input's last dimension must be inFeatures=3, got input \[2,4\]/);
    expect(() => new Linear(-1, 2)).toThrow(/Linear: inFeatures must be a non-negative integer, got -1/);
  });
});

describe('Bilinear', () => {
  it('computes x1ᵀ W_k x2 + b_k for every output k, with gradients', () => {
    manualSeed(2);
    const layer = new Bilinear(3, 4, 2);
    expect(layer.weight.shape).toEqual([2, 3, 4]);
    expect(maxAbs(layer.weight)).toBeLessThanOrEqual(1 / Math.sqrt(3));
    const x1 = requiresGrad(randn([5, 3]));
    const x2 = randn([5, 4]);
    const y = layer.forward(x1, x2);
    expect(y.shape).toEqual([5, 2]);
    const a = x1.toArray() as number[][];
    const b = x2.toArray() as number[][];
    const W = layer.weight.toArray() as number[][][];
    const bias = layer.bias!.toArray() as number[];
    const got = y.toArray() as number[][];
    for (let n = 0; n < 5; n++) {
      for (let k = 0; k < 2; k++) {
        let s = bias[k];
        for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) s += a[n][i] * W[k][i][j] * b[n][j];
        expect(got[n][k]).toBeCloseTo(s, 5);
      }
    }
    y.sum().backward();
    expect(layer.weight.grad!.shape).toEqual([2, 3, 4]);
    expect(x1.grad!.shape).toEqual([5, 3]);
    expect(() => layer.forward(randn([5, 3]), randn([4, 4]))).toThrow(/Bilinear: inputs must be \[\.\.\., 3\] and \[\.\.\., 4\] with the same leading dims/);
  });
});
