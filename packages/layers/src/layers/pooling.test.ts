import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
import type { Module } from '../module.js';

function check(layer: Module, name: string): void {
  const v = loadVector(name);
  const x = requiresGrad(v.inputs.x);
  const y = layer.forward(x);
  expectClose(y, v.output, 1e-5, 1e-4, `${name} output`);
  y.mul(v.G).sum().backward();
  expectClose(x.grad!, v.grads.x, 1e-5, 1e-4, `${name} grad`);
}

describe('pooling layers', () => {
  it('match the PyTorch vectors, forward and gradient', () => {
    check(new MaxPool2d(2, { stride: 2 }), 'max_pool2d__k2_s2');
    check(new AvgPool2d(2), 'avg_pool2d__k2_s2');
    check(new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: true }), 'avg_pool2d__k3_s2_p1_count_include_pad_true');
    check(new AdaptiveAvgPool2d([1, 1]), 'adaptive_avg_pool2d__to_1x1');
  });

  it('default the stride to the kernel size and give PyTorch output sizes', () => {
    const x = randn([2, 3, 7, 9]);
    expect(new MaxPool2d(2).forward(x).shape).toEqual([2, 3, 3, 4]);
    expect(new MaxPool2d(2, { ceilMode: true }).forward(x).shape).toEqual([2, 3, 4, 5]);
    expect(new AvgPool2d([3, 1], { stride: 1 }).forward(x).shape).toEqual([2, 3, 5, 9]);
    expect(new AdaptiveAvgPool2d([2, null]).forward(x).shape).toEqual([2, 3, 2, 9]);
    expect(new AdaptiveMaxPool2d(3).forward(x).shape).toEqual([2, 3, 3, 3]);
  });

  it('adaptive max pooling of the whole plane is the plane maximum', () => {
    const x = randn([2, 3, 5, 4]);
    expectClose(new AdaptiveMaxPool2d(1).forward(x).reshape([2, 3]), x.reshape([2, 3, 20]).max(-1), 0, 0);
  });

  it('print their settings and pass op errors through', () => {
    expect(new MaxPool2d(2).toString()).toBe('MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)');
    expect(new AdaptiveAvgPool2d([7, 7]).toString()).toBe('AdaptiveAvgPool2d(outputSize=[7, 7])');
    expect(() => new MaxPool2d(4, { padding: 3 }).forward(randn([1, 1, 8, 8]))).toThrow(/maxPool2d/);
    expect(() => new AvgPool2d(2).forward(randn([8, 8]))).toThrow(/avgPool2d/);
  });
});
