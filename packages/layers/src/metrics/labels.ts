/**
 * Turning a model's output and a target into predicted and true class labels, the input of
 * every classification and segmentation metric. Three kinds of output are understood:
 *
 * - scores (logits or probabilities) with the classes on axis 1, PyTorch's layout:
 *   output [N, C] for target [N], or [N, C, d1, ...] for target [N, d1, ...] (one label
 *   per pixel); the prediction is the class with the highest score (the first on ties);
 * - labels: an int32 or bool output of the target's shape;
 * - binary scores: a float32 output of the target's shape, predicted 1 where it is above
 *   `threshold` (default 0.5, for probabilities; use 0 for logits).
 *
 * Targets hold class indices (int32, bool, or float32 with integer values).
 */
import type { Tensor } from '@nn/tensor';
import { checkTensor, shapeText, valuesOf } from './metric.js';

export interface LabelOptions {
  /** Binary outputs above this count as class 1 (default 0.5: probabilities; 0 for logits). */
  threshold?: number;
}

export interface Labels {
  predicted: Int32Array;
  actual: Int32Array;
  /** Examples (the output's first dimension); predicted/actual hold `perExample` labels each. */
  examples: number;
  perExample: number;
  /** C for scores, 2 for binary outputs, null for label outputs (the labels say). */
  numClasses: number | null;
  /** Which of the three kinds of output this was. */
  kind: 'scores' | 'labels' | 'binary';
}

/** Scores laid out as [N, C, inner]: the scores of example n, position s are at (n·C + c)·inner + s. */
export interface Scores {
  values: ArrayLike<number>;
  actual: Int32Array;
  examples: number;
  numClasses: number;
  inner: number;
}

function isScoresLayout(output: Tensor, target: Tensor): boolean {
  if (output.rank !== target.rank + 1 || output.rank < 2) return false;
  if (output.shape[0] !== target.shape[0]) return false;
  for (let a = 1; a < target.rank; a++) if (output.shape[a + 1] !== target.shape[a]) return false;
  return true;
}

function sameShape(output: Tensor, target: Tensor): boolean {
  return output.rank === target.rank && output.shape.every((d, i) => d === target.shape[i]);
}

function mismatch(op: string, output: Tensor, target: Tensor): Error {
  return new Error(
    `${op}: output ${shapeText(output)} does not fit target ${shapeText(target)}: expected scores [N, C, ...] for labels [N, ...], or an output of the target's shape`,
  );
}

/** The target as class indices, each checked to be an integer in [0, numClasses) (or ≥ 0 when unknown). */
function targetLabels(op: string, target: Tensor, numClasses: number | null): Int32Array {
  const values = valuesOf(target);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || (numClasses !== null && v >= numClasses)) {
      const range = numClasses === null ? 'non-negative integers' : `integers in [0, ${numClasses})`;
      throw new Error(`${op}: target must hold class indices (${range}), got ${v} at flat index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

function checkThreshold(op: string, threshold: unknown): number {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new Error(`${op}: threshold must be a number, got ${String(threshold)}`);
  return threshold;
}

/** The scores of a [N, C, ...] output against a [N, ...] target; throws for any other layout. */
export function scoresOf(op: string, output: Tensor, target: Tensor): Scores {
  checkTensor(op, 'output', output);
  checkTensor(op, 'target', target);
  if (!isScoresLayout(output, target)) throw new Error(`${op}: needs class scores: output [N, C, ...] for target [N, ...], got output ${shapeText(output)} and target ${shapeText(target)}`);
  if (output.dtype !== 'float32') throw new Error(`${op}: scores must be float32, got ${output.dtype}`);
  const numClasses = output.shape[1];
  return { values: valuesOf(output), actual: targetLabels(op, target, numClasses), examples: output.shape[0], numClasses, inner: target.size / Math.max(target.shape[0], 1) };
}

export function labelsOf(op: string, output: Tensor, target: Tensor, options: LabelOptions = {}): Labels {
  checkTensor(op, 'output', output);
  checkTensor(op, 'target', target);
  const examples = output.rank === 0 ? 1 : output.shape[0];
  if (isScoresLayout(output, target) && output.dtype === 'float32') {
    const { values, actual, numClasses, inner } = scoresOf(op, output, target);
    const predicted = new Int32Array(actual.length);
    for (let n = 0; n < examples; n++) {
      for (let s = 0; s < inner; s++) {
        const base = n * numClasses * inner + s;
        let best = 0;
        let bestValue = values[base];
        for (let c = 1; c < numClasses; c++) {
          const v = values[base + c * inner];
          // NaN never wins, so a NaN row predicts class 0 (and is counted wrong unless that is right).
          if (v > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(v))) {
            best = c;
            bestValue = v;
          }
        }
        predicted[n * inner + s] = best;
      }
    }
    return { predicted, actual, examples, perExample: inner, numClasses, kind: 'scores' };
  }
  if (!sameShape(output, target)) throw mismatch(op, output, target);
  const perExample = examples === 0 ? 0 : target.size / examples;
  const values = valuesOf(output);
  const predicted = new Int32Array(values.length);
  if (output.dtype === 'float32') {
    const threshold = checkThreshold(op, options.threshold ?? 0.5);
    for (let i = 0; i < values.length; i++) predicted[i] = values[i] > threshold ? 1 : 0;
    return { predicted, actual: targetLabels(op, target, 2), examples, perExample, numClasses: 2, kind: 'binary' };
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0) throw new Error(`${op}: output labels must be non-negative class indices, got ${v} at flat index ${i}`);
    predicted[i] = v;
  }
  return { predicted, actual: targetLabels(op, target, null), examples, perExample, numClasses: null, kind: 'labels' };
}
