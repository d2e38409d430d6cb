/**
 * tanh rounded to float32, about 2× faster than Math.tanh (a C call in V8, ~15 ns per
 * element; the Playground's heat maps take 160,000 of them a frame) and the same float32
 * result: tanh(x) = m / (m + 2) with m = e^{2x} − 1, where e^{2x} = 2^n · e^r, |r| ≤ ln2/2,
 * and e^r − 1 is its Taylor series to r^11 (error below 1e-13, far under float32's half ulp).
 * Writing m as 2^n·(e^r − 1) + (2^n − 1) keeps it exact near zero, where n = 0.
 */

/** 2^(i − 32): the scale 2^n for n in [−27, 27] (|2x| ≤ 18.2), read at n + 32. */
const POW2 = Float64Array.from({ length: 64 }, (_, i) => 2 ** (i - 32));
const INV_LN2 = 1 / Math.LN2;
const [C2, C3, C4, C5, C6, C7, C8, C9, C10, C11] = [2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800, 39916800].map((f) => 1 / f);
/** tanh(9.1) already rounds to 1 in float32; clamping there keeps n in the table. */
const CLAMP = 9.1;

export function tanhFloat32(x: ArrayLike<number>, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const c = v > CLAMP ? CLAMP : v < -CLAMP ? -CLAMP : v;
    const y = c + c;
    // n + 32 = round(y / ln2) + 32, by truncating a positive number (Math.round is slower);
    // NaN gives index 0, a valid entry, and r carries the NaN on.
    const index = (y * INV_LN2 + 32.5) | 0;
    const r = y - (index - 32) * Math.LN2;
    // Estrin's scheme: short dependency chains, so consecutive elements overlap.
    const r2 = r * r;
    const r4 = r2 * r2;
    const r8 = r4 * r4;
    const p = r * (1 + r * C2 + r2 * (C3 + r * C4) + r4 * (C5 + r * C6 + r2 * (C7 + r * C8)) + r8 * (C9 + r * C10 + r2 * C11));
    const s = POW2[index];
    const m = s * p + (s - 1);
    out[i] = v === 0 ? v : m / (m + 2); // keeps −0
  }
}
