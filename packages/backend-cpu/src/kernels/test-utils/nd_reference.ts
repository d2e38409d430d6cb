/**
 * Test helpers for the reduction and shape kernels: a seeded generator of random shapes and
 * values, and index arithmetic (ravel/unravel) for naive reference loops that walk the
 * output one multi-index at a time.
 */

/** mulberry32: small, seedable, good enough to pick test cases. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** A shape of `rank` dims in [minDim, maxDim]; size-1 dims are common on purpose. */
export function randomShape(rng: () => number, rank: number, minDim = 1, maxDim = 5): number[] {
  return Array.from({ length: rank }, () => (rng() < 0.25 ? Math.max(1, minDim) : randInt(rng, minDim, maxDim)));
}

/** Float32-representable values in [-scale, scale). */
export function randomValues(rng: () => number, size: number, scale = 3): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + index[i];
  return flat;
}

/** A random permutation of 0..n-1. */
export function randomPerm(rng: () => number, n: number): number[] {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randInt(rng, 0, i);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return perm;
}

/** Every element of `actual` within atol + rtol*|expected| of `expected` (NaN matches NaN). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`element ${i}: got ${a}, expected ${e}`);
  }
}
