import { describe, expect, it } from 'vitest';
import { manualSeed, randn, resizeBilinearGrad, resizeNearestGrad, tensor, upsample, upsampleAttrs, type UpsampleOptions } from '@nn/tensor';
import '@nn/backend-cpu';

/** Nearest resize from explicit source indices per output row and column. */
function naiveNearest(x: ArrayLike<number>, shape: number[], rows: number[], cols: number[]): number[] {
  const [n, c, h, w] = shape;
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) for (const r of rows) for (const q of cols) out.push(x[p * h * w + r * w + q]);
  return out;
}

/** Bilinear resize in float64 from PyTorch's source-index definition. */
function naiveBilinear(x: ArrayLike<number>, shape: number[], oh: number, ow: number, alignCorners: boolean): number[] {
  const [n, c, h, w] = shape;
  const source = (d: number, inSize: number, outSize: number): [number, number, number] => {
    let s: number;
    if (alignCorners) s = outSize > 1 ? (d * (inSize - 1)) / (outSize - 1) : 0;
    else s = Math.max(0, ((d + 0.5) * inSize) / outSize - 0.5);
    const lo = Math.min(Math.floor(s), inSize - 1);
    return [lo, Math.min(lo + 1, inSize - 1), s - lo];
  };
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      const [y0, y1, fy] = source(i, h, oh);
      for (let j = 0; j < ow; j++) {
        const [z0, z1, fz] = source(j, w, ow);
        const at = (y: number, z: number): number => x[p * h * w + y * w + z];
        out.push((1 - fy) * ((1 - fz) * at(y0, z0) + fz * at(y0, z1)) + fy * ((1 - fz) * at(y1, z0) + fz * at(y1, z1)));
      }
    }
  }
  return out;
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('ResizeNearest kernel', () => {
  it('repeats each pixel for an integer scale factor', () => {
    const x = tensor([[[[1, 2], [3, 4]]]]);
    expect(upsample(x, { scaleFactor: 2 }).toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  });

  it('takes floor(dst * in/out) for a given size, up and down', () => {
    manualSeed(1);
    const x = randn([2, 3, 5, 7]);
    for (const [oh, ow] of [[8, 3], [11, 13], [2, 7], [5, 20]]) {
      const y = upsample(x, { size: [oh, ow] });
      const rows = range(oh, (i) => Math.floor((i * 5) / oh));
      const cols = range(ow, (j) => Math.floor((j * 7) / ow));
      expect(Array.from(y.dataSync())).toEqual(naiveNearest(x.dataSync(), x.shape as number[], rows, cols));
    }
  });

  it('uses 1/scaleFactor, not in/out, when a scale factor is given (as PyTorch)', () => {
    // 5 * 1.7 -> 8 outputs; output 5 reads floor(5/1.7) = 2, where 5 * 5/8 would give 3.
    const x = tensor([[[[0, 1, 2, 3, 4]]]]);
    expect(upsample(x, { scaleFactor: [1, 1.7] }).toArray()).toEqual([[[[0, 0, 1, 1, 2, 2, 3, 4]]]]);
  });

  it('ResizeNearestGrad is the adjoint of the forward', () => {
    manualSeed(2);
    for (const options of [{ size: [7, 4] }, { scaleFactor: 2 }, { scaleFactor: [0.6, 1.7] }] as UpsampleOptions[]) {
      const x = randn([2, 2, 5, 6]);
      const y = upsample(x, options);
      const dy = randn(y.shape);
      const dx = resizeNearestGrad(dy, x.shape, upsampleAttrs('upsample', x.shape, options));
      expect(dx.shape).toEqual(x.shape);
      expect(dot(dx.dataSync(), x.dataSync())).toBeCloseTo(dot(dy.dataSync(), y.dataSync()), 4);
    }
  });
});

describe('ResizeBilinear kernel', () => {
  it('gives PyTorch values for 2x2 -> 4x4, with and without alignCorners', () => {
    const x = tensor([[[[1, 2], [3, 4]]]]);
    expect(upsample(x, { size: 4, mode: 'bilinear' }).toArray()).toEqual([
      [[[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]],
    ]);
    const aligned = upsample(x, { size: 4, mode: 'bilinear', alignCorners: true }).dataSync();
    const expected = [1, 4 / 3, 5 / 3, 2, 5 / 3, 2, 7 / 3, 8 / 3, 7 / 3, 8 / 3, 3, 10 / 3, 3, 10 / 3, 11 / 3, 4];
    expected.forEach((v, i) => expect(aligned[i]).toBeCloseTo(v, 6));
  });

  for (const alignCorners of [false, true]) {
    it(`matches a float64 loop for sizes up and down (alignCorners ${alignCorners})`, () => {
      manualSeed(3);
      const x = randn([2, 3, 5, 7]);
      for (const [oh, ow] of [[9, 3], [11, 13], [1, 7], [5, 1], [3, 20]]) {
        const y = upsample(x, { size: [oh, ow], mode: 'bilinear', alignCorners });
        const expected = naiveBilinear(x.dataSync(), x.shape as number[], oh, ow, alignCorners);
        const got = y.dataSync();
        expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      }
    });

    it(`ResizeBilinearGrad is the adjoint of the forward (alignCorners ${alignCorners})`, () => {
      manualSeed(4);
      for (const size of [[9, 3], [4, 4], [1, 11]] as [number, number][]) {
        const x = randn([2, 2, 4, 6]);
        const options: UpsampleOptions = { size, mode: 'bilinear', alignCorners };
        const y = upsample(x, options);
        const dy = randn(y.shape);
        const dx = resizeBilinearGrad(dy, x.shape, upsampleAttrs('upsample', x.shape, options));
        expect(dot(dx.dataSync(), x.dataSync())).toBeCloseTo(dot(dy.dataSync(), y.dataSync()), 4);
      }
    });
  }
});

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
