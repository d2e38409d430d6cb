import { describe, expect, it } from 'vitest';
import { adaptiveMaxPool2d, manualSeed, maxPool2d, maxPool2dGrad, randn, tensor } from '@nn/tensor';
import '@nn/backend-cpu';

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

/** PyTorch's output length, written out independently of the op's helper. */
function outLength(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/** Naive max pooling: every kernel tap, in row-major order, first maximum wins. */
function naiveMaxPool(x: Float32Array, c: Case): { values: number[]; indices: number[]; outShape: number[] } {
  const [n, ch, h, w] = c.shape;
  const oh = outLength(h, c.kernel[0], c.stride[0], c.padding[0], c.dilation[0], c.ceilMode);
  const ow = outLength(w, c.kernel[1], c.stride[1], c.padding[1], c.dilation[1], c.ceilMode);
  const values: number[] = [];
  const indices: number[] = [];
  for (let p = 0; p < n * ch; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = -Infinity;
        let at = -1;
        for (let ki = 0; ki < c.kernel[0]; ki++) {
          for (let kj = 0; kj < c.kernel[1]; kj++) {
            const y = i * c.stride[0] - c.padding[0] + ki * c.dilation[0];
            const xx = j * c.stride[1] - c.padding[1] + kj * c.dilation[1];
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            const v = x[p * h * w + y * w + xx];
            if (at < 0 || v > best) {
              best = v;
              at = y * w + xx;
            }
          }
        }
        values.push(best);
        indices.push(at);
      }
    }
  }
  return { values, indices, outShape: [n, ch, oh, ow] };
}

const cases: Case[] = [
  { shape: [2, 3, 7, 9], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false },
  { shape: [2, 3, 7, 9], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: true },
  { shape: [1, 2, 11, 8], kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: false },
  { shape: [1, 2, 11, 8], kernel: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [1, 1], ceilMode: true },
  { shape: [2, 1, 10, 13], kernel: [3, 3], stride: [1, 2], padding: [1, 0], dilation: [2, 3], ceilMode: false },
  { shape: [1, 1, 5, 5], kernel: [5, 5], stride: [1, 1], padding: [2, 2], dilation: [1, 1], ceilMode: true },
  { shape: [3, 2, 6, 7], kernel: [4, 3], stride: [3, 1], padding: [2, 1], dilation: [1, 2], ceilMode: true },
];

describe('MaxPool2D kernel', () => {
  for (const c of cases) {
    it(`matches a naive loop: ${JSON.stringify(c)}`, () => {
      manualSeed(7);
      const x = randn(c.shape);
      const { values, indices } = maxPool2d(x, c.kernel, {
        stride: c.stride,
        padding: c.padding,
        dilation: c.dilation,
        ceilMode: c.ceilMode,
        returnIndices: true,
      });
      const expected = naiveMaxPool(x.dataSync() as Float32Array, c);
      expect(values.shape).toEqual(expected.outShape);
      expect(indices.dtype).toBe('int32');
      expect(Array.from(values.dataSync())).toEqual(expected.values.map(Math.fround));
      expect(Array.from(indices.dataSync())).toEqual(expected.indices);
    });
  }

  it('keeps the first maximum on ties and propagates NaN', () => {
    const x = tensor([[[[1, 1, 2, 2], [1, 1, 2, 2], [NaN, 0, 5, 5], [0, 0, 5, 5]]]]);
    const { values, indices } = maxPool2d(x, 2, { returnIndices: true });
    expect(indices.toArray()).toEqual([[[[0, 2], [8, 10]]]]);
    expect(values.dataSync()[2]).toBeNaN();
  });

  it('picks the same tap as PyTorch on 2×2 windows full of ties, NaNs and infinities (branch-free path)', () => {
    const pool = [0, 1, 1, -1, NaN, Infinity, -Infinity, -0, 2];
    let state = 3;
    const pick = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return pool[state % pool.length];
    };
    const shape: [number, number, number, number] = [2, 3, 8, 9];
    const data = Float32Array.from({ length: 2 * 3 * 8 * 9 }, pick);
    const { values, indices } = maxPool2d(tensor(data, shape), 2, { returnIndices: true });
    const expectedValues: number[] = [];
    const expectedIndices: number[] = [];
    for (let plane = 0; plane < 6; plane++) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          let best = -Infinity;
          let at = -1;
          for (const [dh, dw] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
            const index = (2 * i + dh) * 9 + 2 * j + dw;
            const v = data[plane * 72 + index];
            // PyTorch's rule: (val > maxval) || isnan(val)
            if (at < 0 || v > best || Number.isNaN(v)) {
              best = v;
              at = index;
            }
          }
          expectedValues.push(best);
          expectedIndices.push(at);
        }
      }
    }
    expect(Array.from(indices.dataSync())).toEqual(expectedIndices);
    expect(Array.from(values.dataSync())).toEqual(expectedValues);
  });

  it('treats padding as -infinity, not zero', () => {
    const x = tensor([[[[-3, -2], [-1, -4]]]]);
    const y = maxPool2d(x, 2, { stride: 1, padding: 1 });
    expect(y.toArray()).toEqual([[[[-3, -2, -2], [-1, -1, -2], [-1, -1, -4]]]]);
  });
});

describe('MaxPool2DGrad kernel', () => {
  it('is the adjoint of gathering at the indices (overlapping windows accumulate)', () => {
    manualSeed(11);
    const x = randn([2, 3, 9, 8]);
    const { values, indices } = maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true });
    const dy = randn(values.shape);
    const dx = maxPool2dGrad(dy, indices, x.shape);
    expect(dx.shape).toEqual(x.shape);
    // <dy, gather(x)> = <scatter(dy), x>, and gather(x) is the pooled output.
    const lhs = dot(dy.dataSync(), values.dataSync());
    const rhs = dot(dx.dataSync(), x.dataSync());
    expect(rhs).toBeCloseTo(lhs, 4);
  });

  it('sends each gradient to its window maximum', () => {
    const x = tensor([[[[1, 5, 0], [2, 3, 4], [9, 0, 1]]]]);
    const { indices } = maxPool2d(x, 2, { stride: 1, returnIndices: true });
    const dx = maxPool2dGrad(tensor([[[[1, 10], [100, 1000]]]]), indices, x.shape);
    // Windows' maxima: 5 (twice: top-left and top-right), 9, 4.
    expect(dx.toArray()).toEqual([[[[0, 11, 0], [0, 0, 1000], [100, 0, 0]]]]);
  });

  it('serves adaptiveMaxPool2d', () => {
    manualSeed(5);
    const x = randn([2, 2, 7, 5]);
    const { values, indices } = adaptiveMaxPool2d(x, [3, 4], { returnIndices: true });
    const dy = randn(values.shape);
    const dx = maxPool2dGrad(dy, indices, x.shape);
    expect(dot(dx.dataSync(), x.dataSync())).toBeCloseTo(dot(dy.dataSync(), values.dataSync()), 4);
  });
});

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
