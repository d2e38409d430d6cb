import { describe, expect, it } from 'vitest';
import { avgPool2d, avgPool2dAttrs, avgPool2dGrad, manualSeed, randn, tensor, type AvgPool2DOptions } from '@nn/tensor';
import '@nn/backend-cpu';

/**
 * Naive average pooling from PyTorch's definition: sum the taps inside the image; divide by
 * divisorOverride, or (countIncludePad) by the taps inside the padded input [-p, n+p), or
 * by the taps inside the image. A window with no tap in the image gives 0.
 */
function naiveAvgPool(x: Float32Array, shape: number[], o: Required<Omit<AvgPool2DOptions, 'divisorOverride'>> & { kernelSize: readonly number[]; divisorOverride: number | null }) {
  const [n, c, h, w] = shape;
  const [kh, kw] = o.kernelSize as [number, number];
  const [sh, sw] = o.stride as [number, number];
  const [ph, pw] = o.padding as [number, number];
  const len = (size: number, k: number, s: number, p: number): number => {
    let out = (o.ceilMode ? Math.ceil((size + 2 * p - k) / s) : Math.floor((size + 2 * p - k) / s)) + 1;
    if (o.ceilMode && (out - 1) * s >= size + p) out--;
    return out;
  };
  const oh = len(h, kh, sh, ph);
  const ow = len(w, kw, sw, pw);
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let sum = 0;
        let inImage = 0;
        let inPadded = 0;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const y = i * sh - ph + a;
            const z = j * sw - pw + b;
            if (y < h + ph && z < w + pw) inPadded++;
            if (y < 0 || y >= h || z < 0 || z >= w) continue;
            inImage++;
            sum += x[p * h * w + y * w + z];
          }
        }
        const divisor = o.divisorOverride ?? (o.countIncludePad ? inPadded : inImage);
        out.push(inImage === 0 ? 0 : sum / divisor);
      }
    }
  }
  return { values: out, shape: [n, c, oh, ow] };
}

const cases = [
  { shape: [2, 3, 7, 9], kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: false, countIncludePad: true, divisorOverride: null },
  { shape: [2, 3, 7, 9], kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true, countIncludePad: true, divisorOverride: null },
  { shape: [1, 2, 7, 7], kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: false, countIncludePad: true, divisorOverride: null },
  { shape: [1, 2, 7, 7], kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: false, countIncludePad: false, divisorOverride: null },
  { shape: [1, 2, 8, 6], kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: true, divisorOverride: null },
  { shape: [1, 2, 8, 6], kernelSize: [3, 2], stride: [2, 3], padding: [1, 1], ceilMode: true, countIncludePad: false, divisorOverride: null },
  { shape: [2, 1, 9, 10], kernelSize: [4, 5], stride: [3, 1], padding: [2, 2], ceilMode: true, countIncludePad: true, divisorOverride: null },
  { shape: [2, 1, 9, 10], kernelSize: [3, 3], stride: [2, 2], padding: [1, 0], ceilMode: false, countIncludePad: true, divisorOverride: 5 },
] as const;

describe('AvgPool2D kernel', () => {
  for (const { shape, kernelSize, ...options } of cases) {
    it(`matches a naive loop: ${JSON.stringify({ shape, kernelSize, ...options })}`, () => {
      manualSeed(3);
      const x = randn(shape);
      const y = avgPool2d(x, kernelSize, options);
      const expected = naiveAvgPool(x.dataSync() as Float32Array, [...shape], { kernelSize, ...options });
      expect(y.shape).toEqual(expected.shape);
      const actual = y.dataSync();
      expected.values.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
    });
  }

  it('divides a ceilMode window that runs past the padding by its clipped size', () => {
    // 1x5 input, kernel 2, stride 2, ceil: the last window [4, 6) covers one pixel and the
    // padded input ends at 5, so it divides by 1 even though countIncludePad is set.
    const x = tensor([[[[1, 2, 3, 4, 10]]]]);
    const y = avgPool2d(x, [1, 2], { ceilMode: true });
    expect(y.toArray()).toEqual([[[[1.5, 3.5, 10]]]]);
  });
});

describe('AvgPool2DGrad kernel', () => {
  for (const { shape, kernelSize, ...options } of cases) {
    it(`is the adjoint of the forward: ${JSON.stringify({ kernelSize, ...options })}`, () => {
      manualSeed(9);
      const x = randn(shape);
      const y = avgPool2d(x, kernelSize, options);
      const dy = randn(y.shape);
      const dx = avgPool2dGrad(dy, x.shape, avgPool2dAttrs('avgPool2d', x.shape, kernelSize, options));
      expect(dx.shape).toEqual(x.shape);
      // The pool is linear, so <dy, pool(x)> = <pool^T(dy), x> exactly up to rounding.
      expect(dot(dx.dataSync(), x.dataSync())).toBeCloseTo(dot(dy.dataSync(), y.dataSync()), 4);
    });
  }
});

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
