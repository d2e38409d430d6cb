import { describe, expect, it } from 'vitest';
import { pairedComparison, standardError } from './significance.js';

describe('standard errors', () => {
  it('of an accuracy: the binomial √(p(1 − p)/n)', () => {
    expect(standardError(0.9, 4500)).toBeCloseTo(Math.sqrt(0.09 / 4500), 12);
    expect(standardError(1, 10)).toBe(0);
    expect(standardError(0.5, 0)).toBe(0);
  });

  it('of a paired difference: only the words the two disagree on count', () => {
    // Truth all 0; a right on 0–7, b right on 0–5 and 8: a alone on 6, 7; b alone on 8.
    const truths = new Array<number>(10).fill(0);
    const a = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const b = [0, 0, 0, 0, 0, 0, 1, 1, 0, 1];
    const c = pairedComparison(truths, a, b);
    expect(c).toMatchObject({ onlyA: 2, onlyB: 1 });
    expect(c.difference).toBeCloseTo(0.1, 12);
    // Per word differences: +1, +1, −1 and seven 0: variance 3/10 − 0.1², over n = 10.
    expect(c.standardError).toBeCloseTo(Math.sqrt((0.3 - 0.01) / 10), 12);
    expect(pairedComparison(truths, a, a)).toMatchObject({ difference: 0, standardError: 0 });
    expect(() => pairedComparison(truths, a, [0])).toThrow(/pairedComparison: 10 truths but 10 and 1 predictions/);
  });
});
