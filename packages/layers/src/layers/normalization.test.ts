import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { randn, tensor, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm, LocalResponseNorm } from './normalization.js';

describe('BatchNorm', () => {
  for (const [name, make] of [
    ['batch_norm__2d_training', (c: number) => new BatchNorm2d(c)],
    ['batch_norm__1d_training', (c: number) => new BatchNorm1d(c)],
  ] as const) {
    it(`matches ${name}: output, gradients and running statistics after the step`, () => {
      const v = loadVector(name);
      const c = v.inputs.weight.shape[0];
      const bn = make(c);
      bn.loadStateDict({
        weight: v.inputs.weight,
        bias: v.inputs.bias,
        running_mean: v.inputs.running_mean,
        running_var: v.inputs.running_var,
        num_batches_tracked: zeros([], { dtype: 'int32' }),
      });
      const meanHandle = bn.runningMean;
      const x = requiresGrad(v.inputs.x);
      const y = bn.forward(x);
      expectClose(y, v.output, 1e-4, 1e-4, 'output');
      expect(bn.runningMean).toBe(meanHandle); // updated in place
      expectClose(bn.runningMean!, v.extra.running_mean_after, 1e-5, 1e-4, 'running mean');
      expectClose(bn.runningVar!, v.extra.running_var_after, 1e-5, 1e-4, 'running var');
      expect(bn.numBatchesTracked!.item()).toBe(1);
      y.mul(v.G).sum().backward();
      expectClose(x.grad!, v.grads.x, 1e-4, 1e-4, 'grad x');
      expectClose(bn.weight!.grad!, v.grads.weight, 1e-4, 1e-4, 'grad weight');
      expectClose(bn.bias!.grad!, v.grads.bias, 1e-4, 1e-4, 'grad bias');
    });
  }

  it("has PyTorch's state-dict keys and initial values", () => {
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.weight!.toArray()).toEqual([1, 1, 1]);
    expect(bn.bias!.toArray()).toEqual([0, 0, 0]);
    expect(bn.runningVar!.toArray()).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.toString()).toBe('BatchNorm2d(3, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)');
    expect(Object.keys(new BatchNorm1d(4, { affine: false, trackRunningStats: false }).stateDict())).toEqual([]);
  });

  it('normalises with the running statistics in eval mode and leaves them alone', () => {
    const bn = new BatchNorm1d(2);
    bn.loadStateDict({ ...bn.stateDict(), running_mean: tensor([1, -1]), running_var: tensor([4, 0.25]) });
    bn.eval();
    const y = bn.forward(tensor([[3, 0], [1, -1]]));
    expectClose(y, tensor([[2 / Math.sqrt(4 + 1e-5), 1 / Math.sqrt(0.25 + 1e-5)], [0, 0]]), 1e-6, 1e-6);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(bn.runningMean!.toArray()).toEqual([1, -1]);
  });

  it('with momentum null keeps a cumulative average of the batch statistics', () => {
    const bn = new BatchNorm1d(1, { momentum: null });
    bn.forward(tensor([[0], [2]])); // mean 1
    bn.forward(tensor([[4], [6]])); // mean 5
    expect(bn.runningMean!.item()).toBeCloseTo(3, 6);
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  it('without running statistics uses batch statistics in eval mode too', () => {
    const bn = new BatchNorm1d(1, { trackRunningStats: false }).eval();
    const y = bn.forward(tensor([[0], [2]]));
    expectClose(y, tensor([[-1 / Math.sqrt(1 + 1e-5)], [1 / Math.sqrt(1 + 1e-5)]]), 1e-6, 1e-6);
  });

  it('checks the input rank and channels', () => {
    expect(() => new BatchNorm2d(3).forward(randn([2, 3, 4]))).toThrow(/BatchNorm2d: expected 4-D input \[N, C, H, W\], got shape \[2,3,4\]/);
    expect(() => new BatchNorm1d(3).forward(randn([2, 3, 4, 5]))).toThrow(/BatchNorm1d: expected 2-D or 3-D input/);
    expect(() => new BatchNorm2d(3).forward(randn([2, 4, 5, 5]))).toThrow(/BatchNorm2d: input has 4 channels but the layer has numFeatures=3/);
    expect(() => new BatchNorm1d(3).forward(randn([1, 3]))).toThrow(/more than 1 value per channel/);
    expect(() => new BatchNorm1d(0)).toThrow(/numFeatures must be a positive integer/);
    expect(() => new BatchNorm1d(2, { momentum: 2 })).toThrow(/momentum must be in \[0, 1\] or null/);
  });
});

describe('LayerNorm and LocalResponseNorm', () => {
  it('LayerNorm normalises the trailing dims of each sample, with ones/zeros affine parameters', () => {
    const ln = new LayerNorm([2, 3]);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    const x = randn([4, 2, 3]);
    const y = ln.forward(x);
    const rows = y.reshape([4, 6]);
    expectClose(rows.mean(1), zeros([4]), 1e-6, 0);
    expectClose(rows.square().mean(1), tensor([1, 1, 1, 1]), 1e-3, 0);
    expect(Object.keys(new LayerNorm(5, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(Object.keys(new LayerNorm(5, { bias: false }).stateDict())).toEqual(['weight']);
    expect(() => ln.forward(randn([4, 3, 2]))).toThrow(/layerNorm: input shape \[4,3,2\] does not end with normalizedShape \[2,3\]/);
  });

  it('LocalResponseNorm matches the PyTorch vectors', () => {
    for (const [name, layer] of [
      ['local_response_norm__vgg_size5_k2', new LocalResponseNorm(5, 1e-4, 0.75, 2)],
      ['local_response_norm__torch_default_size5', new LocalResponseNorm(5)],
      ['local_response_norm__size3_alpha0_5_k2', new LocalResponseNorm(3, 0.5, 0.75, 2)],
    ] as const) {
      const v = loadVector(name);
      const x = requiresGrad(v.inputs.x);
      const y = layer.forward(x);
      expectClose(y, v.output, 1e-5, 1e-4, name);
      y.mul(v.G).sum().backward();
      expectClose(x.grad!, v.grads.x, 1e-5, 1e-4, `${name} grad`);
    }
  });
});
