import { describe, expect, it } from 'vitest';
import { accuracyOf, charNgrams, NaiveBayes, tuneNaiveBayes } from './naive_bayes.js';

describe('charNgrams', () => {
  it('gives orders 1..n with the ends marked', () => {
    expect(charNgrams('ab', 2)).toEqual(['a', 'b', '^a', 'ab', 'b$']);
  });
});

describe('NaiveBayes', () => {
  it('learns which letters belong to which made-up language', () => {
    // Language 0 writes with x and y, language 1 with q and z.
    const words = ['xyx', 'yxy', 'xxy', 'yyx', 'qzq', 'zqz', 'qqz', 'zzq'];
    const labels = [0, 0, 0, 0, 1, 1, 1, 1];
    const nb = new NaiveBayes(2, { maxN: 2 }).fit(words, labels);
    expect(nb.predict('xyyx')).toBe(0);
    expect(nb.predict('zqqz')).toBe(1);
    const p = nb.predictProba('xy');
    expect(p[0]).toBeGreaterThan(0.9);
    expect(p[0] + p[1]).toBeCloseTo(1, 10);
  });

  it('computes the smoothed scores by hand on a tiny case', () => {
    // Unigrams only: class 0 saw 'a' twice, class 1 saw 'b' once; vocabulary {a, b}, α = 1.
    const nb = new NaiveBayes(2, { maxN: 1 }).fit(['aa', 'b'], [0, 1]);
    const [s0, s1] = nb.logScores('a');
    // P(c) = (1 + 1) / (2 + 2) for both; P(a|0) = (2 + 1) / (2 + 2), P(a|1) = (0 + 1) / (1 + 2).
    expect(s0).toBeCloseTo(Math.log(0.5) + Math.log(3 / 4), 10);
    expect(s1).toBeCloseTo(Math.log(0.5) + Math.log(1 / 3), 10);
    // An n-gram never seen in training changes nothing.
    expect(nb.logScores('a?')).toEqual(nb.logScores('a'));
  });

  it('names a bad label', () => {
    expect(() => new NaiveBayes(2).fit(['a'], [2])).toThrow(/NaiveBayes: label 2 of word 0 is not in \[0, 2\)/);
  });
});

describe('settings and tuning', () => {
  const words = ['xyx', 'yxy', 'xxy', 'yyx', 'qzq', 'zqz', 'qqz', 'zzq', 'xqzy', 'zxyq'];
  const labels = [0, 0, 0, 0, 1, 1, 1, 1, 0, 1];

  it('withSettings reads one fit as a fit with those settings would', () => {
    const full = new NaiveBayes(2, { maxN: 4 }).fit(words, labels);
    for (const [maxN, alpha] of [
      [1, 1],
      [2, 0.1],
      [4, 0.03],
    ]) {
      const alone = new NaiveBayes(2, { maxN, alpha }).fit(words, labels);
      const view = full.withSettings({ maxN, alpha });
      for (const w of ['xyz', 'qq', 'zxyq', 'abc']) view.logScores(w).forEach((s, c) => expect(s).toBeCloseTo(alone.logScores(w)[c], 10));
    }
    expect(() => full.withSettings({ maxN: 5 })).toThrow(/withSettings maxN 5 is above the fitted maxN 4/);
    expect(() => new NaiveBayes(2).logScores('a')).toThrow(/NaiveBayes: logScores before fit/);
  });

  it('tuneNaiveBayes keeps the setting best on the validation words', () => {
    // Language 0 ends its words in "ab", language 1 in "ba", over the same letters: unigrams cannot tell them apart, bigrams with the end mark can.
    const train = { words: ['aab', 'bab', 'abab', 'bbab', 'aba', 'bba', 'baba', 'abba'], labels: [0, 0, 0, 0, 1, 1, 1, 1] };
    const validation = { words: ['aaab', 'bbbab', 'aaba', 'bbba'], labels: [0, 0, 1, 1] };
    const tuned = tuneNaiveBayes(2, train, validation, { orders: [1, 2], alphas: [1] });
    expect(tuned.tried).toEqual({ 'n1 α1': expect.any(Number) as number, 'n2 α1': 1 });
    expect(tuned.tried['n1 α1']).toBeLessThan(1);
    expect(tuned.model.maxN).toBe(2);
    expect(tuned.validationAccuracy).toBe(1);
    expect(accuracyOf(tuned.model, validation)).toBe(1);
  });
});
