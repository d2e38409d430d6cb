import { describe, expect, it } from 'vitest';
import { col2im, im2col, padPlane, paddedExtent, unpadPlane } from './im2col.js';
import { dot, geometryOf, randomCase, randomValues, seededRandom } from './test-utils/conv_reference.js';

describe('im2col / col2im', () => {
  it('fills each column with its patch (zeros in the padding), tile by tile, and col2im is its adjoint', () => {
    const random = seededRandom(4);
    for (let trial = 0; trial < 200; trial++) {
      const c = randomCase(random);
      const g = geometryOf(c);
      const image = randomValues(random, g.groupIn * g.inArea);
      const tile = 1 + Math.floor(random() * g.outArea);
      for (let p0 = 0; p0 < g.outArea; p0 += tile) {
        const count = Math.min(tile, g.outArea - p0);
        const col = new Float32Array(g.patchSize * count).fill(NaN);
        im2col(image, 0, g, p0, count, col);
        for (let row = 0; row < g.patchSize; row++) {
          const channel = Math.floor(row / (g.kH * g.kW));
          const ki = Math.floor(row / g.kW) % g.kH;
          const kj = row % g.kW;
          for (let q = 0; q < count; q++) {
            const oh = Math.floor((p0 + q) / g.outW);
            const ow = (p0 + q) % g.outW;
            const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
            const iw = ow * g.strideW - g.padLeft + kj * g.dilationW;
            const inside = ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW;
            const expected = inside ? image[channel * g.inArea + ih * g.inW + iw] : 0;
            if (col[row * count + q] !== expected) throw new Error(`${JSON.stringify(c)} tile ${p0}+${count}: col[${row}, ${q}] = ${col[row * count + q]}, expected ${expected}`);
          }
        }
        // <im2col(x), d> == <x, col2im(d)>
        const d = randomValues(random, col.length);
        const back = new Float32Array(image.length);
        col2im(d, g, p0, count, back, 0);
        const lhs = dot(col, d);
        expect(Math.abs(lhs - dot(image, back))).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
      }
    }
  });

  it('writes whole-row tiles of several images side by side (ldcol, colOffset), and col2im reads them back the same way', () => {
    const random = seededRandom(9);
    for (let trial = 0; trial < 100; trial++) {
      const g = geometryOf(randomCase(random));
      const images = 3;
      const width = images * g.outArea;
      const x = randomValues(random, images * g.groupIn * g.inArea);
      const col = new Float32Array(g.patchSize * width).fill(NaN);
      for (let t = 0; t < images; t++) im2col(x, t * g.groupIn * g.inArea, g, 0, g.outArea, col, width, t * g.outArea);
      for (let t = 0; t < images; t++) {
        // Each image's block must equal its own im2col (which the test above checks pixel by pixel).
        const alone = new Float32Array(g.patchSize * g.outArea);
        im2col(x, t * g.groupIn * g.inArea, g, 0, g.outArea, alone);
        for (let row = 0; row < g.patchSize; row++) {
          for (let q = 0; q < g.outArea; q++) {
            if (col[row * width + t * g.outArea + q] !== alone[row * g.outArea + q]) throw new Error(`image ${t}: col[${row}, ${q}] differs`);
          }
        }
      }
      // Adjointness over all images together.
      const d = randomValues(random, col.length);
      const back = new Float32Array(x.length);
      for (let t = 0; t < images; t++) col2im(d, g, 0, g.outArea, back, t * g.groupIn * g.inArea, width, t * g.outArea);
      const lhs = dot(col, d);
      expect(Math.abs(lhs - dot(x, back))).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    }
  });

  it('pads a plane into the extent the taps read, and adds it back without the border', () => {
    const g = geometryOf({ xShape: [1, 1, 3, 4], wShape: [1, 1, 3, 3], attrs: { stride: [1, 2], padding: [1, 2, 2, 0], dilation: [1, 1], groups: 1 } });
    const [paddedH, paddedW] = paddedExtent(g);
    expect([paddedH, paddedW]).toEqual([(g.outH - 1) + 3, (g.outW - 1) * 2 + 3]);
    const x = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const plane = new Float64Array(paddedH * paddedW).fill(7);
    padPlane(x, 0, g, plane, paddedH, paddedW);
    expect(plane[0]).toBe(0);
    expect(plane[1 * paddedW + 2]).toBe(1);
    expect(plane[3 * paddedW + 2 + 2]).toBe(11);
    // The last input column is never read (stride 2 stops short of it), so it is not copied.
    expect(paddedW).toBe(5);
    const dx = new Float32Array(12);
    unpadPlane(plane, paddedH, paddedW, g, dx, 0);
    expect([...dx]).toEqual([1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0]);
  });
});
