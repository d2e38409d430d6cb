import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { crossEntropy, summary } from '@nn/layers';
import { manualSeed, randint, randn } from '@nn/tensor';
import { ACTIVATIONS } from './common.js';
import { lenet5 } from './lenet.js';
import { expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

describe('lenet5', () => {
  it('maps 1×32×32 digits to 10 scores, through [6,28,28] and [16,5,5] as in the paper', () => {
    manualSeed(0);
    const model = lenet5();
    const rows = summary(model, [2, 1, 32, 32], { print: false }).rows;
    const shapeOf = (name: string): number[] | null => rows.find((r) => r.name === name)!.outputShape;
    expect(shapeOf('conv1')).toEqual([2, 6, 28, 28]);
    expect(shapeOf('conv2')).toEqual([2, 16, 10, 10]);
    expect(shapeOf('fc1')).toEqual([2, 120]);
    expect(shapeOf('fc3')).toEqual([2, 10]);
    expect(model.forward(randn([2, 1, 32, 32])).shape).toEqual([2, 10]);
    expect(model.forwardFeatures(randn([2, 1, 32, 32])).shape).toEqual([2, 16, 5, 5]);
  });

  for (const pooling of ['avg', 'max'] as const) {
    for (const activation of ACTIVATIONS) {
      it(`trains with ${activation} and ${pooling} pooling`, () => {
        manualSeed(1);
        const model = lenet5({ activation, pooling });
        const x = randn([4, 1, 32, 32]);
        const labels = randint(0, 10, [4]);
        expectStepLowersLoss(model, () => crossEntropy(model.forward(x), labels), 0.05);
      });
    }
  }

  it('takes 28×28 MNIST digits with inputSize 28, other classes and channels', () => {
    const model = lenet5({ inputSize: 28, numClasses: 3, inChannels: 3 });
    expect(model.fc1!.inFeatures).toBe(16 * 4 * 4);
    expect(model.forward(randn([1, 3, 28, 28])).shape).toEqual([1, 3]);
  });

  it('round-trips through safetensors', () => {
    manualSeed(2);
    expectSafetensorsRoundTrip(lenet5(), lenet5({ init: false }), randn([2, 1, 32, 32]));
  });

  it('numClasses 0 keeps only the convolutions and returns their flattened maps', () => {
    const model = lenet5({ numClasses: 0 });
    expect(Object.keys(model.stateDict())).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias']);
    expect(model.forward(randn([2, 1, 32, 32])).shape).toEqual([2, 400]);
  });

  it('rejects wrong input and options, naming them', () => {
    const model = lenet5();
    expect(() => model.forward(randn([2, 3, 32, 32]))).toThrow(/LeNet5: expected images \[N, 1, H, W\], got shape \[2,3,32,32\]/);
    expect(() => lenet5({ pooling: 'min' as never })).toThrow(/lenet5: pooling must be 'avg' or 'max', got "min"/);
    expect(() => lenet5({ activation: 'swish' as never })).toThrow(/lenet5: activation must be one of relu, sigmoid, tanh, leakyRelu, elu/);
    expect(() => lenet5({ numClasses: 2.5 })).toThrow(/lenet5: numClasses must be an integer >= 0, got 2.5/);
  });
});
