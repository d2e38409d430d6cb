/**
 * Localization: one object per scene. A zoo backbone (ResNet-18 at a fraction of its width)
 * and the zoo's localization head give 10 class scores and 4 box numbers; a sigmoid puts the
 * box, [cx, cy, w, h] as fractions of the image, in 0..1. The loss is cross entropy on the
 * class (label smoothing 0.1: the look-alike clothes are not pushed to certainty) plus smooth L1 (Fast R-CNN's) on the box and the generalized IoU loss, which scores
 * the overlap the metric measures and still pulls a box that misses its object.
 */
import { noGrad } from '@nn/autograd';
import { boxConvert, cornerBoxIou, crossEntropy, generalizedBoxIouLoss, smoothL1Loss } from '@nn/layers';
import { singleObjectLocalizer, type LocalizationHead, type TaskModel, type LocalizationTarget } from '@nn/models-zoo';
import { sigmoid, tensor, tidy, type Tensor } from '@nn/tensor';
import type { Scene } from '@nn/data';
import { imageBatch, objectsOf } from '../data.js';
import { backbone } from './backbones.js';
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
  defaults: { config: { mode: 'multiclass', width: 0.25, backbone: 'resnet18' }, lr: 4e-3, schedule: 'onecycle', epochs: 10, batchSize: 32, trainScenes: 2500, testScenes: 300 },

  build(config) {
    return singleObjectLocalizer(backbone(config.backbone, config.width), 10);
  },

  loss(model, images, batch) {
    const { scores, box } = split(model, model.forward(images));
    const truth = targets(batch);
    const giou = generalizedBoxIouLoss(boxConvert(box, 'cxcywh', 'xyxy'), boxConvert(truth.boxes, 'cxcywh', 'xyxy'));
    return crossEntropy(scores, truth.labels, { labelSmoothing: 0.1 }).add(smoothL1Loss(box, truth.boxes, { beta: 0.05 }).mul(10)).add(giou);
  },

  evaluate(model, scenes, _config, batchSize) {
    const predictions: Prediction[] = [];
    let right = 0;
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
          const probabilities = scores.softmax(1).dataSync();
          const boxes = box.dataSync();
          batch.forEach((scene, n) => {
            const p = probabilities.subarray(10 * n, 10 * n + 10);
            const classId = p.indexOf(Math.max(...p));
            const { width, height } = scene.image;
            const [cx, cy, w, h] = boxes.subarray(4 * n, 4 * n + 4);
            const predicted: [number, number, number, number] = [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height];
            const truth = Array.from(scene.boxes.subarray(0, 4)) as [number, number, number, number];
            iouSum += cornerBoxIou(predicted, truth);
            const truthClass = scene.labels[0] - 1;
            seen[truthClass]++;
            if (classId === truthClass) {
              right++;
              named[truthClass]++;
            }
            predictions.push({ boxes: [{ box: predicted, classId, score: p[classId] }] });
          });
        });
      }
    });
    const classAccuracyPerClass = seen.map((n, k) => (n === 0 ? null : named[k] / n));
    return { metrics: { meanBoxIou: iouSum / scenes.length, classAccuracy: right / scenes.length, classAccuracyPerClass }, predictions };
  },
};

