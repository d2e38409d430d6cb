import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';
import { formatReport, probabilities, scoreTest } from './report.js';

const classes = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('scoreTest', () => {
  // Four images; scores per class, the true class of each, and where it ranks.
  const logits = tensor(
    [
      [9, 1, 0, 0, 0, 0], // true a: rank 1
      [0, 1, 2, 3, 4, 5], // true a: rank 6 (outside the top 5)
      [3, 2.5, 2, 1, 0, 0], // true c: rank 3
      [0, 0, 0, 8, 0, 0], // true d: rank 1
    ],
    [4, 6],
  );
  const labels = Int32Array.from([0, 0, 2, 3]);

  it('gives top-1 and top-5 error as ILSVRC defines them, and accuracy = 1 - top-1 error', () => {
    const report = scoreTest(logits, labels, classes);
    expect(report.top1Error).toBe(0.5);
    expect(report.top5Error).toBe(0.25);
    expect(report.accuracy).toBe(0.5);
  });

  it('counts confusions (rows true, columns predicted) and scores each class', () => {
    const report = scoreTest(logits, labels, classes);
    expect(report.confusion[0]).toEqual([1, 0, 0, 0, 0, 1]);
    expect(report.confusion[2]).toEqual([1, 0, 0, 0, 0, 0]);
    const a = report.perClass[0];
    expect([a.precision, a.recall, a.support]).toEqual([0.5, 0.5, 2]);
    expect(report.perClass[3]).toMatchObject({ name: 'd', precision: 1, recall: 1 });
  });

  it('lists the mistakes, most confident first', () => {
    const report = scoreTest(logits, labels, classes);
    expect(report.mistakes.map((m) => [m.index, m.actual, m.predicted])).toEqual([
      [1, 0, 5],
      [2, 2, 0],
    ]);
    const p = probabilities(Float32Array.from([0, 1, 2, 3, 4, 5]), 6);
    expect(report.mistakes[0].confidence).toBeCloseTo(p[5], 6);
    expect(report.mistakes[0].confidence).toBeGreaterThan(report.mistakes[1].confidence);
  });

  it('prints the scores and a row per class', () => {
    const text = formatReport(scoreTest(logits, labels, classes), 'test');
    expect(text).toContain('top-1 error  50.00 %');
    expect(text).toContain('top-5 error  25.00 %');
    expect(text.split('\n').filter((l) => /^ {2}[a-f] /.test(l))).toHaveLength(6);
  });
});

describe('probabilities', () => {
  it('is a softmax per row', () => {
    const p = probabilities(Float32Array.from([0, Math.log(3), 1000, 1000]), 2);
    expect(Array.from(p)).toEqual([0.25, 0.75, 0.5, 0.5].map((v) => expect.closeTo(v, 6) as number));
  });
});
