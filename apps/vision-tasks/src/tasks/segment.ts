/**
 * Segmentation in two stages (the default): a small U-Net (the zoo's, 'same' padding, batch
 * norm) finds the clothes pixels (two scores per pixel: clothes or background), then each
 * connected patch of them takes the class that the crop classifier (classifier.ts) gives its
 * box (vote.ts). The U-Net finds clothes well (IoU 0.99) but named them badly: with eleven
 * scores per pixel the default run reached a mean IoU of 0.42.
 *
 * The loss is cross entropy plus Dice (Milletari et al., 2016) over the whole batch and the
 * clothes classes only, so that small clothes count as much as the background. With one stage
 * (`--classifier none`) the U-Net gives eleven scores (background, weighted 0.1, and the ten
 * clothes) and each patch takes the class its pixels vote for. `--mode binary`: clothes or
 * background, scored as such.
 */
import { noGrad } from '@nn/autograd';
import { crossEntropy, IoU, PixelAccuracy } from '@nn/layers';
import { argmax, cast, oneHot, tensor, tidy, type Tensor } from '@nn/tensor';
import { unet } from '@nn/models-zoo';
import type { Scene } from '@nn/data';
import { imageBatch } from '../data.js';
import type { ModelConfig, Model, Prediction, TaskRunner } from './task.js';
import { classifyBoxes } from './classifier.js';
import { maskedImage } from './crops.js';
import { nameComponents, voteComponents, type Patch } from './vote.js';

/** Classes scored: clothes or not (binary), or background and the ten clothes. */
const classesOf = (config: ModelConfig): number => (config.mode === 'binary' ? 2 : 11);
/** Scores per pixel of the U-Net: two where it only finds the clothes. */
const outputsOf = (config: ModelConfig): number => (config.mode === 'binary' || config.classifier !== undefined ? 2 : 11);

/** Target masks: int32 class maps [N, H, W] (binary: clothes 1, background 0). */
function masks(batch: readonly Scene[], classes: number): Tensor {
  const { height, width } = batch[0].image;
  const values = new Int32Array(batch.length * height * width);
  batch.forEach((scene, n) => scene.mask.forEach((v, i) => (values[n * height * width + i] = classes === 2 ? Number(v > 0) : v)));
  return tensor(values, [batch.length, height, width], 'int32');
}

/**
 * Cross-entropy weights of eleven classes: the background (about 85 % of the pixels) counts a
 * tenth as much, or the U-Net settles on "everything is background". Two classes need none.
 */
function classWeights(classes: number): Tensor | undefined {
  return classes === 2 ? undefined : tensor(Array.from({ length: classes }, (_, c) => (c === 0 ? 0.1 : 1)));
}

/**
 * Dice over the whole batch and the clothes classes only: the background's near-perfect Dice
 * and the classes absent from a scene no longer drown the clothes that are there.
 */
export function foregroundDice(scores: Tensor, target: Tensor): Tensor {
  const classes = scores.shape[1];
  const p = scores.softmax(1);
  const t = cast(oneHot(target, classes), 'float32').permute([0, 3, 1, 2]);
  const intersection = p.mul(t).sum([0, 2, 3]);
  const total = p.sum([0, 2, 3]).add(t.sum([0, 2, 3]));
  const dice = intersection.mul(2).add(1).div(total.add(1)).neg().add(1);
  const foreground = tensor(Array.from({ length: classes }, (_, c) => (c === 0 ? 0 : 1 / (classes - 1))));
  return dice.mul(foreground).sum();
}

export const segment: TaskRunner = {
  defaults: {
    config: { mode: 'multiclass', width: 8, backbone: 'unet', classifier: { width: 1, masked: true } },
    lr: 3e-3,
    schedule: 'constant',
    epochs: 3,
    batchSize: 16,
    trainScenes: 800,
    testScenes: 200,
    classifier: { itemEpochs: 8, epochs: 4, crops: 12_000, batchSize: 64, lr: 3e-3 },
  },

  build(config) {
    return unet({ inChannels: 3, numClasses: outputsOf(config), baseWidth: config.width, depth: 3, batchNorm: true });
  },

  loss(model, images, batch) {
    const scores = model.forward(images);
    const target = masks(batch, scores.shape[1]);
    const weight = classWeights(scores.shape[1]);
    return crossEntropy(scores, target, weight === undefined ? {} : { weight }).add(foregroundDice(scores, target));
  },

  evaluate(model: Model, scenes, config, batchSize, classifier) {
    const numClasses = classesOf(config);
    const outputs = outputsOf(config);
    const iou = new IoU({ numClasses });
    // Before the patches are named: the per-pixel classes (one stage) or clothes/background (two).
    const pixelIou = new IoU({ numClasses: outputs });
    const accuracy = new PixelAccuracy({ numClasses });
    const predictions: Prediction[] = [];
    model.eval();
    noGrad(() => {
      for (let at = 0; at < scenes.length; at += batchSize) {
        const batch = scenes.slice(at, at + batchSize);
        tidy(() => {
          const scores = model.forward(imageBatch(batch));
          const target = masks(batch, numClasses);
          pixelIou.update(scores, masks(batch, outputs));
          const labels = argmax(scores, 1).dataSync();
          const probabilities = outputs > 2 ? scores.softmax(1).dataSync() : new Float32Array(0);
          const [, , height, width] = scores.shape;
          const plane = height * width;
          const voted = new Int32Array(labels.length);
          batch.forEach((scene, n) => {
            const own = labels.subarray(n * plane, (n + 1) * plane);
            let mask: Uint8Array;
            if (numClasses === 2) mask = Uint8Array.from(own);
            else if (outputs === 2) mask = nameComponents(own, height, width, (found) => namesOf(classifier, config, scene.image, found));
            else mask = voteComponents(own, probabilities.subarray(n * numClasses * plane, (n + 1) * numClasses * plane), numClasses, height, width);
            voted.set(mask, n * plane);
            predictions.push({ mask });
          });
          const predicted = tensor(voted, [batch.length, height, width], 'int32');
          iou.update(predicted, target);
          accuracy.update(predicted, target);
        });
      }
    });
    const perClass = iou.perClass();
    const stage1 = outputs === numClasses ? { meanIouBeforeVote: pixelIou.compute() } : { clothesIou: pixelIou.perClass()[1], meanIouClothesOrNot: pixelIou.compute() };
    const metrics = { meanIou: iou.compute(), pixelAccuracy: accuracy.compute(), iouPerClass: perClass.map((v) => (Number.isNaN(v) ? null : v)), ...stage1 };
    return { metrics, predictions };
  },
};

/**
 * The class (1..10) the crop classifier gives each patch of an image: the crop of its box, cut
 * out along the patch where the classifier learnt on garments cut out along their masks.
 */
function namesOf(classifier: Model | undefined, config: ModelConfig, image: Scene['image'], found: readonly Patch[]): Uint8Array {
  if (classifier === undefined) throw new Error('segment: a two-stage model needs its crop classifier (the checkpoint has no stage2 weights)');
  const plane = image.height * image.width;
  const cut = (pixels: readonly number[]): Scene['image'] => {
    const mask = new Uint8Array(plane);
    for (const i of pixels) mask[i] = 1;
    return maskedImage(image, mask);
  };
  const p = classifyBoxes(classifier, found.map(({ box, pixels }) => ({ image: config.classifier?.masked ? cut(pixels) : image, box })));
  return Uint8Array.from(found, (_, k) => {
    const row = p.subarray(10 * k, 10 * k + 10);
    return row.indexOf(Math.max(...row)) + 1;
  });
}
