import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { manualSeed, rand, randint, randn, slice, softmax, tensor } from '@nn/tensor';
import { alexnet } from './alexnet.js';
import { ClassificationHead, LocalizationHead, RegressionHead, SegmentationHead, singleObjectLocalizer, TaskModel, withHead } from './heads.js';
import { resnet18 } from './resnet.js';
import { vgg11 } from './vgg.js';
import { expectStepLowersLoss } from './test-utils/model_checks.js';

const backbone = (): ReturnType<typeof resnet18> => resnet18({ width: 1 / 8, numClasses: 0 });

describe('task heads on a backbone', () => {
  it('regression: linear outputs, mean squared error (the number of dogs)', () => {
    manualSeed(1);
    const model = withHead(backbone(), { task: 'regression', outputs: 1 });
    expect(model.head).toBeInstanceOf(RegressionHead);
    const x = randn([4, 3, 64, 64]);
    expect(model.forward(x).shape).toEqual([4, 1]);
    expectStepLowersLoss(model, () => model.loss(x, tensor([[4], [0], [2], [1]])), 1e-3);
  });

  it('classification: softmax probabilities for one label', () => {
    manualSeed(2);
    const model = withHead(backbone(), { task: 'classification', numClasses: 5 });
    expect(model.head).toBeInstanceOf(ClassificationHead);
    const x = randn([4, 3, 64, 64]);
    const p = model.predict(x);
    expect(p.shape).toEqual([4, 5]);
    (p.sum(1).dataSync() as Float32Array).forEach((v) => expect(v).toBeCloseTo(1, 5));
    expectStepLowersLoss(model, () => model.loss(x, randint(0, 5, [4])), 1e-3);
  });

  it('classification: a sigmoid per class for several labels', () => {
    manualSeed(3);
    const model = withHead(backbone(), { task: 'classification', numClasses: 3, multiLabel: true });
    const x = randn([4, 3, 64, 64]);
    const p = model.predict(x);
    expect(p.sum(1).dataSync().some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
    expect(p.dataSync().every((v) => v > 0 && v < 1)).toBe(true);
    expectStepLowersLoss(model, () => model.loss(x, tensor([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]])), 1e-3);
  });

  it('segmentation: per-pixel class scores at the input size', () => {
    manualSeed(4);
    const model = withHead(backbone(), { task: 'segmentation', numClasses: 3 });
    expect(model.head).toBeInstanceOf(SegmentationHead);
    const x = randn([4, 3, 64, 64]);
    expect(model.forward(x).shape).toEqual([4, 3, 64, 64]);
    expectStepLowersLoss(model, () => model.loss(x, randint(0, 3, [4, 64, 64])), 1e-3);
    // Binary segmentation: one channel, a sigmoid, a float mask.
    const binary = withHead(backbone(), { task: 'segmentation', numClasses: 1 });
    expect(binary.predict(x).shape).toEqual([4, 1, 64, 64]);
    expectStepLowersLoss(binary, () => binary.loss(x, rand([4, 1, 64, 64]).gt(0.5).cast('float32')), 1e-3);
  });

  it('localization: class scores plus 4 box numbers for a single object', () => {
    manualSeed(5);
    const model = singleObjectLocalizer(backbone(), 4);
    expect(model.head).toBeInstanceOf(LocalizationHead);
    const x = randn([4, 3, 64, 64]);
    const out = model.forward(x);
    expect(out.shape).toEqual([4, 8]);
    const { scores, box } = (model.head as LocalizationHead).split(out);
    expect([scores.shape, box.shape]).toEqual([[4, 4], [4, 4]]);
    const p = model.predict(x);
    const evalOut = model.eval().forward(x);
    model.train();
    expect([...p.dataSync().subarray(4, 8)]).toEqual([...evalOut.dataSync().subarray(4, 8)]);
    (softmax(slice(evalOut, [0, 0], [4, 4]), 1).dataSync() as Float32Array).forEach((v, i) => expect(p.dataSync()[(i >> 2) * 8 + (i & 3)]).toBeCloseTo(v, 6));
    const target = { labels: tensor([1, 3, 0, 2], undefined, 'int32'), boxes: tensor([[0.5, 0.5, 0.2, 0.3], [0.1, 0.7, 0.1, 0.1], [0.3, 0.3, 0.2, 0.2], [0.8, 0.2, 0.3, 0.1]]) };
    expectStepLowersLoss(model, () => model.loss(x, target), 1e-3);
  });

  it('works on any zoo backbone; the state dict nests backbone.* and head.*', () => {
    manualSeed(6);
    for (const b of [alexnet({ width: 1 / 8, numClasses: 0 }), vgg11({ width: 1 / 16, numClasses: 0 }), backbone()]) {
      const model = withHead(b, { task: 'classification', numClasses: 2 });
      expect(model.forward(randn([1, 3, 64, 64])).shape).toEqual([1, 2]);
      const keys = Object.keys(model.stateDict());
      expect(keys.every((k) => k.startsWith('backbone.') || k.startsWith('head.'))).toBe(true);
      expect(keys.at(-1)).toBe('head.fc.bias');
    }
  });

  it('predict() runs in eval mode and restores the mode', () => {
    const model = withHead(vgg11({ width: 1 / 16, numClasses: 0 }), { task: 'classification', numClasses: 2, dropout: 0.5 });
    const x = randn([1, 3, 32, 32]);
    model.train();
    expect([...model.predict(x).dataSync()]).toEqual([...model.predict(x).dataSync()]);
    expect(model.training && model.modules().every((m) => m.training)).toBe(true);
  });

  it('rejects a backbone without features and an unknown task', () => {
    expect(() => new TaskModel(new RegressionHead(2) as never, new RegressionHead(2))).toThrow(/TaskModel: the backbone must have numFeatures and forwardFeatures/);
    expect(() => withHead(backbone(), { task: 'pose' } as never)).toThrow(/withHead: task must be regression, classification, segmentation, localization or detection, got "pose"/);
  });
});
