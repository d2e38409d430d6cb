/** The README's examples, run as written except for smaller widths where the full models would be slow here. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { noGrad } from '@nn/autograd';
import { SGD, summary } from '@nn/layers';
import { load, save } from '@nn/layers/node';
import { manualSeed, randint, randn, softmax } from '@nn/tensor';
import { decodeYoloV1, encodeYoloTargets, resnet18, vgg16, withHead, yoloV1 } from './index.js';

describe('README examples', () => {
  it('build, summary, save and load weights, predict', async () => {
    manualSeed(0);
    const model = resnet18({ width: 1 / 8 }).eval();
    const report = summary(model, [1, 3, 224, 224], { print: false });
    expect(report.totalParams).toBe(model.parameters().reduce((n, p) => n + p.size, 0));

    const dir = mkdtempSync(join(tmpdir(), 'zoo-readme-'));
    try {
      const path = join(dir, 'resnet18.safetensors');
      await save(model.stateDict(), path);
      const restored = resnet18({ width: 1 / 8, init: false });
      restored.loadStateDict(await load(path));
      restored.eval();

      const image = randn([1, 3, 224, 224]);
      const probabilities = noGrad(() => softmax(restored.forward(image), 1));
      const best = probabilities.argmax(1).item();
      expect(best).toBe(noGrad(() => model.forward(image)).argmax(1).item());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a head on a backbone, trained one step', () => {
    manualSeed(1);
    const segmenter = withHead(vgg16({ numClasses: 0, width: 1 / 16 }), { task: 'segmentation', numClasses: 3 });
    const optimizer = new SGD(segmenter.parameters(), { lr: 0.01, momentum: 0.9 });
    const images = randn([2, 3, 64, 64]);
    const masks = randint(0, 3, [2, 64, 64]);
    const loss = segmenter.loss(images, masks);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    expect(segmenter.predict(images).shape).toEqual([2, 3, 64, 64]);
  });

  it('YOLO: targets, loss, boxes', () => {
    manualSeed(2);
    const detector = yoloV1(resnet18({ numClasses: 0, width: 1 / 8 }), { hidden: 64 });
    const images = randn([2, 3, 64, 64]);
    const targets = encodeYoloTargets([[{ box: [0.5, 0.4, 0.3, 0.6], classId: 14 }], [{ box: [0.2, 0.7, 0.2, 0.2], classId: 7 }]]);
    const loss = detector.loss(images, targets);
    expect(Number.isFinite(loss.item())).toBe(true);
    const [first] = decodeYoloV1(detector.predict(images), { scoreThreshold: 0 });
    expect(first.length).toBeGreaterThan(0);
    for (const d of first) expect(d.box).toHaveLength(4);
  });
});
