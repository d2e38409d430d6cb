/**
 * Detection, by default centre-based (centernet.ts: class heatmaps on a stride-8 grid of a
 * ResNet-18 at a quarter of its width; test mAP@0.5 0.696 against YOLO v1's 0.131), or with
 * `--detector yolo` the zoo's YOLO v1 grid (S×S×(5B + C): here 4×4 cells of 2 boxes and 10 classes)
 * on a ResNet-18 backbone at a fraction of its width, the paper's loss, decoding with
 * non-maximum suppression per class, and COCO-style mAP at IoU 0.5 on the test scenes.
 * The head is the zoo's with its bounded outputs and a narrower hidden layer (512, not the
 * paper's 4096, for the CPU); Adam at 2e-3 follows the zoo README's recipe (lr scaled with 1/hidden).
 */
import { noGrad } from '@nn/autograd';
import { MeanAveragePrecision } from '@nn/layers';
import { decodeYoloV1, encodeYoloTargets, yoloV1, type Detection, type ResNet } from '@nn/models-zoo';
import { tidy } from '@nn/tensor';
import { CLASSES, imageBatch, objectsOf } from '../data.js';
import { backbone } from './backbones.js';
import { CenterNet, centerNetLoss, decodeCenterNet, encodeCenterTargets } from './centernet.js';
import type { Prediction, TaskRunner } from './task.js';

export const GRID = { gridSize: 4, boxesPerCell: 2, numClasses: 10 } as const;

export const detect: TaskRunner = {
  defaults: { config: { mode: 'multiclass', width: 0.25, backbone: 'resnet18', detector: 'centernet' }, lr: 5e-3, schedule: 'onecycle', epochs: 7, batchSize: 32, trainScenes: 3000, testScenes: 300 },

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

  evaluate(model, scenes, config, batchSize) {
    const metric = new MeanAveragePrecision({ boxFormat: 'xyxy' });
    const predictions: Prediction[] = [];
    model.eval();
    noGrad(() => {
      for (let at = 0; at < scenes.length; at += batchSize) {
        const batch = scenes.slice(at, at + batchSize);
        let detections: Detection[][] = [];
        tidy(() => {
          const output = model.forward(imageBatch(batch));
          detections = config.detector === 'centernet' ? decodeCenterNet(output, GRID.numClasses) : decodeYoloV1(output, { ...GRID, scoreThreshold: 0.05 });
        });
        batch.forEach((scene, n) => {
          const { width, height } = scene.image;
          const boxes = detections[n].map((d) => ({
            box: [d.box[0] * width, d.box[1] * height, d.box[2] * width, d.box[3] * height] as [number, number, number, number],
            classId: d.classId,
            score: d.score,
          }));
          predictions.push({ boxes });
          metric.update(
            [{ boxes: boxes.map((d) => d.box), scores: boxes.map((d) => d.score), labels: boxes.map((d) => d.classId) }],
            [{ boxes: Array.from(scene.labels, (_, k) => Array.from(scene.boxes.subarray(4 * k, 4 * k + 4))), labels: Array.from(scene.labels, (l) => l - 1) }],
          );
        });
      }
    });
    const r = metric.compute();
    const perClass = CLASSES.map((name, k) => {
      const c = r.classes.find((entry) => entry.label === k);
      return { name, ap50: c === undefined || Number.isNaN(c.ap50) ? null : c.ap50, curve: c?.curve ?? null };
    });
    return { metrics: { map50: r.map50, map50Voc: r.map50Voc, map: r.map, perClass }, predictions };
  },
};
