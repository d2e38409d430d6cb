import '@nn/backend-cpu';
import { manualSeed, randint, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  Accuracy,
  ConfusionMatrix,
  F1Score,
  Precision,
  Recall,
  TopKError,
  accuracy,
  classificationReport,
  confusionMatrix,
  topKAccuracy,
  topKError,
} from './classification.js';

const labels = (values: number[]): Tensor => tensor(values, undefined, 'int32');

/** Top-k by a stable descending sort of (score, class): the definition written out. */
function naiveTopKError(scores: number[][], target: number[], k: number): number {
  let missed = 0;
  scores.forEach((row, n) => {
    const order = row.map((s, c) => [s, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, c]) => c);
    if (!order.slice(0, k).includes(target[n])) missed++;
  });
  return missed / target.length;
}

describe('accuracy', () => {
  it('takes the highest score of each row of [N, C] logits', () => {
    const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 5], [4, 4.5, 0]]);
    expect(accuracy(logits, labels([0, 1, 1, 0]))).toBe(0.5);
  });

  it('counts every pixel of [N, C, H, W] scores against [N, H, W] labels', () => {
    // Class 1 wins where its channel is larger.
    const scores = tensor([[[[0, 1], [1, 0]], [[1, 0], [0, 0.5]]]]); // [1, 2, 2, 2]
    expect(accuracy(scores, labels([1, 0, 0, 1]).reshape([1, 2, 2]))).toBe(1);
    expect(accuracy(scores, labels([1, 1, 0, 0]).reshape([1, 2, 2]))).toBe(0.5);
  });

  it('thresholds binary probabilities at 0.5, or where told (0 for logits)', () => {
    const p = tensor([0.9, 0.4, 0.6, 0.1]);
    expect(accuracy(p, labels([1, 0, 0, 0]))).toBe(0.75);
    expect(accuracy(tensor([2, -1, 0.3, -4]), tensor([1, 0, 1, 0]), { threshold: 0 })).toBe(1);
  });

  it('compares label outputs directly, and accumulates over batches', () => {
    const m = new Accuracy();
    m.update(labels([1, 2, 3]), labels([1, 2, 0]));
    m.update(labels([4]), labels([4]));
    expect(m.compute()).toBe(0.75);
    m.reset();
    expect(m.compute()).toBeNaN();
  });
});

describe('top-k error as ILSVRC defines it', () => {
  it('counts an example right when its class is among the k highest scores', () => {
    const scores = tensor([[0.1, 0.5, 0.3, 0.05, 0.05], [0.6, 0.1, 0.1, 0.1, 0.1], [0.2, 0.2, 0.2, 0.3, 0.1]]);
    const target = labels([2, 0, 4]);
    expect(topKError(scores, target, 1)).toBeCloseTo(2 / 3, 12); // only the second is top-1
    expect(topKError(scores, target, 2)).toBeCloseTo(1 / 3, 12); // class 2 is second in row 0
    expect(topKError(scores, target, 5)).toBe(0);
    expect(topKAccuracy(scores, target, 2)).toBeCloseTo(2 / 3, 12);
  });

  it('top-1 error is 1 - accuracy', () => {
    manualSeed(4);
    const scores = randn([50, 10]);
    const target = randint(0, 10, [50]);
    expect(topKError(scores, target, 1)).toBeCloseTo(1 - accuracy(scores, target), 12);
  });

  it('matches a stable sort on random scores, for top-1 and top-5', () => {
    manualSeed(5);
    const scores = randn([64, 20]);
    const target = randint(0, 20, [64]);
    const rows = scores.toArray() as number[][];
    const t = Array.from(target.dataSync());
    for (const k of [1, 5]) expect(topKError(scores, target, k)).toBeCloseTo(naiveTopKError(rows, t, k), 12);
  });

  it('breaks ties by class index, lower first', () => {
    const scores = tensor([[1, 1, 1, 0]]);
    expect(topKError(scores, labels([1]), 1)).toBe(1); // class 0 takes the only place
    expect(topKError(scores, labels([1]), 2)).toBe(0);
    expect(topKError(scores, labels([2]), 2)).toBe(1);
  });

  it('names itself top5_error and accumulates', () => {
    const m = new TopKError(5);
    expect(m.name).toBe('top5_error');
    m.update(tensor([[0, 1, 2, 3, 4, 5]]), labels([0]));
    m.update(tensor([[0, 1, 2, 3, 4, 5]]), labels([5]));
    expect(m.compute()).toBe(0.5);
  });
});

describe('confusion matrix, precision, recall, F1', () => {
  // scikit-learn's confusion_matrix example: y_true, y_pred.
  const yTrue = labels([2, 0, 2, 2, 0, 1]);
  const yPred = labels([0, 0, 2, 2, 0, 2]);

  it('rows are the true class, columns the predicted one', () => {
    expect(confusionMatrix(yPred, yTrue)).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
    expect(confusionMatrix(yPred, yTrue, 4)).toEqual([[2, 0, 0, 0], [0, 0, 1, 0], [1, 0, 2, 0], [0, 0, 0, 0]]);
  });

  it('per-class scores and macro averages agree with scikit-learn’s classification_report', () => {
    const r = classificationReport(yPred, yTrue);
    expect(r.support).toEqual([2, 1, 3]);
    [2 / 3, 0, 2 / 3].forEach((v, i) => expect(r.precision[i]).toBeCloseTo(v, 12));
    [1, 0, 2 / 3].forEach((v, i) => expect(r.recall[i]).toBeCloseTo(v, 12));
    [0.8, 0, 2 / 3].forEach((v, i) => expect(r.f1[i]).toBeCloseTo(v, 12));
    expect(r.macro.precision).toBeCloseTo(4 / 9, 12);
    expect(r.macro.recall).toBeCloseTo(5 / 9, 12);
    expect(r.macro.f1).toBeCloseTo((0.8 + 2 / 3) / 3, 12);
  });

  it('metric classes average macro, weighted, micro, or score one class', () => {
    const score = (m: Precision | Recall | F1Score): number => {
      m.update(yPred.slice([0], [3]), yTrue.slice([0], [3]));
      m.update(yPred.slice([3], [6]), yTrue.slice([3], [6]));
      return m.compute();
    };
    expect(score(new Precision())).toBeCloseTo(4 / 9, 12);
    expect(score(new Recall({ average: 'weighted' }))).toBeCloseTo((2 * 1 + 1 * 0 + 3 * (2 / 3)) / 6, 12);
    expect(score(new F1Score({ average: 'micro' }))).toBeCloseTo(4 / 6, 12);
    expect(score(new F1Score({ positiveClass: 0 }))).toBeCloseTo(0.8, 12);
    expect(new F1Score().name).toBe('f1');
  });

  it('classes absent from target and prediction stay out of the macro average', () => {
    const m = new Precision({ numClasses: 5 });
    m.update(labels([0, 1]), labels([0, 1]));
    expect(m.compute()).toBe(1);
  });

  it('takes the number of classes from the scores', () => {
    const matrix = new ConfusionMatrix();
    matrix.update(tensor([[0.9, 0.1, 0]]), labels([0]));
    expect(matrix.numClasses).toBe(3);
    expect(matrix.accuracy()).toBe(1);
  });
});

describe('classification metric errors', () => {
  it('targets must be class indices in range', () => {
    expect(() => accuracy(randn([2, 3]), labels([0, 3]))).toThrow('accuracy: target must hold class indices (integers in [0, 3)), got 3 at flat index 1');
    expect(() => accuracy(labels([0, 1]), tensor([0, 1.5]))).toThrow(/got 1.5 at flat index 1/);
    expect(() => accuracy(tensor([0.2, 0.9]), labels([0, 2]))).toThrow(/integers in \[0, 2\)\), got 2/);
  });

  it('an output that fits the target neither way is an error naming both shapes', () => {
    expect(() => accuracy(randn([4, 3]), labels([0, 1, 2]))).toThrow(
      'accuracy: output [4,3] does not fit target [3]: expected scores [N, C, ...] for labels [N, ...], or an output of the target\'s shape',
    );
  });

  it('top-k needs scores and k within the classes', () => {
    expect(() => topKError(randn([2, 3]), labels([0, 1]), 4)).toThrow('topKError: k must be at most the number of classes C=3, got 4');
    expect(() => topKError(randn([2]), labels([0, 1]), 1)).toThrow(/topKError: needs class scores: output \[N, C, \.\.\.\] for target \[N, \.\.\.\], got output \[2\] and target \[2\]/);
    expect(() => new TopKError(0)).toThrow('topKError: k must be a positive integer, got 0');
  });

  it('a fixed number of classes refuses larger labels; bad options are named', () => {
    expect(() => confusionMatrix(labels([0, 3]), labels([0, 1]), 3)).toThrow('confusionMatrix: label 3 is outside the numClasses=3 classes');
    expect(() => confusionMatrix(randn([2, 4]), labels([0, 1]), 3)).toThrow('confusionMatrix: the output has 4 classes, but numClasses is 3');
    expect(() => new Precision({ average: 'median' as never })).toThrow("precision: average must be 'macro', 'micro' or 'weighted', got 'median'");
    expect(() => accuracy(tensor([0.5]), labels([1]), { threshold: NaN })).toThrow('accuracy: threshold must be a number, got NaN');
  });
});
