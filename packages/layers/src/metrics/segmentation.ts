/**
 * Scores for segmentation masks: intersection over union (IoU, the Jaccard index), the
 * Dice coefficient (the F1 score of pixels), as used to judge UNet, and pixel accuracy
 * (the fraction of pixels labelled right, FCN's first metric).
 *
 * - Binary masks: an output of the target's shape (probabilities, thresholded at 0.5 by
 *   default; 0/1 or bool masks) against a 0/1 target. The score is the foreground's:
 *   IoU = |P ∩ T| / |P ∪ T|, Dice = 2|P ∩ T| / (|P| + |T|). Two empty masks agree
 *   perfectly and score 1.
 * - Several classes: scores [N, C, H, W] against labels [N, H, W], or label maps of the
 *   target's shape with `numClasses` set. The score is the mean over the classes that occur
 *   in the target or the prediction (mean IoU, "mIoU").
 *
 * By default the counts are summed over every pixel of every image, then scored once;
 * `perImage: true` scores each image on its own and averages the images (Carvana's mean
 * Dice, for example).
 *
 * `perClass()` gives each class's own score over all pixels seen (whatever `perImage`
 * says), indexed by class: background 0 and foreground 1 for binary masks. A class that
 * occurs nowhere, in neither target nor prediction (for pixel accuracy: not in the
 * target), has no score and is NaN there; these are the classes the mean leaves out.
 */
import type { Tensor } from '@nn/tensor';
import { labelsOf, type LabelOptions, type Labels } from './labels.js';
import { checkPositiveInteger, Metric, type MetricOptions } from './metric.js';

export interface MaskOptions extends MetricOptions, LabelOptions {
  /** Mean of per-image scores instead of one score over all pixels (default false). */
  perImage?: boolean;
  /** Treats same-shaped label maps as this many classes (mean over classes) instead of binary masks. */
  numClasses?: number;
}

interface Counts {
  tp: number[];
  fp: number[];
  fn: number[];
}

function emptyCounts(): Counts {
  return { tp: [], fp: [], fn: [] };
}

function grow(c: Counts, n: number): void {
  while (c.tp.length < n) {
    c.tp.push(0);
    c.fp.push(0);
    c.fn.push(0);
  }
}

/** Adds the pixels [from, to) of a labelled batch into `c`. */
function count(c: Counts, labels: Labels, from: number, to: number): void {
  const { predicted, actual } = labels;
  for (let i = from; i < to; i++) {
    const p = predicted[i];
    const t = actual[i];
    grow(c, Math.max(p, t) + 1);
    if (p === t) c.tp[t]++;
    else {
      c.fp[p]++;
      c.fn[t]++;
    }
  }
}

type Overlap = (tp: number, fp: number, fn: number) => number;
const iouOf: Overlap = (tp, fp, fn) => tp / (tp + fp + fn);
const diceOf: Overlap = (tp, fp, fn) => (2 * tp) / (2 * tp + fp + fn);

/** Foreground score for binary masks; mean over present classes otherwise. */
function overlapScore(c: Counts, binary: boolean, overlap: Overlap): number {
  if (binary) {
    const [tp, fp, fn] = [c.tp[1] ?? 0, c.fp[1] ?? 0, c.fn[1] ?? 0];
    return tp + fp + fn === 0 ? 1 : overlap(tp, fp, fn);
  }
  let sum = 0;
  let present = 0;
  for (let k = 0; k < c.tp.length; k++) {
    if (c.tp[k] + c.fp[k] + c.fn[k] === 0) continue;
    sum += overlap(c.tp[k], c.fp[k], c.fn[k]);
    present++;
  }
  return present === 0 ? NaN : sum / present;
}

/** Each class's overlap, NaN for a class in neither target nor prediction. */
function overlapPerClass(c: Counts, overlap: Overlap): number[] {
  return c.tp.map((tp, k) => (tp + c.fp[k] + c.fn[k] === 0 ? NaN : overlap(tp, c.fp[k], c.fn[k])));
}

/** Pixels labelled right over all pixels: every pixel is a TP or an FN of its true class. */
function pixelAccuracyOf(c: Counts): number {
  let right = 0;
  let total = 0;
  for (let k = 0; k < c.tp.length; k++) {
    right += c.tp[k];
    total += c.tp[k] + c.fn[k];
  }
  return total === 0 ? NaN : right / total;
}

abstract class MaskScore extends Metric {
  private totals = emptyCounts();
  private imageSum = 0;
  private images = 0;
  /** Binary or multi-class, fixed by the first batch. */
  private binary: boolean | null = null;
  /** Classes known from the scores' C, numClasses, or 2 for binary masks. */
  private classes = 0;
  protected abstract readonly op: string;
  /** The score of pooled counts (binary masks: of the foreground). */
  protected abstract score(c: Counts, binary: boolean): number;
  /** Each class's score, NaN where it has none. */
  protected abstract scorePerClass(c: Counts): number[];

  constructor(
    defaultName: string,
    private readonly options: MaskOptions,
  ) {
    super(defaultName, options);
    if (options.numClasses !== undefined) checkPositiveInteger(defaultName, 'numClasses', options.numClasses);
  }

  update(output: Tensor, target: Tensor): void {
    const labels = labelsOf(this.op, output, target, this.options);
    const binary = labels.kind !== 'scores' && this.options.numClasses === undefined;
    const limit = labels.kind === 'scores' ? labels.numClasses! : (this.options.numClasses ?? 2);
    for (let i = 0; i < labels.actual.length; i++) {
      const largest = Math.max(labels.predicted[i], labels.actual[i]);
      if (largest >= limit) {
        const what = binary ? 'binary masks hold 0 and 1 (set numClasses for label maps)' : `labels must be below numClasses=${limit}`;
        throw new Error(`${this.op}: ${what}, got ${largest} at flat index ${i}`);
      }
    }
    if (this.binary !== null && this.binary !== binary) throw new Error(`${this.op}: a batch of ${binary ? 'binary masks' : 'class labels'} after batches of the other kind`);
    this.binary = binary;
    this.classes = Math.max(this.classes, limit);
    if (this.options.perImage) {
      for (let n = 0; n < labels.examples; n++) {
        const c = emptyCounts();
        count(c, labels, n * labels.perExample, (n + 1) * labels.perExample);
        this.imageSum += this.score(c, binary);
        this.images++;
      }
    }
    count(this.totals, labels, 0, labels.actual.length);
  }

  compute(): number {
    if (this.binary === null) return NaN;
    return this.options.perImage ? this.imageSum / this.images : this.score(this.totals, this.binary);
  }

  /** Each class's score over every pixel seen, NaN for a class without one (see the file comment); [] before any update. */
  perClass(): number[] {
    const c = emptyCounts();
    grow(c, this.classes);
    this.totals.tp.forEach((_, k) => {
      c.tp[k] = this.totals.tp[k];
      c.fp[k] = this.totals.fp[k];
      c.fn[k] = this.totals.fn[k];
    });
    return this.scorePerClass(c);
  }

  reset(): void {
    this.totals = emptyCounts();
    this.imageSum = 0;
    this.images = 0;
    this.binary = null;
    this.classes = 0;
  }
}

/** Intersection over union (Jaccard index); see the file comment for the kinds of mask. */
export class IoU extends MaskScore {
  protected readonly op = 'iou';
  constructor(options: MaskOptions = {}) {
    super('iou', options);
  }
  protected score(c: Counts, binary: boolean): number {
    return overlapScore(c, binary, iouOf);
  }
  protected scorePerClass(c: Counts): number[] {
    return overlapPerClass(c, iouOf);
  }
}

/** The Dice coefficient 2|P ∩ T| / (|P| + |T|); see the file comment for the kinds of mask. */
export class Dice extends MaskScore {
  protected readonly op = 'dice';
  constructor(options: MaskOptions = {}) {
    super('dice', options);
  }
  protected score(c: Counts, binary: boolean): number {
    return overlapScore(c, binary, diceOf);
  }
  protected scorePerClass(c: Counts): number[] {
    return overlapPerClass(c, diceOf);
  }
}

/**
 * Pixel accuracy Σ n_ii / Σ t_i (Long et al., FCN, 2015): the fraction of pixels whose
 * predicted class is the true one, background included. Its `perClass()` is each class's
 * accuracy n_ii / t_i (the recall of its pixels; NaN for a class absent from the target),
 * whose mean is FCN's "mean accuracy".
 */
export class PixelAccuracy extends MaskScore {
  protected readonly op = 'pixelAccuracy';
  constructor(options: MaskOptions = {}) {
    super('pixel_accuracy', options);
  }
  protected score(c: Counts): number {
    return pixelAccuracyOf(c);
  }
  protected scorePerClass(c: Counts): number[] {
    return c.tp.map((tp, k) => (tp + c.fn[k] === 0 ? NaN : tp / (tp + c.fn[k])));
  }
}

export function iou(output: Tensor, target: Tensor, options: MaskOptions = {}): number {
  const metric = new IoU(options);
  metric.update(output, target);
  return metric.compute();
}

export function dice(output: Tensor, target: Tensor, options: MaskOptions = {}): number {
  const metric = new Dice(options);
  metric.update(output, target);
  return metric.compute();
}

export function pixelAccuracy(output: Tensor, target: Tensor, options: MaskOptions = {}): number {
  const metric = new PixelAccuracy(options);
  metric.update(output, target);
  return metric.compute();
}

/** Each class's IoU over the batch (NaN for a class in neither target nor prediction). */
export function iouPerClass(output: Tensor, target: Tensor, options: MaskOptions = {}): number[] {
  const metric = new IoU(options);
  metric.update(output, target);
  return metric.perClass();
}

/** Each class's Dice coefficient over the batch (NaN for a class in neither target nor prediction). */
export function dicePerClass(output: Tensor, target: Tensor, options: MaskOptions = {}): number[] {
  const metric = new Dice(options);
  metric.update(output, target);
  return metric.perClass();
}
