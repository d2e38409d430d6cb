/**
 * Classification metrics: accuracy, top-k error (ILSVRC's top-1 and top-5), the confusion
 * matrix, and precision, recall and F1 per class and averaged. See labels.ts for the
 * outputs and targets they accept.
 */
import type { Tensor } from '@nn/tensor';
import { labelsOf, scoresOf, type LabelOptions, type Labels } from './labels.js';
import { checkPositiveInteger, Metric, type MetricOptions } from './metric.js';

/** Fraction of predictions equal to their label (every pixel counts for per-pixel labels). */
export class Accuracy extends Metric {
  private correct = 0;
  private total = 0;

  constructor(private readonly options: MetricOptions & LabelOptions = {}) {
    super('accuracy', options);
  }

  update(output: Tensor, target: Tensor): void {
    const { predicted, actual } = labelsOf('accuracy', output, target, this.options);
    for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) this.correct++;
    this.total += actual.length;
  }

  compute(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }

  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
}

/**
 * Top-k error as the ImageNet challenge (ILSVRC) scores it: an example is correct if its
 * true class is among the k classes with the highest scores, and the error is the fraction
 * that are not. Top-1 error is 1 − accuracy; AlexNet's and VGG's papers report top-1 and
 * top-5. Ties are broken by class index, lower first (a stable sort of the scores), so a
 * tie is neither always right nor always wrong. Needs scores [N, C, ...], k ≤ C.
 */
export class TopKError extends Metric {
  private missed = 0;
  private total = 0;

  constructor(
    readonly k: number,
    options: MetricOptions = {},
  ) {
    super(`top${k}_error`, options);
    checkPositiveInteger('topKError', 'k', k);
  }

  update(output: Tensor, target: Tensor): void {
    const op = 'topKError';
    const { values, actual, examples, numClasses, inner } = scoresOf(op, output, target);
    if (this.k > numClasses) throw new Error(`${op}: k must be at most the number of classes C=${numClasses}, got ${this.k}`);
    for (let n = 0; n < examples; n++) {
      for (let s = 0; s < inner; s++) {
        const base = n * numClasses * inner + s;
        const label = actual[n * inner + s];
        const own = values[base + label * inner];
        // The true class's place in the stable descending order: classes scoring higher, and
        // classes scoring the same with a lower index, come before it.
        let rank = 0;
        for (let c = 0; c < numClasses && rank < this.k; c++) {
          const v = values[base + c * inner];
          if (v > own || (v === own && c < label) || (Number.isNaN(own) && c !== label)) rank++;
        }
        if (rank >= this.k) this.missed++;
      }
    }
    this.total += actual.length;
  }

  compute(): number {
    return this.total === 0 ? NaN : this.missed / this.total;
  }

  reset(): void {
    this.missed = 0;
    this.total = 0;
  }
}

/** Per-class scores with their macro average (the unweighted mean over the classes that occur). */
export interface ClassReport {
  precision: number[];
  recall: number[];
  f1: number[];
  /** Examples of each class in the target. */
  support: number[];
  macro: { precision: number; recall: number; f1: number };
}

/**
 * Counts of (true class, predicted class) pairs: `counts[t][p]`, rows are the truth, as
 * scikit-learn and torchmetrics lay it out. The number of classes is fixed by `numClasses`,
 * by the scores' C, or grows with the largest label seen. Everything else in this file is
 * computed from it: precision = TP/(TP+FP), recall = TP/(TP+FN), F1 their harmonic mean,
 * IoU = TP/(TP+FP+FN), Dice = 2TP/(2TP+FP+FN); a class with a zero denominator scores 0.
 */
export class ConfusionMatrix {
  private counts: number[][] = [];
  /** The number of classes the user fixed, or null to grow with the labels. */
  private readonly fixed: number | null;

  constructor(
    numClasses?: number,
    private readonly options: LabelOptions = {},
  ) {
    this.fixed = numClasses === undefined ? null : checkPositiveInteger('ConfusionMatrix', 'numClasses', numClasses);
    if (this.fixed !== null) this.grow(this.fixed);
  }

  get numClasses(): number {
    return this.counts.length;
  }

  /** Makes room for classes 0..n-1 (counts of new classes start at 0). */
  grow(n: number): void {
    for (const row of this.counts) while (row.length < n) row.push(0);
    while (this.counts.length < n) this.counts.push(new Array<number>(n).fill(0));
  }

  update(output: Tensor, target: Tensor): void {
    this.updateFrom(labelsOf('confusionMatrix', output, target, this.options));
  }

  /** Adds labels made by labelsOf (scores also fix the number of classes). */
  updateFrom({ predicted, actual, numClasses }: Labels): void {
    if (numClasses !== null && this.fixed !== null && numClasses > this.fixed) {
      throw new Error(`confusionMatrix: the output has ${numClasses} classes, but numClasses is ${this.fixed}`);
    }
    if (numClasses !== null) this.grow(numClasses);
    this.add(predicted, actual);
  }

  /** Adds pairs of labels directly. */
  add(predicted: ArrayLike<number>, actual: ArrayLike<number>): void {
    let largest = -1;
    for (let i = 0; i < actual.length; i++) largest = Math.max(largest, predicted[i], actual[i]);
    if (this.fixed !== null && largest >= this.fixed) throw new Error(`confusionMatrix: label ${largest} is outside the numClasses=${this.fixed} classes`);
    if (largest >= this.counts.length) this.grow(largest + 1);
    for (let i = 0; i < actual.length; i++) this.counts[actual[i]][predicted[i]]++;
  }

  reset(): void {
    for (const row of this.counts) row.fill(0);
  }

  /** A copy of the counts, rows the true class, columns the predicted one. */
  toArray(): number[][] {
    return this.counts.map((row) => [...row]);
  }

  /** True positives, false positives and false negatives of each class. */
  stats(): { tp: number[]; fp: number[]; fn: number[] } {
    const n = this.counts.length;
    const tp = new Array<number>(n).fill(0);
    const fp = new Array<number>(n).fill(0);
    const fn = new Array<number>(n).fill(0);
    for (let t = 0; t < n; t++) {
      for (let p = 0; p < n; p++) {
        const c = this.counts[t][p];
        if (t === p) tp[t] += c;
        else {
          fn[t] += c;
          fp[p] += c;
        }
      }
    }
    return { tp, fp, fn };
  }

  /** Classes that occur in the target or the predictions: the ones an average runs over. */
  present(): boolean[] {
    const { tp, fp, fn } = this.stats();
    return tp.map((v, c) => v + fp[c] + fn[c] > 0);
  }

  support(): number[] {
    return this.counts.map((row) => row.reduce((a, b) => a + b, 0));
  }

  accuracy(): number {
    const { tp } = this.stats();
    const total = this.support().reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : tp.reduce((a, b) => a + b, 0) / total;
  }

  precision(): number[] {
    const { tp, fp } = this.stats();
    return tp.map((v, c) => ratio(v, v + fp[c]));
  }

  recall(): number[] {
    const { tp, fn } = this.stats();
    return tp.map((v, c) => ratio(v, v + fn[c]));
  }

  f1(): number[] {
    const { tp, fp, fn } = this.stats();
    return tp.map((v, c) => ratio(2 * v, 2 * v + fp[c] + fn[c]));
  }

  iou(): number[] {
    const { tp, fp, fn } = this.stats();
    return tp.map((v, c) => ratio(v, v + fp[c] + fn[c]));
  }

  dice(): number[] {
    return this.f1();
  }

  report(): ClassReport {
    const present = this.present();
    const precision = this.precision();
    const recall = this.recall();
    const f1 = this.f1();
    return { precision, recall, f1, support: this.support(), macro: { precision: macro(precision, present), recall: macro(recall, present), f1: macro(f1, present) } };
  }
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Mean over the classes marked present; NaN when there are none. */
function macro(scores: number[], present: boolean[]): number {
  let sum = 0;
  let count = 0;
  scores.forEach((s, c) => {
    if (present[c]) {
      sum += s;
      count++;
    }
  });
  return count === 0 ? NaN : sum / count;
}

export type Average = 'macro' | 'micro' | 'weighted';

export interface ClassScoreOptions extends MetricOptions, LabelOptions {
  /** Fixes the number of classes (otherwise the scores' C, or the largest label seen + 1). */
  numClasses?: number;
  /**
   * 'macro' (default): the unweighted mean over classes present in target or predictions;
   * 'weighted': weighted by each class's support; 'micro': from the summed counts (equal to
   * accuracy for single-label data). Ignored when `positiveClass` is given.
   */
  average?: Average;
  /** Score of this class alone (binary problems: 1). */
  positiveClass?: number;
}

type Which = 'precision' | 'recall' | 'f1';

/** Precision, recall or F1 from a confusion matrix, averaged as the options say. */
abstract class ClassScore extends Metric {
  private readonly matrix: ConfusionMatrix;
  protected abstract readonly which: Which;

  constructor(
    defaultName: string,
    private readonly options: ClassScoreOptions,
  ) {
    super(defaultName, options);
    const average = options.average ?? 'macro';
    if (average !== 'macro' && average !== 'micro' && average !== 'weighted') throw new Error(`${defaultName}: average must be 'macro', 'micro' or 'weighted', got '${String(average)}'`);
    if (options.positiveClass !== undefined && (!Number.isInteger(options.positiveClass) || options.positiveClass < 0)) {
      throw new Error(`${defaultName}: positiveClass must be a non-negative integer, got ${String(options.positiveClass)}`);
    }
    this.matrix = new ConfusionMatrix(options.numClasses, options);
  }

  update(output: Tensor, target: Tensor): void {
    this.matrix.updateFrom(labelsOf(this.which, output, target, this.options));
  }

  compute(): number {
    const m = this.matrix;
    const total = m.support().reduce((a, b) => a + b, 0);
    if (total === 0) return NaN;
    const perClass = this.which === 'precision' ? m.precision() : this.which === 'recall' ? m.recall() : m.f1();
    if (this.options.positiveClass !== undefined) return perClass[this.options.positiveClass] ?? 0;
    const average = this.options.average ?? 'macro';
    if (average === 'macro') return macro(perClass, m.present());
    if (average === 'weighted') {
      const support = m.support();
      return perClass.reduce((sum, s, c) => sum + s * support[c], 0) / total;
    }
    // micro: every false positive of one class is a false negative of another, so all three are the accuracy.
    return m.accuracy();
  }

  reset(): void {
    this.matrix.reset();
  }
}

/** Precision TP/(TP+FP): of the examples predicted as a class, the fraction that are. */
export class Precision extends ClassScore {
  protected readonly which = 'precision';
  constructor(options: ClassScoreOptions = {}) {
    super('precision', options);
  }
}

/** Recall TP/(TP+FN): of the examples of a class, the fraction found. */
export class Recall extends ClassScore {
  protected readonly which = 'recall';
  constructor(options: ClassScoreOptions = {}) {
    super('recall', options);
  }
}

/** F1, the harmonic mean of precision and recall: 2TP/(2TP+FP+FN). */
export class F1Score extends ClassScore {
  protected readonly which = 'f1';
  constructor(options: ClassScoreOptions = {}) {
    super('f1', options);
  }
}

export function accuracy(output: Tensor, target: Tensor, options: LabelOptions = {}): number {
  const metric = new Accuracy(options);
  metric.update(output, target);
  return metric.compute();
}

/** ILSVRC's top-k error (see TopKError): `topKError(logits, labels, 5)` is the top-5 error. */
export function topKError(output: Tensor, target: Tensor, k: number): number {
  const metric = new TopKError(k);
  metric.update(output, target);
  return metric.compute();
}

/** The fraction of examples whose true class is among the k highest scores: 1 − topKError. */
export function topKAccuracy(output: Tensor, target: Tensor, k: number): number {
  return 1 - topKError(output, target, k);
}

/** Counts[t][p] of true class t predicted as p (see ConfusionMatrix). */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses?: number, options: LabelOptions = {}): number[][] {
  const matrix = new ConfusionMatrix(numClasses, options);
  matrix.update(output, target);
  return matrix.toArray();
}

/** Precision, recall, F1 and support per class, with their macro averages (scikit-learn's classification_report). */
export function classificationReport(output: Tensor, target: Tensor, numClasses?: number, options: LabelOptions = {}): ClassReport {
  const matrix = new ConfusionMatrix(numClasses, options);
  matrix.update(output, target);
  return matrix.report();
}
