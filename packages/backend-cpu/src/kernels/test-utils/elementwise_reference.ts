/**
 * Test helpers for the elementwise kernels: random broadcastable shapes, inputs that mix
 * awkward values (±0, ±Infinity, NaN, exact halves) with random ones, a naive broadcast
 * reference that maps every output index back to each operand, and an erfc computed a
 * different way from the kernel's (series and continued fraction, summed to convergence).
 */
import { makeRng, randInt, ravel, sizeOf, unravel } from './nd_reference.js';

export { makeRng, randInt, sizeOf };

export const SPECIAL_VALUES = [0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1e-7, -1e-7, 30, -30, 100, -100, Infinity, -Infinity, NaN];

/** Float32 values: the special ones first (while they fit), then uniform in [-scale, scale). */
export function mixedValues(rng: () => number, size: number, scale = 6): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = i < SPECIAL_VALUES.length && rng() < 0.7 ? SPECIAL_VALUES[i] : (rng() * 2 - 1) * scale;
  return out;
}

export function randomInts(rng: () => number, size: number, lo = -20, hi = 20): Int32Array {
  return Int32Array.from({ length: size }, () => randInt(rng, lo, hi));
}

/**
 * `count` operand shapes that broadcast together (each drops some leading axes of a random
 * shape of rank 0..4, dims 1..5 and now and then 0, and sets some others to 1), and the
 * shape they broadcast to.
 */
export function broadcastShapes(rng: () => number, count: number): { out: number[]; operands: number[][] } {
  const rank = randInt(rng, 0, 4);
  const base = Array.from({ length: rank }, () => (rng() < 0.04 ? 0 : rng() < 0.2 ? 1 : randInt(rng, 2, 5)));
  const operands = Array.from({ length: count }, () => base.slice(randInt(rng, 0, rank)).map((d) => (rng() < 0.3 ? 1 : d)));
  const outRank = Math.max(...operands.map((s) => s.length));
  const out = Array.from({ length: outRank }, (_, i) => {
    const dims = operands.map((s) => s[s.length - outRank + i] ?? 1);
    return dims.find((d) => d !== 1) ?? 1;
  });
  return { out, operands };
}

/** Index into an operand of shape `shape` for output multi-index `index` (broadcast rules). */
function operandIndex(index: readonly number[], shape: readonly number[]): number {
  const offset = index.length - shape.length;
  return ravel(
    shape.map((d, i) => (d === 1 ? 0 : index[offset + i])),
    shape,
  );
}

/** out[i] = fn(operands at i) for every output element, by explicit index arithmetic. */
export function referenceBroadcast(
  outShape: readonly number[],
  operands: { shape: readonly number[]; values: ArrayLike<number> }[],
  fn: (...args: number[]) => number,
): number[] {
  const out: number[] = [];
  for (let flat = 0; flat < sizeOf(outShape); flat++) {
    const index = unravel(flat, outShape);
    out.push(fn(...operands.map((op) => op.values[operandIndex(index, op.shape)])));
  }
  return out;
}

/** Equal as float32 within `rtol` relative (plus `atol`), with NaN equal to NaN and infinities exact. */
export function close(actual: number, expected: number, rtol = 1e-6, atol = 1e-30): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/** The first index where `actual` and `expected` differ, with both values, or null. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol?: number, atol?: number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], rtol, atol)) return `at ${i}: got ${actual[i]}, expected ${expected[i]}`;
  }
  return null;
}

/**
 * erfc by a route independent of the kernel: the Maclaurin series of erf for |x| < 2 (in
 * double, terms up to e^4 in size, so about 14 good digits) and Laplace's continued fraction
 * erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) beyond, evaluated
 * backward from 200 levels.
 */
export function referenceErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - referenceErfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = x;
  for (let k = 200; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}
