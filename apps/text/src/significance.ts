/**
 * How sure a test accuracy and a margin are. An accuracy over n test words has the binomial
 * standard error √(p(1 − p)/n). Two classifiers scored on the same words are compared
 * paired (McNemar): only the words one gets right and the other wrong tell them apart, so
 * the difference's standard error is that of the paired differences, smaller than the two
 * accuracies' errors added.
 */
export function standardError(accuracy: number, n: number): number {
  return n === 0 ? 0 : Math.sqrt((accuracy * (1 - accuracy)) / n);
}

export interface PairedComparison {
  /** Accuracy of a minus accuracy of b. */
  difference: number;
  /** Standard error of that difference over the words. */
  standardError: number;
  /** Words a got right and b wrong, and the other way round. */
  onlyA: number;
  onlyB: number;
}

export function pairedComparison(truths: readonly number[], a: readonly number[], b: readonly number[]): PairedComparison {
  const n = truths.length;
  if (a.length !== n || b.length !== n) throw new Error(`pairedComparison: ${n} truths but ${a.length} and ${b.length} predictions`);
  let onlyA = 0;
  let onlyB = 0;
  truths.forEach((t, i) => {
    if (a[i] === t && b[i] !== t) onlyA++;
    if (b[i] === t && a[i] !== t) onlyB++;
  });
  if (n === 0) return { difference: 0, standardError: 0, onlyA, onlyB };
  const difference = (onlyA - onlyB) / n;
  // Per word the difference is +1, −1 or 0; the variance of its mean.
  const variance = ((onlyA + onlyB) / n - difference * difference) / n;
  return { difference, standardError: Math.sqrt(Math.max(variance, 0)), onlyA, onlyB };
}
