/** The README's examples, run as written except for smaller widths where the full models would be slow here. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { noGrad } from '@nn/autograd';
import { Adam, SGD, summary } from '@nn/layers';
import { load, save } from '@nn/layers/node';
import { manualSeed, rand, randint, randn, softmax } from '@nn/tensor';
import { convAutoencoder, DcganGenerator, dcganDiscriminator, dcganGenerator, decodeYoloV1, discriminatorLoss, encodeYoloTargets, generatorLoss, resnet18, vae, vgg16, withHead, yoloV1 } from './index.js';

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

  it('generative models: denoising autoencoder, VAE loss and samples, one DCGAN round', () => {
    manualSeed(3);
    const x = rand([8, 1, 28, 28]);
    const ae = convAutoencoder({ latentDim: 32 });
    ae.loss(x, { noiseStd: 0.3 }).backward();
    expect(ae.parameters().every((p) => p.grad !== null)).toBe(true);

    const model = vae({ latentDim: 2 });
    const { loss, reconstruction, kl } = model.loss(x, { klWeight: 1 });
    expect(loss.item()).toBeCloseTo(reconstruction.item() + kl.item(), 2);
    expect(model.sample(64).shape).toEqual([64, 1, 28, 28]);

    const g = dcganGenerator({ width: 0.25 });
    const d = dcganDiscriminator({ width: 0.25 });
    const optD = new Adam(d.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
    const fake = g.forward(randn([8, 100]));
    discriminatorLoss(d.forward(x.mul(2).sub(1)), d.forward(fake.detach())).backward();
    optD.step();
    generatorLoss(d.forward(fake)).backward();
    expect(g.parameters().every((p) => p.grad !== null)).toBe(true);
    expect([convAutoencoder(), vae({ latentDim: 2 }), dcganGenerator(), dcganDiscriminator()].map((m) => summary(m, m instanceof DcganGenerator ? [1, 100] : [1, 1, 28, 28], { print: false }).totalParams)).toEqual([
      241441, 59525, 1781504, 138624,
    ]);
  });
});
