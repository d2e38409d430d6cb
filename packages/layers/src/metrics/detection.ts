/**
 * Mean average precision (mAP) of an object detector, as COCO (pycocotools' COCOeval) and
 * PASCAL VOC score it, accumulated image by image like torchmetrics' MeanAveragePrecision:
 * `update(preds, targets)` with one entry per image, `compute()` over all images since
 * `reset()`.
 *
 * How detections are judged, per class, as pycocotools' `evaluateImg` and `accumulate` do:
 * 1. In each image, the class's detections are sorted by score, highest first (a stable
 *    sort: equal scores keep their input order, as numpy's mergesort), and only the first
 *    `maxDetections` (default 100) are kept — per image and class, as pycocotools applies maxDets.
 * 2. For each IoU threshold t, each detection in that order is matched to the ground-truth
 *    box of its class, in its image, not yet matched, with the highest IoU ≥ t (an IoU equal
 *    to the best so far moves the match to the later box, as pycocotools' `<` test does).
 *    A matched detection is a true positive, any other a false positive.
 * 3. The detections of all images are merged in score order (stable again: equal scores
 *    keep image order, then the order within the image); after each one, recall = TP / G
 *    (G the class's ground-truth boxes) and precision = TP / (TP + FP).
 * 4. The class's AP at t is that curve's area: COCO's 101-point interpolation, or VOC's
 *    all-point one (see average_precision.ts).
 *
 * A class with ground truth but no detections has AP 0. A class without ground truth
 * (only false positives) has no AP: NaN in the per-class results, and it is left out of the
 * means (pycocotools writes -1 and leaves it out too). With no ground truth at all, the means
 * are NaN. Crowd regions (COCO's `iscrowd`), "difficult" boxes and area ranges are not
 * supported: every ground-truth box counts.
 *
 * The VOC figure uses the same matching as COCO's at t = 0.5 (IoU ≥ 0.5 to the best
 * unmatched box) with VOC2010's all-point area; the VOC devkit itself matches a detection
 * only to its single best-overlapping box (IoU > 0.5) and has no per-image cap, which
 * differs when that box is already taken or an IoU is exactly 0.5.
 */
import type { Tensor } from '@nn/tensor';
import { allPointAp, cocoAp } from './average_precision.js';
import { checkBoxFormat, cornerBoxIou, cornersOf, type BoxFormat, type Boxes, type CornerBox } from './boxes.js';
import { checkPositiveInteger, checkTensor } from './metric.js';

/** One image's detections: N boxes with their scores and class labels. */
export interface DetectionPrediction {
  boxes: Boxes;
  scores: Tensor | readonly number[];
  labels: Tensor | readonly number[];
}

/** One image's ground truth: M boxes with their class labels. */
export interface DetectionTarget {
  boxes: Boxes;
  labels: Tensor | readonly number[];
}

export interface MeanAveragePrecisionOptions {
  /** The format of every box given (default 'xyxy'). */
  boxFormat?: BoxFormat;
  /** Detections kept per image and class, the highest-scoring first (default 100, COCO's maxDets). */
  maxDetections?: number;
  /** The metric's name (default 'map'). */
  name?: string;
}

/**
 * The raw precision–recall curve of one class at IoU 0.5: one point per detection, in score
 * order (empty without detections; recall NaN for a class without ground truth).
 */
export interface PrecisionRecallCurve {
  recall: number[];
  precision: number[];
  /** The score of the detection that adds each point (a threshold on scores picks a point). */
  scores: number[];
}

export interface ClassAveragePrecision {
  label: number;
  /** Ground-truth boxes of this class. */
  groundTruth: number;
  /** Detections of this class that were scored (after the per-image cap). */
  detections: number;
  /** COCO AP@[.5:.95]: the mean of `apPerThreshold`; NaN without ground truth. */
  ap: number;
  /** COCO 101-point AP at IoU 0.5 and at 0.75. */
  ap50: number;
  ap75: number;
  /** VOC2010+ all-point AP at IoU 0.5. */
  ap50Voc: number;
  /** COCO 101-point AP at each of `iouThresholds`. */
  apPerThreshold: number[];
  /** The recall reached with every detection, at IoU 0.5. */
  recall: number;
  curve: PrecisionRecallCurve;
}

export interface MeanAveragePrecisionResult {
  /** COCO mAP@[.5:.95], 101-point: the mean of the classes' `ap`. */
  map: number;
  /** COCO 101-point mAP at IoU 0.5 and 0.75. */
  map50: number;
  map75: number;
  /** VOC2010+ all-point mAP at IoU 0.5. */
  map50Voc: number;
  /** COCO's IoU thresholds 0.5:0.05:0.95. */
  iouThresholds: number[];
  /** One entry per class label seen in predictions or targets, in increasing label order. */
  classes: ClassAveragePrecision[];
}

/** COCO's IoU thresholds, 0.5:0.05:0.95 as numpy's linspace makes them (0.5 + i·step). */
export const cocoIouThresholds: readonly number[] = Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : 0.5 + i * ((0.95 - 0.5) / 9)));

interface ImageRecord {
  predictions: { boxes: CornerBox[]; scores: number[]; labels: number[] };
  targets: { boxes: CornerBox[]; labels: number[] };
}

const predictionKeys = ['boxes', 'scores', 'labels'];
const targetKeys = ['boxes', 'labels'];

function checkKeys(op: string, arg: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'object' || value === null) throw new Error(`${op}: ${arg} must be an object { ${allowed.join(', ')} }`);
  for (const key of Object.keys(value)) {
    if (key === 'iscrowd' || key === 'isCrowd') throw new Error(`${op}: ${arg}.${key}: crowd regions are not supported; every ground-truth box counts`);
    if (!allowed.includes(key)) throw new Error(`${op}: ${arg} has an unknown key '${key}' (expected ${allowed.join(', ')})`);
  }
  for (const key of allowed) if (!(key in value)) throw new Error(`${op}: ${arg}.${key} is missing`);
}

/** Array.isArray without its narrowing (which turns a readonly array into any[]). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

function numbersOf(op: string, arg: string, values: Tensor | readonly number[]): number[] {
  if (isList(values)) {
    const list = values as readonly unknown[];
    const bad = list.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new Error(`${op}: ${arg}[${bad}] must be a number, got ${JSON.stringify(list[bad])}`);
    return [...(list as number[])];
  }
  const t = checkTensor(op, arg, values);
  if (t.rank !== 1) throw new Error(`${op}: ${arg} must be one-dimensional, got [${t.shape.join(',')}]`);
  return Array.from(t.dataSync());
}

function labelsFrom(op: string, arg: string, values: Tensor | readonly number[], count: number): number[] {
  const labels = numbersOf(op, arg, values);
  if (labels.length !== count) throw new Error(`${op}: ${arg} has ${labels.length} labels for ${count} boxes`);
  labels.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${arg}[${i}] must be a class index (a non-negative integer), got ${v}`);
  });
  return labels;
}

/** Whether each detection (in the given order) is matched at IoU threshold t; see the file comment, step 2. */
function matchDetections(ious: readonly (readonly number[])[], groundTruth: number, t: number): boolean[] {
  const taken = new Uint8Array(groundTruth);
  return ious.map((row) => {
    let best = Math.min(t, 1 - 1e-10);
    let match = -1;
    for (let g = 0; g < groundTruth; g++) {
      if (taken[g] || row[g] < best) continue;
      best = row[g];
      match = g;
    }
    if (match >= 0) taken[match] = 1;
    return match >= 0;
  });
}

/** Descending-score order of the indices, ties in index order. */
function byScore(scores: readonly number[], indices: number[]): number[] {
  return indices.sort((i, j) => scores[j] - scores[i] || i - j);
}

export class MeanAveragePrecision {
  readonly name: string;
  private readonly boxFormat: BoxFormat;
  private readonly maxDetections: number;
  private images: ImageRecord[] = [];

  constructor(options: MeanAveragePrecisionOptions = {}) {
    const op = 'MeanAveragePrecision';
    for (const key of Object.keys(options)) {
      if (!['boxFormat', 'maxDetections', 'name'].includes(key)) throw new Error(`${op}: unknown option '${key}' (expected boxFormat, maxDetections, name)`);
    }
    this.name = options.name ?? 'map';
    this.boxFormat = checkBoxFormat(op, options.boxFormat ?? 'xyxy');
    this.maxDetections = checkPositiveInteger(op, 'maxDetections', options.maxDetections ?? 100);
  }

  /** Adds images: `preds[i]` and `targets[i]` are the detections and the ground truth of one image. */
  update(preds: readonly DetectionPrediction[], targets: readonly DetectionTarget[]): void {
    const op = 'MeanAveragePrecision.update';
    if (!isList(preds) || !isList(targets)) throw new Error(`${op}: preds and targets must be arrays with one entry per image`);
    if (preds.length !== targets.length) throw new Error(`${op}: got ${preds.length} predictions but ${targets.length} targets (one of each per image)`);
    // Check every image before keeping any, so a bad batch leaves the state as it was.
    const records = preds.map((p, i): ImageRecord => {
      checkKeys(op, `preds[${i}]`, p, predictionKeys);
      checkKeys(op, `targets[${i}]`, targets[i], targetKeys);
      const boxes = cornersOf(op, `preds[${i}].boxes`, p.boxes, this.boxFormat);
      const scores = numbersOf(op, `preds[${i}].scores`, p.scores);
      if (scores.length !== boxes.length) throw new Error(`${op}: preds[${i}].scores has ${scores.length} scores for ${boxes.length} boxes`);
      scores.forEach((s, j) => {
        if (!Number.isFinite(s)) throw new Error(`${op}: preds[${i}].scores[${j}] must be a finite number, got ${s}`);
      });
      const labels = labelsFrom(op, `preds[${i}].labels`, p.labels, boxes.length);
      const truth = cornersOf(op, `targets[${i}].boxes`, targets[i].boxes, this.boxFormat);
      return {
        predictions: { boxes, scores, labels },
        targets: { boxes: truth, labels: labelsFrom(op, `targets[${i}].labels`, targets[i].labels, truth.length) },
      };
    });
    this.images.push(...records);
  }

  compute(): MeanAveragePrecisionResult {
    const labels = new Set<number>();
    for (const { predictions, targets } of this.images) for (const l of [...predictions.labels, ...targets.labels]) labels.add(l);
    const classes = [...labels].sort((a, b) => a - b).map((label) => this.evaluateClass(label));
    const mean = (pick: (c: ClassAveragePrecision) => number): number => {
      const scored = classes.filter((c) => c.groundTruth > 0);
      return scored.length === 0 ? NaN : scored.reduce((sum, c) => sum + pick(c), 0) / scored.length;
    };
    return {
      map: mean((c) => c.ap),
      map50: mean((c) => c.ap50),
      map75: mean((c) => c.ap75),
      map50Voc: mean((c) => c.ap50Voc),
      iouThresholds: [...cocoIouThresholds],
      classes,
    };
  }

  reset(): void {
    this.images = [];
  }

  private evaluateClass(label: number): ClassAveragePrecision {
    const thresholds = cocoIouThresholds;
    const scores: number[] = [];
    // matched[t][d]: detection d (in image order, then score order) is a true positive at threshold t.
    const matched: boolean[][] = thresholds.map(() => []);
    let groundTruth = 0;
    for (const { predictions, targets } of this.images) {
      const truth = targets.boxes.filter((_, g) => targets.labels[g] === label);
      const own = predictions.labels.flatMap((l, d) => (l === label ? [d] : []));
      const kept = byScore(predictions.scores, own).slice(0, this.maxDetections);
      const ious = kept.map((d) => truth.map((g) => cornerBoxIou(predictions.boxes[d], g)));
      thresholds.forEach((t, k) => matched[k].push(...matchDetections(ious, truth.length, t)));
      scores.push(...kept.map((d) => predictions.scores[d]));
      groundTruth += truth.length;
    }
    const order = byScore(scores, scores.map((_, i) => i));
    const curves = matched.map((m) => {
      const recall: number[] = [];
      const precision: number[] = [];
      let tp = 0;
      order.forEach((d, n) => {
        if (m[d]) tp++;
        recall.push(tp / groundTruth);
        precision.push(tp / (n + 1));
      });
      return { recall, precision };
    });
    const apPerThreshold = curves.map((c) => (groundTruth === 0 ? NaN : cocoAp(c.recall, c.precision)));
    const atHalf = curves[0];
    return {
      label,
      groundTruth,
      detections: scores.length,
      ap: apPerThreshold.reduce((a, b) => a + b, 0) / apPerThreshold.length,
      ap50: apPerThreshold[0],
      ap75: apPerThreshold[5],
      ap50Voc: groundTruth === 0 ? NaN : allPointAp(atHalf.recall, atHalf.precision),
      apPerThreshold,
      recall: groundTruth === 0 ? NaN : (atHalf.recall.at(-1) ?? 0),
      curve: { recall: atHalf.recall, precision: atHalf.precision, scores: order.map((d) => scores[d]) },
    };
  }
}
