/**
 * Metrics: scores for judging a model, as torchmetrics and Keras have them. Each metric is
 * a small accumulator: `update(output, target)` once per batch, `compute()` for the score
 * over everything seen since the last `reset()`, so a score over a whole data set is exact
 * (an RMSE over the epoch, not a mean of per-batch RMSEs). Each also has a functional form
 * (`rootMeanSquaredError(output, target)`) for one pair of tensors.
 *
 * Values are read back from the backend and summed in float64 in JavaScript: a score is a
 * number for people and for early stopping, and float64 sums make it exact and the same on
 * every backend.
 */
import { shapesEqual, type Tensor } from '@nn/tensor';

export interface MetricOptions {
  /** The key this metric's score has in fit's logs (default: the metric's short name, e.g. 'rmse'). */
  name?: string;
}

export abstract class Metric {
  readonly name: string;

  constructor(defaultName: string, options: MetricOptions = {}) {
    this.name = options.name ?? defaultName;
  }

  /** Adds one batch: the model's output and the target. */
  abstract update(output: Tensor, target: Tensor): void;

  /** The score over every batch since the last reset(); NaN before any update. */
  abstract compute(): number;

  /** Forgets every batch. */
  abstract reset(): void;

  toString(): string {
    return `${this.constructor.name}(name='${this.name}')`;
  }
}

/** `[2,3]`, for error messages. */
export function shapeText(t: Tensor): string {
  return `[${t.shape.join(',')}]`;
}

/** Throws `op: what` naming the tensor unless it is live. */
export function checkTensor(op: string, arg: string, t: unknown): Tensor {
  if (typeof t !== 'object' || t === null || !('shape' in t) || !('dataSync' in t)) throw new Error(`${op}: ${arg} must be a Tensor`);
  const tensor = t as Tensor;
  if (tensor.isDisposed) throw new Error(`${op}: ${arg} ${shapeText(tensor)} has been disposed`);
  return tensor;
}

/** Checks that output and target have one shape (elementwise scores). */
export function checkSameShape(op: string, output: Tensor, target: Tensor): void {
  checkTensor(op, 'output', output);
  checkTensor(op, 'target', target);
  if (!shapesEqual(output.shape, target.shape)) {
    throw new Error(`${op}: output ${shapeText(output)} and target ${shapeText(target)} must have the same shape`);
  }
}

/** The values as a plain array of numbers (bool as 0/1), read back from the backend. */
export function valuesOf(t: Tensor): ArrayLike<number> {
  return t.dataSync();
}

/** Checks a positive integer option. */
export function checkPositiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}
