/**
 * Localization: one object per scene. A zoo backbone (ResNet-18 at a fraction of its width)
 * and the zoo's localization head give 10 class scores and 4 box numbers; a sigmoid puts the
 * box, [cx, cy, w, h] as fractions of the image, in 0..1. The loss is cross entropy on the
 * class (label smoothing 0.1: the look-alike clothes are not pushed to certainty) plus smooth L1 (Fast R-CNN's) on the box and the generalized IoU loss, which scores
 * the overlap the metric measures and still pulls a box that misses its object.
 *
 * Two stages (the default): the box is the localizer's, the class the crop classifier's
 * (classifier.ts) on the predicted box; the localizer's own class scores (class accuracy 0.71
 * in the one-stage default run) are kept in metrics.json as `classAccuracyFirstStage`.
 */
import { noGrad } from '@nn/autograd';
import { boxConvert, cornerBoxIou, crossEntropy, generalizedBoxIouLoss, smoothL1Loss } from '@nn/layers';
import { singleObjectLocalizer, type LocalizationHead, type TaskModel, type LocalizationTarget } from '@nn/models-zoo';
import { sigmoid, tensor, tidy, type Tensor } from '@nn/tensor';
import type { Scene } from '@nn/data';
import { imageBatch, objectsOf } from '../data.js';
import { backbone } from './backbones.js';
import { classifyBoxes } from './classifier.js';
import type { Model, Prediction, TaskRunner } from './task.js';

type Localizer = TaskModel<LocalizationTarget>;

function targets(batch: readonly Scene[]): { labels: Tensor; boxes: Tensor } {
  const objects = batch.map((scene) => objectsOf(scene)[0]);
  return {
    labels: tensor(Int32Array.from(objects, (o) => o.classId), [batch.length], 'int32'),
    boxes: tensor(Float32Array.from(objects.flatMap((o) => o.box)), [batch.length, 4]),
  };
}

function split(model: Model, output: Tensor): { scores: Tensor; box: Tensor } {
  const { scores, box } = ((model as Localizer).head as LocalizationHead).split(output);
  return { scores, box: sigmoid(box) };
}

export const localize: TaskRunner = {
  defaults: {
    config: { mode: 'multiclass', width: 0.25, backbone: 'resnet18', classifier: { width: 1 } },
    lr: 4e-3,
    schedule: 'onecycle',
    epochs: 6,
    batchSize: 32,
    trainScenes: 2500,
    testScenes: 300,
    classifier: { itemEpochs: 24, epochs: 2, crops: 12_000, batchSize: 64, lr: 3e-3, members: 2 },
  },

  build(config) {
    return singleObjectLocalizer(backbone(config.backbone, config.width), 10);
  },

  loss(model, images, batch) {
    const { scores, box } = split(model, model.forward(images));
    const truth = targets(batch);
    const giou = generalizedBoxIouLoss(boxConvert(box, 'cxcywh', 'xyxy'), boxConvert(truth.boxes, 'cxcywh', 'xyxy'));
    return crossEntropy(scores, truth.labels, { labelSmoothing: 0.1 }).add(smoothL1Loss(box, truth.boxes, { beta: 0.05 }).mul(10)).add(giou);
  },

  evaluate(model, scenes, _config, batchSize, classifier) {
    const predictions: Prediction[] = [];
    let right = 0;
    let rightFirst = 0;
    let rightBoth = 0;
    let iouSum = 0;
    // Per class: how many test objects, and how many named right (shirt, T-shirt, pullover and coat look alike).
    const seen = new Array<number>(10).fill(0);
    const named = new Array<number>(10).fill(0);
    model.eval();
    noGrad(() => {
      for (let at = 0; at < scenes.length; at += batchSize) {
        const batch = scenes.slice(at, at + batchSize);
        tidy(() => {
          const { scores, box } = split(model, model.forward(imageBatch(batch)));
          const first = scores.softmax(1).dataSync();
          const boxes = box.dataSync();
          const predicted = batch.map((scene, n): [number, number, number, number] => {
            const { width, height } = scene.image;
            const [cx, cy, w, h] = boxes.subarray(4 * n, 4 * n + 4);
            return [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height];
          });
          const probabilities = classifier === undefined ? first : classifyBoxes(classifier, batch.map((scene, n) => ({ image: scene.image, box: predicted[n] })));
          batch.forEach((scene, n) => {
            const p = probabilities.subarray(10 * n, 10 * n + 10);
            const classId = argmaxOf(p);
            const truth = Array.from(scene.boxes.subarray(0, 4)) as [number, number, number, number];
            iouSum += cornerBoxIou(predicted[n], truth);
            const truthClass = scene.labels[0] - 1;
            seen[truthClass]++;
            const own = first.subarray(10 * n, 10 * n + 10);
            if (argmaxOf(own) === truthClass) rightFirst++;
            // Both stages' probabilities multiplied (a product of experts), for comparison.
            if (argmaxOf(Array.from(p, (q, k) => q * own[k])) === truthClass) rightBoth++;
            if (classId === truthClass) {
              right++;
              named[truthClass]++;
            }
            predictions.push({ boxes: [{ box: predicted[n], classId, score: p[classId] }] });
          });
        });
      }
    });
    const classAccuracyPerClass = seen.map((n, k) => (n === 0 ? null : named[k] / n));
    const firstStage = classifier === undefined ? {} : { classAccuracyFirstStage: rightFirst / scenes.length, classAccuracyBothStages: rightBoth / scenes.length };
    return { metrics: { meanBoxIou: iouSum / scenes.length, classAccuracy: right / scenes.length, classAccuracyPerClass, ...firstStage }, predictions };
  },
};

function argmaxOf(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}

