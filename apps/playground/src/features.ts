/** The input features of TF Playground: each a function of the point (x1, x2). */
import { FEATURES, type FeatureName } from './config.js';

export const FEATURE_FUNCTIONS: Record<FeatureName, (x1: number, x2: number) => number> = {
  x1: (x1) => x1,
  x2: (_x1, x2) => x2,
  x1sq: (x1) => x1 * x1,
  x2sq: (_x1, x2) => x2 * x2,
  x1x2: (x1, x2) => x1 * x2,
  sinx1: (x1) => Math.sin(x1),
  sinx2: (_x1, x2) => Math.sin(x2),
};

export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'X₁',
  x2: 'X₂',
  x1sq: 'X₁²',
  x2sq: 'X₂²',
  x1x2: 'X₁X₂',
  sinx1: 'sin(X₁)',
  sinx2: 'sin(X₂)',
};

/** The chosen features in the canonical order (the network's input columns follow it). */
export function orderedFeatures(features: readonly FeatureName[]): FeatureName[] {
  return FEATURES.filter((f) => features.includes(f));
}

/** Rows of features for the points xs/ys, row-major [points.length, features.length]. */
export function featureMatrix(xs: ArrayLike<number>, ys: ArrayLike<number>, features: readonly FeatureName[]): Float32Array {
  const chosen = orderedFeatures(features).map((f) => FEATURE_FUNCTIONS[f]);
  const out = new Float32Array(xs.length * chosen.length);
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < chosen.length; j++) out[i * chosen.length + j] = chosen[j](xs[i], ys[i]);
  }
  return out;
}

/** The plane the pictures cover, as TF Playground: [-6, 6]². */
export const DOMAIN = 6;

/** The centres of an n × n grid over the plane, row by row from the top (x2 = +6) down. */
export function gridPoints(n: number): { xs: Float32Array; ys: Float32Array } {
  const xs = new Float32Array(n * n);
  const ys = new Float32Array(n * n);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      xs[row * n + col] = -DOMAIN + ((col + 0.5) * 2 * DOMAIN) / n;
      ys[row * n + col] = DOMAIN - ((row + 0.5) * 2 * DOMAIN) / n;
    }
  }
  return { xs, ys };
}
