// KLDivLoss against the PyTorch vectors and its other reductions; nll/cross-entropy when every
// target is ignored (PyTorch: NaN for 'mean', and a zero gradient).
import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { logSoftmax, randn, softmax, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { crossEntropy, nllLoss } from './functional.js';
import { klDiv, KLDivLoss } from './kl_div.js';

describe('klDiv', () => {
  for (const [name, logTarget] of [
    ['kl_div__batchmean', false],
    ['kl_div__batchmean_log_target', true],
  ] as const) {
    it(`matches ${name} with KLDivLoss (value and both gradients)`, () => {
      const v = loadVector(name);
      const input = requiresGrad(v.inputs.input);
      const target = requiresGrad(v.inputs.target);
      const loss = new KLDivLoss({ reduction: 'batchmean', logTarget }).forward(input, target);
      expectClose(loss, v.output, 1e-5, 1e-4, 'loss');
      loss.mul(v.G).backward();
      expectClose(input.grad!, v.grads.input, 1e-5, 1e-4, 'grad input');
      expectClose(target.grad!, v.grads.target, 1e-5, 1e-4, 'grad target');
    });
  }

  it("divides by every element for 'mean', by nothing for 'sum', and keeps the shape for 'none'", () => {
    const input = logSoftmax(randn([3, 4]), 1);
    const target = softmax(randn([3, 4]), 1);
    const none = klDiv(input, target, { reduction: 'none' });
    expect(none.shape).toEqual([3, 4]);
    const total = none.sum().item();
    expect(klDiv(input, target, { reduction: 'sum' }).item()).toBeCloseTo(total, 5);
    expect(klDiv(input, target).item()).toBeCloseTo(total / 12, 5);
    expect(klDiv(input, target, { reduction: 'batchmean' }).item()).toBeCloseTo(total / 3, 5);
  });

  it('a zero target contributes 0 (0·log 0 = 0) and leaves the gradient finite', () => {
    const input = requiresGrad(tensor([[-1, -2]]));
    const target = requiresGrad(tensor([[0, 1]]));
    const loss = klDiv(input, target, { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(2, 6);
    loss.backward();
    for (const v of [...input.grad!.dataSync(), ...target.grad!.dataSync()]) expect(Number.isFinite(v)).toBe(true);
  });

  it('checks the reduction and the shapes', () => {
    expect(() => klDiv(tensor([1]), tensor([1]), { reduction: 'avg' as never })).toThrow("klDiv: reduction must be 'none', 'mean', 'sum' or 'batchmean', got 'avg'");
    expect(() => klDiv(tensor([1, 2]), tensor([1]))).toThrow('klDiv: input [2] and target [1] must have the same shape');
  });
});

describe('every target ignored', () => {
  it("nllLoss 'mean' is NaN, as PyTorch, and the gradient is zero", () => {
    const input = requiresGrad(logSoftmax(randn([3, 4]), 1));
    const target = tensor([2, 2, 2], [3], 'int32');
    const loss = nllLoss(input, target, { ignoreIndex: 2 });
    expect(Number.isNaN(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(input.grad!.dataSync())).toEqual(new Array(12).fill(0));
    expect(nllLoss(input, target, { ignoreIndex: 2, reduction: 'sum' }).item()).toBe(0);
  });
  it("crossEntropy 'mean' is NaN too, with a zero gradient", () => {
    const logits = requiresGrad(randn([2, 3]));
    const loss = crossEntropy(logits, tensor([-100, -100], [2], 'int32'));
    expect(Number.isNaN(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(logits.grad!.dataSync())).toEqual(new Array(6).fill(0));
  });
});
