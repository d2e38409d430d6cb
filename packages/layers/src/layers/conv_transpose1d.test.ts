import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { ConvTranspose1d } from './conv.js';

describe('ConvTranspose1d', () => {
  it('matches conv_transpose1d__s2_k3_p1_op1 with the loaded weight and bias (output and gradients)', () => {
    const v = loadVector('conv_transpose1d__s2_k3_p1_op1');
    const layer = new ConvTranspose1d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
    layer.loadStateDict({ weight: v.inputs.weight, bias: v.inputs.bias });
    const x = requiresGrad(v.inputs.x);
    const y = layer.forward(x);
    expectClose(y, v.output, 1e-4, 1e-4, 'output');
    y.mul(v.G).sum().backward();
    expectClose(x.grad!, v.grads.x, 1e-4, 1e-4, 'grad x');
    expectClose(layer.weight.grad!, v.grads.weight, 1e-4, 1e-4, 'grad weight');
  });

  it('has weight [inChannels, outChannels/groups, k] and PyTorch output length', () => {
    const layer = new ConvTranspose1d(4, 6, 3, { stride: 3, padding: 1, dilation: 2, groups: 2, outputPadding: 2 });
    expect(layer.weight.shape).toEqual([4, 3, 3]);
    // (5 - 1)·3 − 2·1 + 2·(3 − 1) + 2 + 1 = 17
    expect(layer.forward(randn([2, 4, 5])).shape).toEqual([2, 6, 17]);
    expect(layer.forward(randn([4, 5])).shape).toEqual([6, 17]);
    expect(() => new ConvTranspose1d(4, 6, 3, { stride: 2, outputPadding: 2 })).toThrow('ConvTranspose1d: outputPadding 2 must be smaller than stride 2 or dilation 1');
  });
});
