import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { BatchNorm2d, crossEntropy, LocalResponseNorm } from '@nn/layers';
import { manualSeed, randint, randn } from '@nn/tensor';
import { Conv2d } from './building.js';
import { vgg, vgg11, vgg11_bn, vgg11_lrn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg16_c, vgg19, vgg19_bn, type VGG, type VGGConfiguration, type VGGOptions } from './vgg.js';
import { expectEvalChangesBehaviour, expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

// 1/16 of the channels (4 … 32) and of the FC width (256) on 32×32 images: every layer of the table, fast.
const small: VGGOptions = { width: 1 / 16, numClasses: 4, init: true };

const factories: [string, (o?: VGGOptions) => VGG, VGGConfiguration, boolean][] = [
  ['vgg11', vgg11, 'A', false],
  ['vgg11_lrn', vgg11_lrn, 'A-LRN', false],
  ['vgg13', vgg13, 'B', false],
  ['vgg16_c', vgg16_c, 'C', false],
  ['vgg16', vgg16, 'D', false],
  ['vgg19', vgg19, 'E', false],
  ['vgg11_bn', vgg11_bn, 'A', true],
  ['vgg13_bn', vgg13_bn, 'B', true],
  ['vgg16_bn', vgg16_bn, 'D', true],
  ['vgg19_bn', vgg19_bn, 'E', true],
];

const kernelsOf = (model: VGG): number[] => model.features.modules().filter((m): m is Conv2d => m instanceof Conv2d).map((c) => c.kernelSize[0]);

describe('vgg', () => {
  it("builds the lecture's table: weight layers per configuration, 1×1 convs only in C, LRN only in A-LRN", () => {
    const layers = (c: VGGConfiguration): number => kernelsOf(vgg(c, { ...small, init: false })).length + 3;
    expect(['A', 'A-LRN', 'B', 'C', 'D', 'E'].map((c) => layers(c as VGGConfiguration))).toEqual([11, 11, 13, 16, 16, 19]);
    expect(kernelsOf(vgg16_c({ ...small, init: false }))).toEqual([3, 3, 3, 3, 3, 3, 1, 3, 3, 1, 3, 3, 1]);
    const lrn = vgg11_lrn({ ...small, init: false }).features;
    expect(lrn.at(2)).toBeInstanceOf(LocalResponseNorm);
    expect(lrn.at(2)).toMatchObject({ size: 5, alpha: 1e-4, beta: 0.75, k: 2 });
    expect(vgg11({ ...small, init: false }).features.modules().some((m) => m instanceof LocalResponseNorm)).toBe(false);
  });

  for (const [name, make, configuration, batchNorm] of factories) {
    it(`${name} (${configuration}${batchNorm ? ', batch norm' : ''}): shape, one training step, safetensors, eval`, () => {
      manualSeed(1);
      const model = make(small);
      expect(model.configuration).toBe(configuration);
      expect(model.features.modules().some((m) => m instanceof BatchNorm2d)).toBe(batchNorm);
      const x = randn([2, 3, 32, 32]);
      expect(model.forward(x).shape).toEqual([2, 4]);
      expect(model.forwardFeatures(x).shape).toEqual([2, 32, 1, 1]);
      const labels = randint(0, 4, [2]);
      expectStepLowersLoss(model, () => crossEntropy(model.forward(x), labels), 0.02);
      expectSafetensorsRoundTrip(model, make({ ...small, init: false }), x);
      expectEvalChangesBehaviour(model, x, { dropout: true, batchNorm });
    });
  }

  it('initialises as torchvision: He-normal convs (fan_out), N(0, 0.01) linears, zero biases', () => {
    manualSeed(4);
    const model = vgg11({ width: 1 / 8, numClasses: 10 });
    const conv = model.features.at(3) as Conv2d; // 8 → 16, 3×3: std √(2 / (16·9))
    const std = (values: Float32Array): number => Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std(conv.weight.dataSync() as Float32Array)).toBeCloseTo(Math.sqrt(2 / (16 * 9)), 2);
    expect(conv.bias!.abs().max().item()).toBe(0);
    const fc = model.classifier!.at(0).parameters()[0];
    expect(std(fc.dataSync() as Float32Array)).toBeCloseTo(0.01, 3);
  });

  it('rejects an unknown configuration', () => {
    expect(() => vgg('F' as VGGConfiguration)).toThrow(/vgg: configuration must be one of A, A-LRN, B, C, D, E, got "F"/);
  });
});
