import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { randn, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { GroupNorm } from './group_norm.js';
import { InstanceNorm1d, InstanceNorm2d } from './instance_norm.js';

describe('GroupNorm', () => {
  it('matches group_norm__g2_c4 (output and gradients) with the loaded weight and bias', () => {
    const v = loadVector('group_norm__g2_c4');
    const gn = new GroupNorm(2, 4);
    gn.loadStateDict({ weight: v.inputs.weight, bias: v.inputs.bias });
    const x = requiresGrad(v.inputs.x);
    const y = gn.forward(x);
    expectClose(y, v.output, 1e-4, 1e-4, 'output');
    y.mul(v.G).sum().backward();
    expectClose(x.grad!, v.grads.x, 1e-4, 1e-4, 'grad x');
    expectClose(gn.weight!.grad!, v.grads.weight, 1e-4, 1e-4, 'grad weight');
  });

  it('normalises each (sample, group) on its own: every group has mean 0 and variance 1', () => {
    const y = new GroupNorm(3, 6, { affine: false }).forward(randn([2, 6, 4]).mul(5).add(3));
    const groups = y.reshape([2, 3, 8]);
    expectClose(groups.mean(2), tensor([0, 0, 0, 0, 0, 0], [2, 3]), 1e-5, 1e-5, 'group means');
    expectClose(groups.square().mean(2), tensor([1, 1, 1, 1, 1, 1], [2, 3]), 1e-3, 1e-3, 'group variances');
  });

  it('has PyTorch defaults and checks its arguments', () => {
    const gn = new GroupNorm(2, 4);
    expect([...gn.namedParameters()].map(([k]) => k)).toEqual(['weight', 'bias']);
    expect(new GroupNorm(2, 4, { affine: false }).parameters()).toHaveLength(0);
    expect(() => new GroupNorm(3, 4)).toThrow('GroupNorm: numChannels (4) must be divisible by numGroups (3)');
    expect(() => gn.forward(randn([2, 6, 3]))).toThrow('GroupNorm: expected input [N, 4, ...], got shape [2,6,3]');
  });
});

describe('InstanceNorm', () => {
  for (const [name, make] of [
    ['instance_norm__2d_affine', (c: number) => new InstanceNorm2d(c, { affine: true })],
    ['instance_norm__1d_affine', (c: number) => new InstanceNorm1d(c, { affine: true })],
  ] as const) {
    it(`matches ${name} in eval mode (no running statistics: instance statistics still)`, () => {
      const v = loadVector(name);
      const norm = make(v.inputs.weight.shape[0]);
      norm.loadStateDict({ weight: v.inputs.weight, bias: v.inputs.bias });
      norm.eval();
      const x = requiresGrad(v.inputs.x);
      const y = norm.forward(x);
      expectClose(y, v.output, 1e-4, 1e-4, 'output');
      y.mul(v.G).sum().backward();
      expectClose(x.grad!, v.grads.x, 1e-4, 1e-4, 'grad x');
      expectClose(norm.bias!.grad!, v.grads.bias, 1e-4, 1e-4, 'grad bias');
    });
  }

  it('has PyTorch defaults: no affine parameters, no running statistics', () => {
    const norm = new InstanceNorm2d(3);
    expect(norm.parameters()).toHaveLength(0);
    expect(norm.buffers()).toHaveLength(0);
    expect(norm.affine).toBe(false);
    expect(norm.trackRunningStats).toBe(false);
  });

  it('with trackRunningStats, moves the running statistics by the batch average in training and uses them in eval', () => {
    const norm = new InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.5 });
    // Sample 0: channel means 1 and 10, unbiased variances 1 and 4; sample 1: 3 and 20, 1 and 4.
    const x = tensor([0, 1, 2, 8, 10, 12, 2, 3, 4, 18, 20, 22], [2, 2, 3]);
    norm.forward(x);
    expectClose(norm.runningMean!, tensor([0.5 * 2, 0.5 * 15]), 1e-5, 1e-5, 'running mean');
    expectClose(norm.runningVar!, tensor([0.5 + 0.5 * 1, 0.5 + 0.5 * 4]), 1e-5, 1e-5, 'running var');
    expect(norm.numBatchesTracked!.item()).toBe(1);
    norm.eval();
    const y = norm.forward(tensor([1, 1, 1, 7.5, 7.5, 7.5], [1, 2, 3]));
    expectClose(y, tensor([0, 0, 0, 0, 0, 0], [1, 2, 3]), 1e-5, 1e-5, 'eval with running statistics');
  });

  it('takes unbatched input as one sample', () => {
    const x = randn([3, 5]);
    const norm = new InstanceNorm1d(3);
    expectClose(norm.forward(x), norm.forward(x.reshape([1, 3, 5])).reshape([3, 5]), 0, 0, 'unbatched');
  });

  it('names the layer and the shape in its errors', () => {
    expect(() => new InstanceNorm2d(3).forward(randn([2, 3, 4]).reshape([2, 3, 4]).reshape([1, 2, 3, 4]))).toThrow(
      'InstanceNorm2d: input has 2 channels but the layer has numFeatures=3: input [1,2,3,4]',
    );
    expect(() => new InstanceNorm1d(3).forward(randn([2, 3, 1]))).toThrow('instanceNorm: expected more than 1 spatial element per channel, got input [2,3,1]');
  });
});
