/**
 * Column encoders, fitted on the training split only and then applied unchanged to
 * validation, test and prediction data (fitting on all rows would leak the test set's
 * statistics into training). Each is a small value object whose fields are its JSON form.
 */

export type NumberScaling = 'standard' | 'minmax' | 'none';
export type NumberImpute = 'median' | 'mean' | 'zero';
export type CategoryEncoding = 'onehot' | 'index';
export type CategoryImpute = 'mostFrequent' | 'missingCategory';
export type TargetStep = 'log1p' | 'standard' | 'minmax';

/** The category that missing cells become under the 'missingCategory' imputation. */
export const MISSING_CATEGORY = '__missing__';

/**
 * y = (x - shift) / scale. 'standard': shift = mean, scale = population standard deviation
 * (as sklearn's StandardScaler); 'minmax': shift = min, scale = max - min, so training
 * values land in [0, 1]; 'none': 0 and 1. A constant column gets scale 1, not a division by 0.
 */
export class Scaler {
  constructor(
    readonly kind: NumberScaling,
    readonly shift: number,
    readonly scale: number,
  ) {}

  /** Fits on values without NaN (impute first). */
  static fit(kind: NumberScaling, values: ArrayLike<number>): Scaler {
    const n = values.length;
    if (kind === 'none' || n === 0) return new Scaler(kind, 0, 1);
    if (kind === 'minmax') {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
      }
      return new Scaler(kind, min, max > min ? max - min : 1);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i];
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
    const std = Math.sqrt(squares / n);
    return new Scaler(kind, mean, std > 0 ? std : 1);
  }

  transform(x: number): number {
    return (x - this.shift) / this.scale;
  }

  inverse(y: number): number {
    return y * this.scale + this.shift;
  }
}

/** The value a missing number becomes: the training median or mean, or 0 (also 0 if the column had no values). */
export function fitNumberFill(strategy: NumberImpute, present: readonly number[]): number {
  if (strategy === 'zero' || present.length === 0) return 0;
  if (strategy === 'mean') return present.reduce((a, b) => a + b, 0) / present.length;
  const sorted = [...present].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Categories in a fixed (code-unit) order, so that a refit on the same rows gives the same
 * columns whatever the locale. Unseen categories have a fallback rather than an error, as a
 * new house may well be in a neighbourhood the training split never saw:
 *   'onehot': one column per training category; an unseen one is all zeros.
 *   'index':  one column holding 1..K for the training categories; 0 is reserved for unseen.
 */
export class CategoryEncoder {
  private readonly lookup: Map<string, number>;

  constructor(
    readonly encoding: CategoryEncoding,
    readonly categories: readonly string[],
  ) {
    this.lookup = new Map(categories.map((c, k) => [c, k]));
  }

  static fit(encoding: CategoryEncoding, values: readonly string[]): CategoryEncoder {
    return new CategoryEncoder(encoding, [...new Set(values)].sort(byCodeUnits));
  }

  /** Columns this encoder writes. */
  get width(): number {
    return this.encoding === 'onehot' ? this.categories.length : 1;
  }

  /** The category's position among the training categories, or -1 if unseen. */
  indexOf(category: string): number {
    return this.lookup.get(category) ?? -1;
  }

  /** Writes the encoding of `category` at out[offset ...]. */
  encode(category: string, out: Float32Array, offset: number): void {
    const k = this.indexOf(category);
    if (this.encoding === 'index') {
      out[offset] = k + 1;
      return;
    }
    out.fill(0, offset, offset + this.categories.length);
    if (k >= 0) out[offset + k] = 1;
  }

  /** Names of the columns written, e.g. ['Street=Grvl', 'Street=Pave']. */
  featureNames(column: string): string[] {
    return this.encoding === 'onehot' ? this.categories.map((c) => `${column}=${c}`) : [column];
  }
}

/** The value a missing category becomes: the most frequent training category (ties: first in order), or MISSING_CATEGORY. */
export function fitCategoryFill(strategy: CategoryImpute, present: readonly string[]): string {
  if (strategy === 'missingCategory' || present.length === 0) return MISSING_CATEGORY;
  const counts = new Map<string, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = '';
  let bestCount = -1;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && byCodeUnits(value, best) < 0)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** One fitted step of a target transform. */
export interface TargetStepState {
  kind: TargetStep;
  /** For 'standard' and 'minmax': y = (x - shift) / scale. */
  shift?: number;
  scale?: number;
}

/**
 * A chain of invertible transforms of the target, fitted on the training targets:
 * ['log1p', 'standard'] trains on standardised log-prices, and `inverse` turns the model's
 * outputs back into prices (expm1 of the de-standardised value).
 */
export class TargetTransform {
  constructor(readonly steps: readonly TargetStepState[]) {}

  /** Fits the chain on the training targets; `where(i)` names row i for errors. */
  static fit(kinds: readonly TargetStep[], values: ArrayLike<number>, where: (i: number) => string): TargetTransform {
    let current = Float64Array.from(values);
    const steps: TargetStepState[] = [];
    for (const kind of kinds) {
      if (kind === 'log1p') {
        current.forEach((v, i) => {
          if (!(v > -1)) throw new Error(`${where(i)}: target value ${v} is outside the domain of log1p, which needs values > -1`);
        });
        steps.push({ kind });
      } else if (kind === 'standard' || kind === 'minmax') {
        const s = Scaler.fit(kind, current);
        steps.push({ kind, shift: s.shift, scale: s.scale });
      } else {
        throw new Error(`targetTransform: unknown step '${String(kind)}', expected 'log1p', 'standard' or 'minmax'`);
      }
      current = current.map((v) => applyStep(steps[steps.length - 1], v));
    }
    return new TargetTransform(steps);
  }

  /** The transformed target (what the model learns). */
  forward(value: number): number {
    let v = value;
    for (const step of this.steps) v = applyStep(step, v);
    return v;
  }

  /** Model output back to the target's own units. */
  inverse(value: number): number {
    let v = value;
    for (let k = this.steps.length - 1; k >= 0; k--) {
      const step = this.steps[k];
      v = step.kind === 'log1p' ? Math.expm1(v) : v * step.scale! + step.shift!;
    }
    return v;
  }
}

function applyStep(step: TargetStepState, v: number): number {
  return step.kind === 'log1p' ? Math.log1p(v) : (v - step.shift!) / step.scale!;
}
