/**
 * Overlap scores for segmentation masks: intersection over union (IoU, the Jaccard index)
 * and the Dice coefficient (the F1 score of pixels), as used to judge UNet.
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
function score(c: Counts, binary: boolean, overlap: Overlap): number {
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

abstract class MaskScore extends Metric {
  private totals = emptyCounts();
  private imageSum = 0;
  private images = 0;
  /** Binary or multi-class, fixed by the first batch. */
  private binary: boolean | null = null;
  protected abstract readonly op: string;
  protected abstract readonly overlap: Overlap;

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
    if (this.options.perImage) {
      for (let n = 0; n < labels.examples; n++) {
        const c = emptyCounts();
        count(c, labels, n * labels.perExample, (n + 1) * labels.perExample);
        this.imageSum += score(c, binary, this.overlap);
        this.images++;
      }
    } else {
      count(this.totals, labels, 0, labels.actual.length);
    }
  }

  compute(): number {
    if (this.binary === null) return NaN;
    return this.options.perImage ? this.imageSum / this.images : score(this.totals, this.binary, this.overlap);
  }

  reset(): void {
    this.totals = emptyCounts();
    this.imageSum = 0;
    this.images = 0;
    this.binary = null;
  }
}

/** Intersection over union (Jaccard index); see the file comment for the kinds of mask. */
export class IoU extends MaskScore {
  protected readonly op = 'iou';
  protected readonly overlap = iouOf;
  constructor(options: MaskOptions = {}) {
    super('iou', options);
  }
}

/** The Dice coefficient 2|P ∩ T| / (|P| + |T|); see the file comment for the kinds of mask. */
export class Dice extends MaskScore {
  protected readonly op = 'dice';
  protected readonly overlap = diceOf;
  constructor(options: MaskOptions = {}) {
    super('dice', options);
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
