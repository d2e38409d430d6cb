/**
 * Regression metrics: MSE, RMSE, MAE, RMSLE and R². Every element of the output counts as
 * one prediction (an [N, 1] output is N predictions), except in R², which for an [N, k]
 * target averages the k per-output scores, as scikit-learn's r2_score and torchmetrics'
 * R2Score do.
 */
import type { Tensor } from '@nn/tensor';
import { checkSameShape, Metric, valuesOf, type MetricOptions } from './metric.js';

/** Sums a function of (output, target) over every element; the score is a function of the mean. */
abstract class ElementwiseMean extends Metric {
  private sum = 0;
  private count = 0;

  protected abstract readonly op: string;
  /** The summand for one prediction; may throw for values outside the metric's domain. */
  protected abstract term(output: number, target: number, index: number): number;
  /** The score from the mean of the terms. */
  protected finish(mean: number): number {
    return mean;
  }

  update(output: Tensor, target: Tensor): void {
    checkSameShape(this.op, output, target);
    const o = valuesOf(output);
    const t = valuesOf(target);
    let sum = 0;
    for (let i = 0; i < o.length; i++) sum += this.term(o[i], t[i], i);
    this.sum += sum;
    this.count += o.length;
  }

  compute(): number {
    return this.count === 0 ? NaN : this.finish(this.sum / this.count);
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/** Mean squared error: mean((ŷ − y)²). */
export class MeanSquaredError extends ElementwiseMean {
  protected readonly op = 'meanSquaredError';
  constructor(options: MetricOptions = {}) {
    super('mse', options);
  }
  protected term(o: number, t: number): number {
    return (o - t) * (o - t);
  }
}

/** Root mean squared error: √mean((ŷ − y)²), in the target's units. */
export class RootMeanSquaredError extends ElementwiseMean {
  protected readonly op = 'rootMeanSquaredError';
  constructor(options: MetricOptions = {}) {
    super('rmse', options);
  }
  protected term(o: number, t: number): number {
    return (o - t) * (o - t);
  }
  protected override finish(mean: number): number {
    return Math.sqrt(mean);
  }
}

/** Mean absolute error: mean|ŷ − y|. */
export class MeanAbsoluteError extends ElementwiseMean {
  protected readonly op = 'meanAbsoluteError';
  constructor(options: MetricOptions = {}) {
    super('mae', options);
  }
  protected term(o: number, t: number): number {
    return Math.abs(o - t);
  }
}

/**
 * Root mean squared logarithmic error: √mean((log(1 + ŷ) − log(1 + y))²), the error of
 * prices in relative terms (Kaggle's house-price score). As scikit-learn, it is defined
 * for non-negative values only, and a negative one is an error.
 */
export class RootMeanSquaredLogError extends ElementwiseMean {
  protected readonly op = 'rootMeanSquaredLogError';
  constructor(options: MetricOptions = {}) {
    super('rmsle', options);
  }
  protected term(o: number, t: number, index: number): number {
    if (!(o >= 0) || !(t >= 0)) {
      const [what, value] = !(o >= 0) ? ['output', o] : ['target', t];
      throw new Error(`${this.op}: values must be non-negative, got ${what} ${value} at flat index ${index}`);
    }
    const d = Math.log1p(o) - Math.log1p(t);
    return d * d;
  }
  protected override finish(mean: number): number {
    return Math.sqrt(mean);
  }
}

/** Running count, mean and sum of squared deviations of one output column (Chan et al.'s merge). */
interface ColumnStats {
  count: number;
  mean: number;
  m2: number;
  residual: number;
}

/**
 * Coefficient of determination: 1 − Σ(y − ŷ)² / Σ(y − ȳ)². 1 is perfect, 0 is no better
 * than predicting the mean, below 0 is worse. A constant target scores 1 if predicted
 * exactly and 0 otherwise (scikit-learn's `force_finite`). Needs two or more targets.
 */
export class R2Score extends Metric {
  private columns: ColumnStats[] = [];

  constructor(options: MetricOptions = {}) {
    super('r2', options);
  }

  update(output: Tensor, target: Tensor): void {
    const op = 'r2Score';
    checkSameShape(op, output, target);
    const width = output.rank < 2 ? 1 : output.size / output.shape[0];
    if (this.columns.length === 0) this.columns = Array.from({ length: width }, () => ({ count: 0, mean: 0, m2: 0, residual: 0 }));
    if (width !== this.columns.length) {
      throw new Error(`r2Score: a batch has ${width} outputs per example, earlier batches ${this.columns.length}`);
    }
    const o = valuesOf(output);
    const t = valuesOf(target);
    const rows = o.length / width;
    for (let c = 0; c < width; c++) {
      let sum = 0;
      let residual = 0;
      for (let r = 0; r < rows; r++) sum += t[r * width + c];
      const mean = sum / rows;
      let m2 = 0;
      for (let r = 0; r < rows; r++) {
        const y = t[r * width + c];
        m2 += (y - mean) * (y - mean);
        residual += (o[r * width + c] - y) * (o[r * width + c] - y);
      }
      const s = this.columns[c];
      const count = s.count + rows;
      const delta = mean - s.mean;
      s.m2 += m2 + (delta * delta * s.count * rows) / count;
      s.mean += (delta * rows) / count;
      s.count = count;
      s.residual += residual;
    }
  }

  compute(): number {
    if (this.columns.length === 0 || this.columns[0].count < 2) return NaN;
    let total = 0;
    for (const s of this.columns) total += s.m2 === 0 ? (s.residual === 0 ? 1 : 0) : 1 - s.residual / s.m2;
    return total / this.columns.length;
  }

  reset(): void {
    this.columns = [];
  }
}

function once(metric: Metric, output: Tensor, target: Tensor): number {
  metric.update(output, target);
  return metric.compute();
}

export const meanSquaredError = (output: Tensor, target: Tensor): number => once(new MeanSquaredError(), output, target);
export const rootMeanSquaredError = (output: Tensor, target: Tensor): number => once(new RootMeanSquaredError(), output, target);
export const meanAbsoluteError = (output: Tensor, target: Tensor): number => once(new MeanAbsoluteError(), output, target);
export const rootMeanSquaredLogError = (output: Tensor, target: Tensor): number => once(new RootMeanSquaredLogError(), output, target);
export const r2Score = (output: Tensor, target: Tensor): number => once(new R2Score(), output, target);
