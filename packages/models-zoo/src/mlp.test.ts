import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { ELU, LeakyReLU, Linear, mseLoss, ReLU, Sigmoid, Tanh } from '@nn/layers';
import { manualSeed, randn } from '@nn/tensor';
import { ACTIVATIONS } from './common.js';
import { mlp } from './mlp.js';
import { expectStepLowersLoss } from './test-utils/model_checks.js';

describe('mlp', () => {
  it("is the lecture's stack: linear layers with an activation between them, PyTorch's keys", () => {
    const model = mlp({ sizes: [80, 16, 8, 1] });
    expect(Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ['0.weight', [16, 80]],
      ['0.bias', [16]],
      ['2.weight', [8, 16]],
      ['2.bias', [8]],
      ['4.weight', [1, 8]],
      ['4.bias', [1]],
    ]);
    expect(model.at(-1)).toBeInstanceOf(Linear);
    expect(mlp({ sizes: [2, 1], outputActivation: 'sigmoid' }).at(-1)).toBeInstanceOf(Sigmoid);
  });

  const classes = { relu: ReLU, sigmoid: Sigmoid, tanh: Tanh, leakyRelu: LeakyReLU, elu: ELU };
  for (const activation of ACTIVATIONS) {
    it(`with ${activation}: regression on 80 features trains`, () => {
      manualSeed(1);
      const model = mlp({ sizes: [80, 16, 1], activation });
      expect(model.at(1)).toBeInstanceOf(classes[activation]);
      const x = randn([8, 80]);
      const y = randn([8, 1]);
      expectStepLowersLoss(model, () => mseLoss(model.forward(x), y), 0.05);
    });
  }

  it("leaky ReLU is the lecture's max(0.1x, x)", () => {
    expect((mlp({ sizes: [2, 2, 1], activation: 'leakyRelu' }).at(1) as LeakyReLU).negativeSlope).toBe(0.1);
  });

  it('rejects bad sizes', () => {
    expect(() => mlp({ sizes: [3] })).toThrow(/mlp: sizes must list at least the input and output widths, got \[3\]/);
    expect(() => mlp({ sizes: [3, 0] })).toThrow(/mlp: sizes\[1\] must be an integer >= 1, got 0/);
  });
});
