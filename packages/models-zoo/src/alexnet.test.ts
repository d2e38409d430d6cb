import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { crossEntropy, Dropout } from '@nn/layers';
import { manualSeed, randint, randn } from '@nn/tensor';
import { alexnet } from './alexnet.js';
import { expectEvalChangesBehaviour, expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

// A narrow AlexNet (1/8 of the channels and FC width) on 64×64 images: the same layers, fast.
const small = { width: 1 / 8, numClasses: 5 };

describe('alexnet', () => {
  it('gives [N, numClasses] scores; features are [N, 256·width, 1, 1] at 64×64', () => {
    manualSeed(0);
    const model = alexnet(small);
    const x = randn([2, 3, 64, 64]);
    expect(model.forward(x).shape).toEqual([2, 5]);
    expect(model.forwardFeatures(x).shape).toEqual([2, 32, 1, 1]);
    expect(model.classifier!.at(0)).toBeInstanceOf(Dropout);
  });

  it('one SGD step lowers the loss', () => {
    manualSeed(1);
    const model = alexnet(small);
    const x = randn([4, 3, 64, 64]);
    const labels = randint(0, 5, [4]);
    expectStepLowersLoss(model, () => crossEntropy(model.forward(x), labels), 0.05);
  });

  it('round-trips through safetensors', () => {
    manualSeed(2);
    expectSafetensorsRoundTrip(alexnet(small), alexnet({ ...small, init: false }), randn([2, 3, 64, 64]));
  });

  it('eval() turns dropout off', () => {
    manualSeed(3);
    expectEvalChangesBehaviour(alexnet(small), randn([2, 3, 64, 64]), { dropout: true, batchNorm: false });
  });

  it('init false leaves weights at zero; torchvision-style init does not', () => {
    expect(alexnet({ ...small, init: false }).features.at(0).parameters()[0].abs().max().item()).toBe(0);
    expect(alexnet(small).features.at(0).parameters()[0].abs().max().item()).toBeGreaterThan(0);
  });
});
