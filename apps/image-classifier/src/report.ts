/**
 * Scores on the test set from the model's outputs: top-1 and top-5 error as the ImageNet
 * challenge (ILSVRC) defines them (an image counts as right if its true class is among the
 * model's k highest scores), accuracy (1 − top-1 error), the confusion matrix, precision
 * and recall per class, and the most confident mistakes.
 */
import { ConfusionMatrix, TopKError } from '@nn/layers';
import { tensor, type Tensor } from '@nn/tensor';

export interface ClassScores {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Mistaken {
  index: number;
  actual: number;
  predicted: number;
  confidence: number;
}

export interface TestReport {
  examples: number;
  accuracy: number;
  top1Error: number;
  /** NaN with fewer than 5 classes. */
  top5Error: number;
  confusion: number[][];
  perClass: ClassScores[];
  macro: { precision: number; recall: number; f1: number };
  /** Misclassified examples, most confident first. */
  mistakes: Mistaken[];
}

/** Softmax of each row of logits [N, C], on the host. */
export function probabilities(logits: Float32Array | Int32Array | Uint8Array, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let start = 0; start < logits.length; start += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[start + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[start + c] = Math.exp(logits[start + c] - max);
    for (let c = 0; c < classes; c++) out[start + c] /= sum;
  }
  return out;
}

/** Everything the report needs, from logits [N, C] and the true labels. */
export function scoreTest(logits: Tensor, labels: Int32Array, classNames: readonly string[]): TestReport {
  const [examples, numClasses] = logits.shape;
  if (logits.rank !== 2 || examples !== labels.length || numClasses !== classNames.length) {
    throw new Error(`scoreTest: expected logits [${labels.length}, ${classNames.length}], got [${logits.shape.join(', ')}]`);
  }
  const target = tensor(labels, [labels.length], 'int32');
  try {
    const top = (k: number): number => {
      const metric = new TopKError(k);
      metric.update(logits, target);
      return metric.compute();
    };
    const matrix = new ConfusionMatrix(numClasses);
    matrix.update(logits, target);
    const top1Error = top(1);
    const report = matrix.report();
    const probs = probabilities(logits.dataSync(), numClasses);
    const mistakes: Mistaken[] = [];
    for (let n = 0; n < examples; n++) {
      let predicted = 0;
      for (let c = 1; c < numClasses; c++) if (probs[n * numClasses + c] > probs[n * numClasses + predicted]) predicted = c;
      if (predicted !== labels[n]) mistakes.push({ index: n, actual: labels[n], predicted, confidence: probs[n * numClasses + predicted] });
    }
    mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
    return {
      examples,
      accuracy: 1 - top1Error,
      top1Error,
      top5Error: numClasses >= 5 ? top(5) : NaN,
      confusion: matrix.toArray(),
      perClass: classNames.map((name, c) => ({ name, precision: report.precision[c], recall: report.recall[c], f1: report.f1[c], support: report.support[c] })),
      macro: report.macro,
      mistakes,
    };
  } finally {
    target.dispose();
  }
}

const pct = (v: number, digits = 2): string => (Number.isNaN(v) ? '-' : `${(100 * v).toFixed(digits)} %`);

/** The report as a person reads it in a terminal. */
export function formatReport(report: TestReport, heading: string): string {
  const nameWidth = Math.max(...report.perClass.map((c) => c.name.length), 'macro average'.length);
  const row = (name: string, p: string, r: string, f: string, s: string): string =>
    `  ${name.padEnd(nameWidth)}  ${p.padStart(9)}  ${r.padStart(9)}  ${f.padStart(9)}  ${s.padStart(7)}`;
  const lines = [
    `${heading} (${report.examples.toLocaleString('en-US')} images)`,
    `  accuracy     ${pct(report.accuracy)}`,
    `  top-1 error  ${pct(report.top1Error)}`,
    `  top-5 error  ${pct(report.top5Error)}`,
    '',
    row('class', 'precision', 'recall', 'F1', 'images'),
    ...report.perClass.map((c) => row(c.name, pct(c.precision, 1), pct(c.recall, 1), pct(c.f1, 1), String(c.support))),
    row('macro average', pct(report.macro.precision, 1), pct(report.macro.recall, 1), pct(report.macro.f1, 1), String(report.examples)),
  ];
  return lines.join('\n');
}
