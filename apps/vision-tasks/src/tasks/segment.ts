/**
 * Segmentation: a small U-Net (the zoo's, 'same' padding, batch norm) gives a score per
 * class and pixel; the loss is cross entropy (the background weighted 0.1) plus Dice
 * (Milletari et al., 2016) over the whole batch and the clothes classes only, so that small
 * clothes count as much as the background (the per-scene Dice over every class let the
 * default run settle on "everything is background": test mean IoU 0.110, now 0.397 per pixel
 * and 0.422 after the per-garment vote of vote.ts).
 * Multi-class: background and the ten clothes; binary: clothes or background (two scores
 * and a softmax, the same as one sigmoid score).
 */
import { noGrad } from '@nn/autograd';
import { crossEntropy, IoU, PixelAccuracy } from '@nn/layers';
import { argmax, cast, oneHot, tensor, tidy, type Tensor } from '@nn/tensor';
import { unet } from '@nn/models-zoo';
import type { Scene } from '@nn/data';
import { imageBatch } from '../data.js';
import type { ModelConfig, Model, Prediction, TaskRunner } from './task.js';
import { voteComponents } from './vote.js';

const classesOf = (config: ModelConfig): number => (config.mode === 'binary' ? 2 : 11);

/** Target masks: int32 class maps [N, H, W] (binary: clothes 1, background 0). */
function masks(batch: readonly Scene[], config: ModelConfig): Tensor {
  const { height, width } = batch[0].image;
  const values = new Int32Array(batch.length * height * width);
  batch.forEach((scene, n) => scene.mask.forEach((v, i) => (values[n * height * width + i] = config.mode === 'binary' ? Number(v > 0) : v)));
  return tensor(values, [batch.length, height, width], 'int32');
}

/** Cross-entropy weights: the background (about 85 % of the pixels) counts a tenth as much. */
function classWeights(classes: number): Tensor {
  return tensor(Array.from({ length: classes }, (_, c) => (c === 0 ? 0.1 : 1)));
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
  defaults: { config: { mode: 'multiclass', width: 8, backbone: 'unet' }, lr: 5e-3, schedule: 'constant', epochs: 20, batchSize: 8, trainScenes: 500, testScenes: 200 },

  build(config) {
    return unet({ inChannels: 3, numClasses: classesOf(config), baseWidth: config.width, depth: 3, batchNorm: true });
  },

  loss(model, images, batch, config) {
    const scores = model.forward(images);
    const target = masks(batch, config);
    return crossEntropy(scores, target, { weight: classWeights(scores.shape[1]) }).add(foregroundDice(scores, target));
  },

  evaluate(model: Model, scenes, config, batchSize) {
    const numClasses = classesOf(config);
    const iou = new IoU({ numClasses });
    const pixelIou = new IoU({ numClasses });
    const accuracy = new PixelAccuracy({ numClasses });
    const predictions: Prediction[] = [];
    model.eval();
    noGrad(() => {
      for (let at = 0; at < scenes.length; at += batchSize) {
        const batch = scenes.slice(at, at + batchSize);
        tidy(() => {
          const scores = model.forward(imageBatch(batch));
          const target = masks(batch, config);
          pixelIou.update(scores, target);
          const labels = argmax(scores, 1).dataSync();
          const probabilities = scores.softmax(1).dataSync();
          const [, , height, width] = scores.shape;
          const plane = height * width;
          const voted = new Int32Array(labels.length);
          batch.forEach((_, n) => {
            const own = labels.subarray(n * plane, (n + 1) * plane);
            const mask = numClasses > 2 ? voteComponents(own, probabilities.subarray(n * numClasses * plane, (n + 1) * numClasses * plane), numClasses, height, width) : Uint8Array.from(own);
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
    const metrics = { meanIou: iou.compute(), pixelAccuracy: accuracy.compute(), iouPerClass: perClass.map((v) => (Number.isNaN(v) ? null : v)), meanIouBeforeVote: pixelIou.compute() };
    return { metrics, predictions };
  },
};
