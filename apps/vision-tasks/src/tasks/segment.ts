/**
 * Segmentation in two stages (the default): a small U-Net (the zoo's, 'same' padding, batch
 * norm) finds the clothes pixels (two scores per pixel: clothes or background) and the garments'
 * centres (a third channel: a heatmap, as CenterNet's), then each patch of clothes pixels, split
 * at its centres where it holds several (garments pasted side by side touch), takes the class
 * that the crop classifier (classifier.ts) gives its box (vote.ts). The U-Net finds clothes well
 * (IoU 0.99) but named them badly: with eleven scores per pixel the default run reached a mean
 * IoU of 0.42.
 *
 * The loss is cross entropy plus Dice (Milletari et al., 2016) over the whole batch and the
 * clothes classes only, so that small clothes count as much as the background. With one stage
 * (`--classifier none`) the U-Net gives eleven scores (background, weighted 0.1, and the ten
 * clothes) and each patch takes the class its pixels vote for. `--mode binary`: clothes or
 * background, scored as such. The centre heatmap learns with CenterNet's focal loss (Gaussian
 * targets around each garment's box centre), weighted CENTRE_WEIGHT.
 */
import { noGrad } from '@nn/autograd';
import { crossEntropy, IoU, PixelAccuracy } from '@nn/layers';
import { argmax, cast, logSigmoid, oneHot, sigmoid, slice, tensor, tidy, type Tensor } from '@nn/tensor';
import { unet } from '@nn/models-zoo';
import type { Scene } from '@nn/data';
import { imageBatch } from '../data.js';
import type { ModelConfig, Model, Prediction, TaskRunner } from './task.js';
import { classifyBoxes } from './classifier.js';
import { maskedImage } from './crops.js';
import { centreTargets, matchGarments, nameComponents, peaks, trueClassOf, voteComponents, type Patch } from './vote.js';

/** Classes scored: clothes or not (binary), or background and the ten clothes. */
const classesOf = (config: ModelConfig): number => (config.mode === 'binary' ? 2 : 11);
/** Class scores per pixel of the U-Net: two where it only finds the clothes. */
const outputsOf = (config: ModelConfig): number => (config.mode === 'binary' || config.classifier !== undefined ? 2 : 11);

/**
 * The centre heatmap's weight in the loss, and its peaks: at least PEAK_THRESHOLD and the largest
 * within PEAK_REACH pixels (two touching garments' centres lie further apart). On the segment
 * default's test scenes (3 epochs): weight 0.05 kept the clothes mask's IoU (0.987 against 0.980 at 0.2) but its
 * peaks merged 3 pairs of garments; with 0.1 the peaks' height varied so that threshold 0.1 cut
 * garments in pieces and 0.2 merged 8 pairs; 0.2 and threshold 0.2: 1 pair left, none cut. After
 * 4 epochs (the default) thresholds 0.1 to 0.3 all split well (0.993 to 1.000 of the garments found).
 */
export const CENTRE_WEIGHT = 0.2;
export const PEAK_THRESHOLD = 0.2;
export const PEAK_REACH = 5;

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

/** The clothes-or-not scores [N, 2, H, W] of a U-Net with a centre heatmap. */
function clothesScores(scores: Tensor): Tensor {
  const [n, , h, w] = scores.shape;
  return slice(scores, [0, 0, 0, 0], [n, 2, h, w]);
}

/**
 * The centre heatmap's logits [N, 1, H, W]: the U-Net's third channel less CenterNet's prior
 * (2.19: a probability of 0.1 at the start, or the focal loss of 4,096 pixels at 0.5 swamps the mask's).
 */
export function heatLogits(scores: Tensor): Tensor {
  const [n, , h, w] = scores.shape;
  return slice(scores, [0, 2, 0, 0], [n, 3, h, w]).sub(2.19);
}

/** CenterNet's focal loss on one heatmap (logits [N, 1, H, W]) against Gaussian targets [N·H·W] (1 at the centres), per object. */
export function centreLoss(logits: Tensor, truth: Float32Array, objects: number): Tensor {
  const shape = logits.shape;
  const p = sigmoid(logits);
  const q = p.neg().add(1);
  const positives = tensor(Float32Array.from(truth, (v) => (v === 1 ? 1 : 0)), shape).mul(q.mul(q)).mul(logSigmoid(logits));
  const negatives = tensor(Float32Array.from(truth, (v) => (v === 1 ? 0 : (1 - v) ** 4)), shape).mul(p.mul(p)).mul(logSigmoid(logits.neg()));
  return positives.add(negatives).sum().neg().div(Math.max(1, objects));
}

export const segment: TaskRunner = {
  defaults: {
    config: { mode: 'multiclass', width: 8, backbone: 'unet', classifier: { width: 1, masked: true }, centres: true },
    lr: 3e-3,
    schedule: 'constant',
    epochs: 4,
    batchSize: 16,
    trainScenes: 800,
    testScenes: 1000,
    classifier: { itemEpochs: 24, epochs: 2, crops: 12_000, batchSize: 64, lr: 3e-3, members: 2 },
  },

  build(config) {
    return unet({ inChannels: 3, numClasses: outputsOf(config) + (config.centres ? 1 : 0), baseWidth: config.width, depth: 3, batchNorm: true });
  },

  loss(model, images, batch, config) {
    const output = model.forward(images);
    const scores = config.centres ? clothesScores(output) : output;
    const target = masks(batch, scores.shape[1]);
    const weight = classWeights(scores.shape[1]);
    const loss = crossEntropy(scores, target, weight === undefined ? {} : { weight }).add(foregroundDice(scores, target));
    if (!config.centres) return loss;
    const [n, , h, w] = output.shape;
    const truth = new Float32Array(n * h * w);
    batch.forEach((scene, k) => truth.set(centreTargets(scene.boxes, h, w), k * h * w));
    const objects = batch.reduce((sum, scene) => sum + scene.labels.length, 0);
    return loss.add(centreLoss(heatLogits(output), truth, objects).mul(CENTRE_WEIGHT));
  },

  evaluate(model: Model, scenes, config, batchSize, classifier) {
    const numClasses = classesOf(config);
    const outputs = outputsOf(config);
    const iou = new IoU({ numClasses });
    // Before the patches are named: the per-pixel classes (one stage) or clothes/background (two).
    const pixelIou = new IoU({ numClasses: outputs });
    const accuracy = new PixelAccuracy({ numClasses });
    // Two stages: the garments found against the true ones, and named by the truth (the first stage alone).
    const trueNamed = new IoU({ numClasses });
    const match = { garments: 0, matched: 0, merged: 0, split: 0 };
    const predictions: Prediction[] = [];
    model.eval();
    noGrad(() => {
      for (let at = 0; at < scenes.length; at += batchSize) {
        const batch = scenes.slice(at, at + batchSize);
        tidy(() => {
          const output = model.forward(imageBatch(batch));
          const scores = config.centres ? clothesScores(output) : output;
          const heat = config.centres ? sigmoid(heatLogits(output)).dataSync() : undefined;
          const target = masks(batch, numClasses);
          pixelIou.update(scores, masks(batch, outputs));
          const labels = argmax(scores, 1).dataSync();
          const probabilities = outputs > 2 ? scores.softmax(1).dataSync() : new Float32Array(0);
          const [, , height, width] = scores.shape;
          const plane = height * width;
          const voted = new Int32Array(labels.length);
          const named = new Int32Array(labels.length);
          batch.forEach((scene, n) => {
            const own = labels.subarray(n * plane, (n + 1) * plane);
            let mask: Uint8Array;
            if (numClasses === 2) mask = Uint8Array.from(own);
            else if (outputs === 2) {
              const centres = heat === undefined ? undefined : peaks(heat.subarray(n * plane, (n + 1) * plane), height, width, PEAK_THRESHOLD, PEAK_REACH);
              mask = nameComponents(
                own,
                height,
                width,
                (found) => {
                  const m = matchGarments(found, scene.instanceMasks, plane);
                  for (const key of ['garments', 'matched', 'merged', 'split'] as const) match[key] += m[key];
                  found.forEach((patch) => patch.pixels.forEach((i) => (named[n * plane + i] = trueClassOf(patch, scene.mask))));
                  return namesOf(classifier, config, scene.image, found);
                },
                centres,
              );
            } else mask = voteComponents(own, probabilities.subarray(n * numClasses * plane, (n + 1) * numClasses * plane), numClasses, height, width);
            voted.set(mask, n * plane);
            predictions.push({ mask });
          });
          const predicted = tensor(voted, [batch.length, height, width], 'int32');
          iou.update(predicted, target);
          accuracy.update(predicted, target);
          if (outputs < numClasses) trueNamed.update(tensor(named, [batch.length, height, width], 'int32'), target);
        });
      }
    });
    const perClass = iou.perClass();
    const garments = (): Record<string, number> => ({ garments: match.garments, garmentsMatched: match.matched / Math.max(1, match.garments), garmentsMerged: match.merged, garmentsSplit: match.split, meanIouTrueNames: trueNamed.compute() });
    const stage1 = outputs === numClasses ? { meanIouBeforeVote: pixelIou.compute() } : { clothesIou: pixelIou.perClass()[1], meanIouClothesOrNot: pixelIou.compute(), ...(numClasses > 2 ? garments() : {}) };
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
