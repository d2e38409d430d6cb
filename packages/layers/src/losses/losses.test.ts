import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { cast, oneHot, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import * as F from './functional.js';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, DiceLoss, HuberLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss } from './modules.js';

interface RefTensor {
  shape: number[];
  data: number[];
  int?: boolean;
}
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/loss_reference.json'), 'utf8')) as {
  cases: { name: string; fn: string; inputs: Record<string, RefTensor>; options: Record<string, unknown>; expected: RefTensor }[];
};
const fromRef = (r: RefTensor): Tensor => tensor(r.data, r.shape, r.int ? 'int32' : 'float32');

type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;
const functions = F as unknown as Record<string, LossFn>;

describe('losses match a float64 reimplementation of PyTorch', () => {
  for (const c of reference.cases) {
    it(c.name, () => {
      const { input, target, ...rest } = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fromRef(v)]));
      const got = functions[c.fn](input, target, { ...c.options, ...rest });
      expectClose(got, fromRef(c.expected), 1e-5, 1e-5, c.name);
    });
  }
});

describe('losses match the PyTorch vectors, forward and gradient', () => {
  const cases: [string, (v: ReturnType<typeof loadVector>, x: Tensor) => Tensor][] = [
    ['cross_entropy__mean', (v, x) => F.crossEntropy(x, v.inputs.target)],
    ['cross_entropy__none', (v, x) => F.crossEntropy(x, v.inputs.target, { reduction: 'none' })],
    ['mse_loss__mean', (v, x) => F.mseLoss(x, v.inputs.target)],
    ['mse_loss__sum', (v, x) => F.mseLoss(x, v.inputs.target, { reduction: 'sum' })],
    ['binary_cross_entropy_with_logits__mean_hard_targets', (v, x) => F.binaryCrossEntropyWithLogits(x, v.inputs.target)],
    ['binary_cross_entropy_with_logits__mean_soft_targets', (v, x) => F.binaryCrossEntropyWithLogits(x, v.inputs.target)],
  ];
  for (const [name, fn] of cases) {
    it(name, () => {
      const v = loadVector(name);
      const key = 'logits' in v.inputs ? 'logits' : 'input';
      const x = requiresGrad(v.inputs[key]);
      const y = fn(v, x);
      expectClose(y, v.output, 1e-5, 1e-4, name);
      y.mul(v.G).sum().backward();
      expectClose(x.grad!, v.grads[key], 1e-5, 1e-4, `${name} grad`);
    });
  }
});

describe('cross entropy identities', () => {
  it('label smoothing with indices equals the smoothed one-hot as probabilities', () => {
    const logits = randn([5, 4]);
    const target = tensor([0, 3, 1, 1, 2], undefined, 'int32');
    const smoothed = cast(oneHot(target, 4), 'float32').mul(0.75).add(0.25 / 4);
    expectClose(F.crossEntropy(logits, target, { labelSmoothing: 0.25 }), F.crossEntropy(logits, smoothed), 1e-6, 1e-5);
  });

  it('the weighted mean is Σ w_y·loss / Σ w_y over the non-ignored targets', () => {
    const logits = randn([4, 3]);
    const target = tensor([2, -100, 0, 2], undefined, 'int32');
    const weight = tensor([1, 5, 3]);
    const none = F.crossEntropy(logits, target, { weight, reduction: 'none' }).dataSync();
    expect(none[1]).toBe(0);
    const mean = F.crossEntropy(logits, target, { weight }).item();
    expect(mean).toBeCloseTo((none[0] + none[2] + none[3]) / (3 + 1 + 3), 5);
  });

  it('accepts float32 class indices holding integers, and unbatched [C] input', () => {
    const logits = randn([3, 4]);
    expectClose(F.crossEntropy(logits, tensor([1, 0, 3])), F.crossEntropy(logits, tensor([1, 0, 3], undefined, 'int32')), 0, 0);
    const one = logits.slice([0], [1]).reshape([4]);
    expectClose(F.crossEntropy(one, tensor(1, [], 'int32')), F.crossEntropy(logits, tensor([1, 0, 3]), { reduction: 'none' }).slice([0], [1]).reshape([]), 1e-6, 0);
  });
});

describe('loss modules', () => {
  it('forward to the functions with their settings, and have PyTorch state', () => {
    const x = randn([3, 4]);
    const y = randn([3, 4]);
    expectClose(new MSELoss().forward(x, y), F.mseLoss(x, y), 0, 0);
    expectClose(new L1Loss({ reduction: 'sum' }).forward(x, y), F.l1Loss(x, y, { reduction: 'sum' }), 0, 0);
    expectClose(new SmoothL1Loss({ beta: 0.3 }).forward(x, y), F.smoothL1Loss(x, y, { beta: 0.3 }), 0, 0);
    expectClose(new HuberLoss({ delta: 2 }).forward(x, y), F.huberLoss(x, y, { delta: 2 }), 0, 0);
    const t = tensor([1, 2, 0], undefined, 'int32');
    const w = tensor([1, 2, 3, 4]);
    const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expectClose(ce.forward(x, t), F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1 }), 0, 0);
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(new CrossEntropyLoss().toString()).toBe('CrossEntropyLoss()');
    expect(new MSELoss({ reduction: 'sum' }).toString()).toBe("MSELoss(reduction='sum')");
    expectClose(new NLLLoss().forward(x.logSoftmax(1), t), F.crossEntropy(x, t), 1e-6, 0);
    const p = x.sigmoid();
    const b = tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]]);
    expectClose(new BCELoss().forward(p, b), new BCEWithLogitsLoss().forward(x, b), 1e-5, 1e-5);
    const pw = tensor([1, 2, 3, 4]);
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: pw }).stateDict())).toEqual(['pos_weight']);
    expectClose(new DiceLoss({ activation: 'sigmoid' }).forward(x.reshape([3, 4, 1]), b.reshape([3, 4, 1])), F.diceLoss(p.reshape([3, 4, 1]), b.reshape([3, 4, 1])), 1e-6, 0);
  });
});

describe('Dice loss', () => {
  it('is 0 for a perfect prediction and accepts class-index targets (one-hot over C)', () => {
    const target = tensor([[[0, 1], [2, 2]]], undefined, 'int32'); // [1, 2, 2]
    const perfect = cast(oneHot(target, 3), 'float32').permute([0, 3, 1, 2]); // [1, 3, 2, 2]
    expect(F.diceLoss(perfect, target, { smooth: 0 }).item()).toBeCloseTo(0, 6);
    expect(F.diceLoss(perfect, target, { reduction: 'none' }).shape).toEqual([1, 3]);
    const wrong = perfect.neg().add(1);
    expect(F.diceLoss(wrong, target, { smooth: 0 }).item()).toBeCloseTo(1, 6);
  });
});

describe('loss errors', () => {
  it('name the loss and the shapes', () => {
    const x = randn([3, 4]);
    expect(() => F.mseLoss(x, randn([3]))).toThrow(/mseLoss: input \[3,4\] and target \[3\] must have the same shape/);
    expect(() => F.mseLoss(x, x, { reduction: 'avg' as F.Reduction })).toThrow(/mseLoss: reduction must be 'none', 'mean' or 'sum', got 'avg'/);
    expect(() => F.crossEntropy(x, tensor([0, 4, 1], undefined, 'int32'))).toThrow(/crossEntropy: target 4 at flat index 1 is out of bounds for 4 classes/);
    expect(() => F.crossEntropy(x, tensor([0, 1]))).toThrow(/crossEntropy: class-index target must have shape \[3\] for input \[3,4\], got \[2\]/);
    expect(() => F.crossEntropy(x, tensor([0.5, 1, 2]))).toThrow(/class-index target must hold integers, got 0.5/);
    expect(() => F.crossEntropy(x, tensor([0, 1, 2]), { weight: tensor([1, 2]) })).toThrow(/crossEntropy: weight must have shape \[4\] \(one per class\), got \[2\]/);
    expect(() => F.crossEntropy(x, tensor([0, 1, 2]), { labelSmoothing: 2 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
    expect(() => F.crossEntropy(tensor(1), tensor(0))).toThrow(/must have a class dimension/);
    expect(() => F.binaryCrossEntropy(x, x)).toThrow(/binaryCrossEntropy: all elements of input should be between 0 and 1/);
    expect(() => F.smoothL1Loss(x, x, { beta: -1 })).toThrow(/smoothL1Loss: beta must be >= 0/);
    expect(() => F.huberLoss(x, x, { delta: 0 })).toThrow(/huberLoss: delta must be > 0/);
    expect(() => F.diceLoss(tensor([1, 2]), tensor([1, 2]))).toThrow(/diceLoss: input must be \[N, C, \.\.\.\]/);
  });
});
