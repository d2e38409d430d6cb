import { describe, expect, it } from 'vitest';
import { localResponseNorm, lrnGrad, manualSeed, randn, type LRNAttrs } from '@nn/tensor';
import '@nn/backend-cpu';

/** F.local_response_norm in float64, straight from its formula. */
function naiveLrn(x: ArrayLike<number>, shape: number[], a: LRNAttrs): Float64Array {
  const [n, c] = shape;
  const inner = x.length / (n * c);
  const out = new Float64Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let src = ch - Math.floor(a.size / 2); src <= ch + Math.floor((a.size - 1) / 2); src++) {
          if (src < 0 || src >= c) continue;
          const v = x[(b * c + src) * inner + i];
          sum += v * v;
        }
        const at = (b * c + ch) * inner + i;
        out[at] = x[at] / Math.pow(a.k + (a.alpha / a.size) * sum, a.beta);
      }
    }
  }
  return out;
}

const cases: { shape: number[]; attrs: LRNAttrs }[] = [
  { shape: [2, 6, 3, 3], attrs: { size: 5, alpha: 1e-4, beta: 0.75, k: 2 } },
  { shape: [2, 6, 3, 3], attrs: { size: 3, alpha: 0.5, beta: 0.75, k: 2 } },
  { shape: [1, 7, 4], attrs: { size: 4, alpha: 0.8, beta: 0.6, k: 1 } }, // even size: lopsided window, 3-D input
  { shape: [2, 3, 2, 2, 3], attrs: { size: 2, alpha: 1.5, beta: 1.2, k: 0.5 } }, // 5-D input
  { shape: [1, 4, 5], attrs: { size: 9, alpha: 1, beta: 0.5, k: 1 } }, // window wider than the channels
  { shape: [2, 5, 3], attrs: { size: 3, alpha: 2, beta: 1, k: 1 } },
];

describe('LRN kernel', () => {
  for (const { shape, attrs } of cases) {
    it(`matches the formula: ${JSON.stringify(shape)} ${JSON.stringify(attrs)}`, () => {
      manualSeed(21);
      const x = randn(shape);
      const y = localResponseNorm(x, attrs.size, { alpha: attrs.alpha, beta: attrs.beta, k: attrs.k });
      const expected = naiveLrn(x.dataSync(), shape, attrs);
      const got = y.dataSync();
      expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    });
  }
});

describe('LRNGrad kernel', () => {
  for (const { shape, attrs } of cases) {
    it(`matches central differences of the formula: ${JSON.stringify(shape)} ${JSON.stringify(attrs)}`, () => {
      manualSeed(22);
      const x = randn(shape);
      const y = localResponseNorm(x, attrs.size, { alpha: attrs.alpha, beta: attrs.beta, k: attrs.k });
      const dy = randn(shape);
      const dx = lrnGrad(x, y, dy, attrs).dataSync();
      const xs = Float64Array.from(x.dataSync());
      const g = dy.dataSync();
      const h = 1e-6;
      const loss = (values: Float64Array): number => {
        const out = naiveLrn(values, shape, attrs);
        let s = 0;
        for (let i = 0; i < out.length; i++) s += out[i] * g[i];
        return s;
      };
      for (let j = 0; j < xs.length; j++) {
        const keep = xs[j];
        xs[j] = keep + h;
        const up = loss(xs);
        xs[j] = keep - h;
        const down = loss(xs);
        xs[j] = keep;
        expect(dx[j]).toBeCloseTo((up - down) / (2 * h), 4);
      }
    });
  }
});
