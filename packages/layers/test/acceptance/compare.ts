/** Comparing tensors with a reference, elementwise and as a whole, keeping the worst figures. */
import type { Tensor } from '@nn/tensor';
import { expect } from 'vitest';

export interface Tolerance {
  /** Elementwise: |actual − expected| <= atol + rtol·|expected|. */
  atol: number;
  rtol: number;
  /** As a whole: ‖actual − expected‖₂ <= norm·‖expected‖₂, so that no systematic error hides under atol. */
  norm: number;
  /** At most `fraction` of the entries may miss atol/rtol, each of them still within `atol`. */
  outliers?: { fraction: number; atol: number };
}

interface Figures {
  maxAbs: number;
  /** Largest |actual − expected|/|expected| over entries with |expected| > 1e-3·max|expected|. */
  maxRel: number;
  normRel: number;
  /** Entries that missed atol/rtol (admitted as outliers). */
  outliers: number;
}

const seen = new Map<string, Figures>();

/** Fails with the first offending element named; records the figures under `what`. */
export function compare(actual: Tensor, expected: Tensor, tolerance: Tolerance, what: string): Figures {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.dataSync();
  const b = expected.dataSync();
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let maxAbs = 0;
  let maxRel = 0;
  let diffSquares = 0;
  let refSquares = 0;
  let firstBad = -1;
  let outliers = 0;
  const outlierAtol = tolerance.outliers?.atol ?? -1;
  for (let i = 0; i < b.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(b[i]))) {
      if (diff <= outlierAtol) outliers++;
      else if (firstBad < 0) firstBad = i;
    }
    maxAbs = Math.max(maxAbs, diff);
    if (Math.abs(b[i]) > 1e-3 * scale) maxRel = Math.max(maxRel, diff / Math.abs(b[i]));
    diffSquares += diff * diff;
    refSquares += b[i] * b[i];
  }
  const normRel = refSquares > 0 ? Math.sqrt(diffSquares / refSquares) : Math.sqrt(diffSquares);
  expect(firstBad, `${what}: element ${firstBad} is ${a[firstBad]}, reference ${b[firstBad]} (atol ${tolerance.atol}, rtol ${tolerance.rtol})`).toBe(-1);
  const allowed = Math.floor((tolerance.outliers?.fraction ?? 0) * b.length);
  expect(outliers, `${what}: entries beyond atol ${tolerance.atol} (at most ${allowed} allowed)`).toBeLessThanOrEqual(allowed);
  expect(normRel, `${what}: ‖difference‖/‖reference‖`).toBeLessThanOrEqual(tolerance.norm);
  const figures = { maxAbs, maxRel, normRel, outliers };
  seen.set(what, figures);
  return figures;
}

/** The worst figures of every comparison so far, one line each. */
compare.report = (): string =>
  [...seen].map(([what, f]) => `${what.padEnd(28)} max abs ${f.maxAbs.toExponential(2)}  max rel ${f.maxRel.toExponential(2)}  norm rel ${f.normRel.toExponential(2)}${f.outliers > 0 ? `  outliers ${f.outliers}` : ''}`).join('\n');
