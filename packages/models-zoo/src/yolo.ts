/**
 * A YOLO v1 grid detector (Redmon, Divvala, Girshick and Farhadi, 2016) on any backbone. The
 * image is divided into an S×S grid; each cell predicts B boxes of 5 numbers (x, y, √w, √h,
 * confidence) and C class probabilities, so the output is S×S×(5B + C): 7×7×30 for the
 * paper's S = 7, B = 2, C = 20 (PASCAL VOC).
 *
 * - x, y: the box centre as a fraction of its cell (0..1), from the cell's top-left corner;
 * - √w, √h: square roots of the width and height as fractions of the image (the paper
 *   predicts the roots so that an error on a small box costs more than on a big one);
 * - confidence: Pr(object)·IoU(predicted box, truth);
 * - class probabilities Pr(class | object), one set per cell.
 *
 * The head is the paper's: the feature map (average-pooled to S×S when the backbone's is
 * another size), FC-4096 with leaky ReLU (0.1) and dropout 0.5, then a linear layer to
 * S·S·(5B + C) numbers.
 */
import { AdaptiveAvgPool2d, Dropout, LeakyReLU, Module } from '@nn/layers';
import { argmax, cast, clip, concat, flatten, maximum, minimum, oneHot, reshape, sigmoid, slice, softmax, sqrt, square, tensor, type Tensor } from '@nn/tensor';
import { noGrad } from '@nn/autograd';
import { Linear } from './building.js';
import { checkPositiveInt } from './common.js';
import { centerToCorners, nonMaxSuppression, type Box } from './nms.js';

export interface YoloGrid {
  /** Cells per side. Default 7. */
  gridSize?: number;
  /** Boxes per cell. Default 2. */
  boxesPerCell?: number;
  /** Classes. Default 20. */
  numClasses?: number;
}

export interface ResolvedYoloGrid {
  gridSize: number;
  boxesPerCell: number;
  numClasses: number;
}

export function resolveGrid(op: string, grid: YoloGrid = {}): ResolvedYoloGrid {
  return {
    gridSize: checkPositiveInt(op, 'gridSize', grid.gridSize ?? 7),
    boxesPerCell: checkPositiveInt(op, 'boxesPerCell', grid.boxesPerCell ?? 2),
    numClasses: checkPositiveInt(op, 'numClasses', grid.numClasses ?? 20),
  };
}

export interface YoloHeadOptions extends YoloGrid {
  /** Width of the hidden fully connected layer. Default 4096. */
  hidden?: number;
  /** Default 0.5. */
  dropout?: number;
  /**
   * Squash the outputs into the ranges of the targets: a sigmoid on x, y, √w, √h and the
   * confidence, a softmax over the class probabilities (default true). False gives the paper's
   * linear outputs, which a wide hidden layer and Adam can throw far off in one step (the loss
   * then diverges); see the README's training recipe.
   */
  boundedOutputs?: boolean;
}

/** Feature map [N, inChannels, h, w] → predictions [N, S, S, 5B + C]. */
export class YoloHead extends Module {
  pool: AdaptiveAvgPool2d;
  fc1: Linear;
  act: LeakyReLU;
  dropout: Dropout;
  fc2: Linear;
  readonly grid: ResolvedYoloGrid;
  readonly boundedOutputs: boolean;

  constructor(
    readonly inChannels: number,
    options: YoloHeadOptions = {},
  ) {
    super();
    this.grid = resolveGrid('YoloHead', options);
    const { gridSize: s, boxesPerCell: b, numClasses: c } = this.grid;
    const hidden = checkPositiveInt('YoloHead', 'hidden', options.hidden ?? 4096);
    this.pool = new AdaptiveAvgPool2d(s);
    this.fc1 = new Linear(inChannels * s * s, hidden);
    this.act = new LeakyReLU(0.1);
    this.dropout = new Dropout(options.dropout ?? 0.5);
    this.fc2 = new Linear(hidden, s * s * (5 * b + c));
    this.boundedOutputs = options.boundedOutputs ?? true;
  }

  forward(features: Tensor): Tensor {
    const { gridSize: s, boxesPerCell: b, numClasses: c } = this.grid;
    const hidden = this.dropout.forward(this.act.forward(this.fc1.forward(flatten(this.pool.forward(features), 1))));
    const raw = reshape(this.fc2.forward(hidden), [features.shape[0], s, s, 5 * b + c]);
    if (!this.boundedOutputs) return raw;
    // Every target lies in 0..1 (class probabilities sum to 1): outputs in the same ranges keep
    // the squared errors, and so the gradients, bounded whatever one step did to the logits.
    return concat([sigmoid(lastAxis(raw, 0, 5 * b)), softmax(lastAxis(raw, 5 * b, 5 * b + c), -1)], -1);
  }
}

/** One object: its box as centre and size in fractions of the image, and its class. */
export interface GroundTruth {
  /** [cx, cy, w, h], each in 0..1. */
  box: readonly [number, number, number, number];
  classId: number;
}

/**
 * The training target of each image, [N, S, S, 5 + C]: in the cell that holds an object's
 * centre, [x, y, w, h, 1, one-hot class] (x, y relative to the cell, w, h to the image);
 * zeros elsewhere. A cell can hold one object (YOLO v1's limit): the first one listed wins.
 */
export function encodeYoloTargets(objects: readonly (readonly GroundTruth[])[], grid: YoloGrid = {}): Tensor {
  const { gridSize: s, numClasses: c } = resolveGrid('encodeYoloTargets', grid);
  const depth = 5 + c;
  const values = new Float32Array(objects.length * s * s * depth);
  objects.forEach((image, n) => {
    for (const { box, classId } of image) {
      const [cx, cy, w, h] = box;
      if (![cx, cy, w, h].every((v) => v >= 0 && v <= 1) || !(w > 0 && h > 0)) {
        throw new Error(`encodeYoloTargets: box [${box.join(', ')}] of image ${n} must be [cx, cy, w, h] in 0..1 with w, h > 0`);
      }
      if (!Number.isInteger(classId) || classId < 0 || classId >= c) throw new Error(`encodeYoloTargets: classId ${classId} of image ${n} is not in [0, ${c})`);
      const col = Math.min(Math.floor(cx * s), s - 1);
      const row = Math.min(Math.floor(cy * s), s - 1);
      const at = ((n * s + row) * s + col) * depth;
      if (values[at + 4] === 1) continue;
      values.set([cx * s - col, cy * s - row, w, h, 1], at);
      values[at + 5 + classId] = 1;
    }
  });
  return tensor(values, [objects.length, s, s, depth]);
}

/** The last axis from..to of a tensor of any rank. */
function lastAxis(t: Tensor, from: number, to: number): Tensor {
  const begin = t.shape.map((_, i) => (i === t.rank - 1 ? from : 0));
  const end = t.shape.map((d, i) => (i === t.rank - 1 ? to : d));
  return slice(t, begin, end);
}

export interface YoloLossOptions extends YoloGrid {
  /** Weight of the coordinate errors. Default 5. */
  lambdaCoord?: number;
  /** Weight of the confidence errors of boxes without an object. Default 0.5. */
  lambdaNoobj?: number;
  /** 'mean' divides the paper's sum by the number of images (default), 'sum' does not. */
  reduction?: 'mean' | 'sum';
}

/**
 * IoU of each predicted box with its cell's true box, [N, S, S, B]; both in image fractions
 * measured from the same cell corner (the cell's offset cancels).
 */
function predictedIoU(boxes: Tensor, truth: Tensor, s: number): Tensor {
  const corners = (t: Tensor, rooted: boolean): Tensor[] => {
    const cx = lastAxis(t, 0, 1).div(s);
    const cy = lastAxis(t, 1, 2).div(s);
    const w = rooted ? square(lastAxis(t, 2, 3)) : lastAxis(t, 2, 3);
    const h = rooted ? square(lastAxis(t, 3, 4)) : lastAxis(t, 3, 4);
    return [cx.sub(w.div(2)), cy.sub(h.div(2)), cx.add(w.div(2)), cy.add(h.div(2)), w.mul(h)];
  };
  const [px1, py1, px2, py2, pArea] = corners(boxes, true);
  const [tx1, ty1, tx2, ty2, tArea] = corners(truth, false);
  const iw = clip(minimum(px2, tx2).sub(maximum(px1, tx1)), 0);
  const ih = clip(minimum(py2, ty2).sub(maximum(py1, ty1)), 0);
  const intersection = iw.mul(ih);
  const union = pArea.add(tArea).sub(intersection);
  return reshape(intersection.div(maximum(union, 1e-12)), boxes.shape.slice(0, -1));
}

/**
 * The YOLO v1 loss (the paper's equation 3), summed over cells i and boxes j:
 *
 *   λcoord Σ 1ᵒᵇʲᵢⱼ [(xᵢ − x̂ᵢ)² + (yᵢ − ŷᵢ)²]
 * + λcoord Σ 1ᵒᵇʲᵢⱼ [(√wᵢ − √ŵᵢ)² + (√hᵢ − √ĥᵢ)²]
 * +        Σ 1ᵒᵇʲᵢⱼ (Cᵢ − Ĉᵢ)²
 * + λnoobj Σ 1ⁿᵒᵒᵇʲᵢⱼ (Cᵢ − Ĉᵢ)²
 * +        Σ 1ᵒᵇʲᵢ Σ_c (pᵢ(c) − p̂ᵢ(c))²
 *
 * 1ᵒᵇʲᵢⱼ marks the one predictor of an object's cell that is "responsible" for it: the one
 * whose box has the highest IoU with the truth; 1ⁿᵒᵒᵇʲᵢⱼ every other predictor. The confidence
 * target Ĉ of a responsible predictor is that IoU (Pr(object)·IoU), and 0 for the others.
 * `prediction` is [N, S, S, 5B + C], `target` [N, S, S, 5 + C] from encodeYoloTargets.
 */
export function yoloLoss(prediction: Tensor, target: Tensor, options: YoloLossOptions = {}): Tensor {
  const { gridSize: s, boxesPerCell: b, numClasses: c } = resolveGrid('yoloLoss', options);
  const n = prediction.shape[0];
  if (prediction.rank !== 4 || prediction.shape[1] !== s || prediction.shape[2] !== s || prediction.shape[3] !== 5 * b + c) {
    throw new Error(`yoloLoss: prediction must be [N, ${s}, ${s}, ${5 * b + c}] (S=${s}, B=${b}, C=${c}), got [${prediction.shape.join(',')}]`);
  }
  if (target.rank !== 4 || target.shape[0] !== n || target.shape[1] !== s || target.shape[2] !== s || target.shape[3] !== 5 + c) {
    throw new Error(`yoloLoss: target must be [${n}, ${s}, ${s}, ${5 + c}] (from encodeYoloTargets), got [${target.shape.join(',')}]`);
  }
  const lambdaCoord = options.lambdaCoord ?? 5;
  const lambdaNoobj = options.lambdaNoobj ?? 0.5;
  const boxes = reshape(lastAxis(prediction, 0, 5 * b), [n, s, s, b, 5]);
  const truth = reshape(lastAxis(target, 0, 4), [n, s, s, 1, 4]);
  const hasObject = lastAxis(target, 4, 5); // [N, S, S, 1]

  // Which predictor is responsible, and the confidence it should have: no gradient flows here.
  const { responsible, iou } = noGrad(() => {
    const iou = predictedIoU(boxes, truth, s);
    const best = cast(oneHot(argmax(iou, -1), b), 'float32');
    return { responsible: best.mul(hasObject), iou };
  });
  const responsibleBox = reshape(responsible, [n, s, s, b, 1]);

  const xy = square(lastAxis(boxes, 0, 2).sub(lastAxis(truth, 0, 2)));
  const wh = square(lastAxis(boxes, 2, 4).sub(sqrt(lastAxis(truth, 2, 4))));
  const coord = xy.add(wh).mul(responsibleBox).sum().mul(lambdaCoord);
  const confidence = reshape(lastAxis(boxes, 4, 5), [n, s, s, b]);
  const object = square(confidence.sub(iou)).mul(responsible).sum();
  const noObject = square(confidence).mul(responsible.neg().add(1)).sum().mul(lambdaNoobj);
  const classes = square(lastAxis(prediction, 5 * b, 5 * b + c).sub(lastAxis(target, 5, 5 + c))).mul(hasObject).sum();
  const total = coord.add(object).add(noObject).add(classes);
  return (options.reduction ?? 'mean') === 'mean' ? total.div(n) : total;
}

/** One detected object: corners in fractions of the image, class-specific score, class. */
export interface Detection {
  box: Box;
  score: number;
  classId: number;
}

export interface YoloDecodeOptions extends YoloGrid {
  /** Class-specific confidence Pr(class | object)·confidence below which a box is dropped. Default 0.2. */
  scoreThreshold?: number;
  /** Non-maximum suppression threshold, applied per class. Default 0.5. */
  iouThreshold?: number;
  maxDetections?: number;
}

/**
 * Turns grid predictions [N, S, S, 5B + C] (or one image's [S, S, 5B + C]) into detections
 * per image: each box scored by its confidence times its cell's best class probability
 * (the paper's class-specific confidence), thresholded, then non-maximum suppression per class.
 */
export function decodeYoloV1(prediction: Tensor, options: YoloDecodeOptions = {}): Detection[][] {
  const { gridSize: s, boxesPerCell: b, numClasses: c } = resolveGrid('decodeYoloV1', options);
  const depth = 5 * b + c;
  const batched = prediction.rank === 3 ? reshape(prediction, [1, ...prediction.shape]) : prediction;
  if (batched.rank !== 4 || batched.shape[1] !== s || batched.shape[2] !== s || batched.shape[3] !== depth) {
    throw new Error(`decodeYoloV1: prediction must be [N, ${s}, ${s}, ${depth}] (S=${s}, B=${b}, C=${c}), got [${prediction.shape.join(',')}]`);
  }
  const values = batched.dataSync();
  if (batched !== prediction) batched.dispose();
  const threshold = options.scoreThreshold ?? 0.2;
  const images: Detection[][] = [];
  for (let n = 0; n < batched.shape[0]; n++) {
    const candidates: Detection[] = [];
    for (let row = 0; row < s; row++) {
      for (let col = 0; col < s; col++) {
        const at = ((n * s + row) * s + col) * depth;
        let classId = 0;
        for (let k = 1; k < c; k++) if (values[at + 5 * b + k] > values[at + 5 * b + classId]) classId = k;
        const classProbability = values[at + 5 * b + classId];
        for (let j = 0; j < b; j++) {
          const [x, y, rootW, rootH, confidence] = values.subarray(at + 5 * j, at + 5 * j + 5);
          const score = confidence * classProbability;
          if (score < threshold) continue;
          const box = centerToCorners((col + x) / s, (row + y) / s, rootW * rootW, rootH * rootH);
          candidates.push({ box, score, classId });
        }
      }
    }
    const kept: Detection[] = [];
    for (let k = 0; k < c; k++) {
      const ofClass = candidates.filter((d) => d.classId === k);
      const keep = nonMaxSuppression(ofClass.map((d) => d.box), ofClass.map((d) => d.score), { iouThreshold: options.iouThreshold ?? 0.5 });
      kept.push(...keep.map((i) => ofClass[i]));
    }
    kept.sort((p, q) => q.score - p.score);
    images.push(kept.slice(0, options.maxDetections ?? Infinity));
  }
  return images;
}

