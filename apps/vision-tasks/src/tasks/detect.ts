/**
 * Detection, by default centre-based (centernet.ts: class heatmaps on a stride-8 grid of a
 * ResNet-18 at a quarter of its width; test mAP@0.5 0.696 against YOLO v1's 0.131), or with
 * `--detector yolo` the zoo's YOLO v1 grid (S×S×(5B + C): here 4×4 cells of 2 boxes and 10 classes)
 * on a ResNet-18 backbone at a fraction of its width, the paper's loss, decoding with
 * non-maximum suppression per class, and COCO-style mAP at IoU 0.5 on the test scenes.
 * The head is the zoo's with its bounded outputs and a narrower hidden layer (512, not the
 * paper's 4096, for the CPU); Adam at 2e-3 follows the zoo README's recipe (lr scaled with 1/hidden).
 *
 * Two stages (the default, centre detector only): the heatmaps say where objects are (the
 * largest class score of a cell is its objectness), the crop classifier (classifier.ts) names
 * each found box; a box is reported once per class the classifier gives at least
 * NAMED_MIN_PROBABILITY (at most NAMED_PER_BOX), scored objectness × that probability, so a
 * second guess still counts for recall, ranked below the first.
 */
import { noGrad } from '@nn/autograd';
import { MeanAveragePrecision } from '@nn/layers';
import { decodeYoloV1, encodeYoloTargets, yoloV1, type Detection, type ResNet } from '@nn/models-zoo';
import { tidy } from '@nn/tensor';
import { CLASSES, imageBatch, objectsOf } from '../data.js';
import { backbone } from './backbones.js';
import { classifyBoxes } from './classifier.js';
import { CenterNet, centerNetLoss, decodeCenterNet, decodeCenterObjects, encodeCenterTargets, type CenterDetection } from './centernet.js';
import type { Model, Prediction, TaskRunner } from './task.js';
import type { Scene } from '@nn/data';

export const GRID = { gridSize: 4, boxesPerCell: 2, numClasses: 10 } as const;
/** A found box is reported for each class the crop classifier gives at least this... */
export const NAMED_MIN_PROBABILITY = 0.05;
/** ...and for at most this many classes. */
export const NAMED_PER_BOX = 3;

export const detect: TaskRunner = {
  defaults: {
    config: { mode: 'multiclass', width: 0.25, backbone: 'resnet18', detector: 'centernet', classifier: { width: 1 } },
    lr: 5e-3,
    schedule: 'onecycle',
    epochs: 5,
    batchSize: 32,
    trainScenes: 3000,
    testScenes: 300,
    classifier: { itemEpochs: 24, epochs: 2, crops: 12_000, batchSize: 64, lr: 3e-3, members: 2 },
  },

  defaultLr(config) {
    return config.detector === 'yolo' ? 2e-3 : this.defaults.lr;
  },

  build(config) {
    if (config.detector === 'centernet') return new CenterNet(backbone(config.backbone, config.width) as ResNet, GRID.numClasses);
    return yoloV1(backbone(config.backbone, config.width), { ...GRID, hidden: 512, dropout: 0.2 });
  },

  loss(model, images, batch, config) {
    const output = model.forward(images);
    if (config.detector === 'centernet') return centerNetLoss(output, encodeCenterTargets(batch.map(objectsOf), GRID.numClasses, output.shape[2]), GRID.numClasses);
    return (model as ReturnType<typeof yoloV1>).head.loss(output, encodeYoloTargets(batch.map(objectsOf), GRID));
  },

  evaluate(model, scenes, config, batchSize, classifier) {
    const metric = new MeanAveragePrecision({ boxFormat: 'xyxy' });
    // The heatmaps' own classes, beside the second stage's (two stages only).
    const firstStage = classifier === undefined ? undefined : new MeanAveragePrecision({ boxFormat: 'xyxy' });
    const predictions: Prediction[] = [];
    const truthOf = (scene: (typeof scenes)[number]): { boxes: number[][]; labels: number[] } => ({
      boxes: Array.from(scene.labels, (_, k) => Array.from(scene.boxes.subarray(4 * k, 4 * k + 4))),
      labels: Array.from(scene.labels, (l) => l - 1),
    });
    model.eval();
    noGrad(() => {
      for (let at = 0; at < scenes.length; at += batchSize) {
        const batch = scenes.slice(at, at + batchSize);
        let detections: Detection[][] = [];
        tidy(() => {
          const output = model.forward(imageBatch(batch));
          if (config.detector !== 'centernet') detections = decodeYoloV1(output, { ...GRID, scoreThreshold: 0.05 });
          else if (classifier === undefined) detections = decodeCenterNet(output, GRID.numClasses);
          else {
            detections = nameObjects(classifier, batch, decodeCenterObjects(output, GRID.numClasses));
            decodeCenterNet(output, GRID.numClasses).forEach((found, n) => firstStage?.update([inPixels(found, batch[n].image)], [truthOf(batch[n])]));
          }
        });
        batch.forEach((scene, n) => {
          const { width, height } = scene.image;
          const boxes = detections[n].map((d) => ({
            box: [d.box[0] * width, d.box[1] * height, d.box[2] * width, d.box[3] * height] as [number, number, number, number],
            classId: d.classId,
            score: d.score,
          }));
          predictions.push({ boxes });
          metric.update([{ boxes: boxes.map((d) => d.box), scores: boxes.map((d) => d.score), labels: boxes.map((d) => d.classId) }], [truthOf(scene)]);
        });
      }
    });
    const r = metric.compute();
    const perClass = CLASSES.map((name, k) => {
      const c = r.classes.find((entry) => entry.label === k);
      return { name, ap50: c === undefined || Number.isNaN(c.ap50) ? null : c.ap50, curve: c?.curve ?? null };
    });
    const first = firstStage === undefined ? {} : { map50FirstStage: firstStage.compute().map50 };
    return { metrics: { map50: r.map50, map50Voc: r.map50Voc, map: r.map, ...first, perClass }, predictions };
  },
};

/** Detections in pixels, as the metric reads them. */
function inPixels(found: readonly CenterDetection[], image: { width: number; height: number }): { boxes: number[][]; scores: number[]; labels: number[] } {
  return {
    boxes: found.map((d) => [d.box[0] * image.width, d.box[1] * image.height, d.box[2] * image.width, d.box[3] * image.height]),
    scores: found.map((d) => d.score),
    labels: found.map((d) => d.classId),
  };
}

/**
 * The second stage: each found object (boxes as image fractions) named by the crop classifier,
 * once per likely class, scored objectness × the class's probability.
 */
export function nameObjects(classifier: Model, scenes: readonly { image: Scene['image'] }[], objects: readonly (readonly CenterDetection[])[]): Detection[][] {
  const crops = objects.flatMap((found, n) => {
    const { image } = scenes[n];
    return found.map((d) => ({ image, box: [d.box[0] * image.width, d.box[1] * image.height, d.box[2] * image.width, d.box[3] * image.height] as const }));
  });
  const p = classifyBoxes(classifier, crops);
  let k = 0;
  return objects.map((found) =>
    found
      .flatMap((d) => {
        const row = p.subarray(10 * k, 10 * k + 10);
        k++;
        const likely = Array.from(row, (q, classId) => ({ q, classId }))
          .filter((c) => c.q >= NAMED_MIN_PROBABILITY)
          .sort((a, b) => b.q - a.q)
          .slice(0, NAMED_PER_BOX);
        return likely.map((c) => ({ box: d.box, classId: c.classId, score: d.score * c.q }));
      })
      .sort((a, b) => b.score - a.score),
  );
}
