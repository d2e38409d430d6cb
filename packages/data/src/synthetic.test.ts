import '@nn/backend-cpu';
import { describe, expect, it } from 'vitest';
import { pointDataset, spiral, twoCircles, twoGaussians, xor, type PointSet } from './synthetic.js';

const point = (set: PointSet, i: number): [number, number] => [set.points[2 * i], set.points[2 * i + 1]];
const count = (set: PointSet, label: number): number => set.labels.filter((l) => l === label).length;

describe('playground point sets', () => {
  it('repeat with a seed and differ with another', () => {
    for (const make of [twoCircles, xor, twoGaussians, spiral]) {
      const a = make({ numSamples: 50, noise: 0.2, seed: 1 });
      expect(make({ numSamples: 50, noise: 0.2, seed: 1 })).toEqual(a);
      expect(make({ numSamples: 50, noise: 0.2, seed: 2 }).points).not.toEqual(a.points);
      expect(a.points.length).toBe(100);
    }
  });

  it('two circles: without noise, positives inside radius 2.5, negatives in the ring 3.5 to 5', () => {
    const set = twoCircles({ numSamples: 201, seed: 3 });
    expect(count(set, 1)).toBe(101);
    for (let i = 0; i < set.numSamples; i++) {
      const r = Math.hypot(...point(set, i));
      if (set.labels[i] === 1) expect(r).toBeLessThan(2.5);
      else expect(r >= 3.5 - 1e-5 && r <= 5 + 1e-5).toBe(true);
    }
  });

  it('xor: labels follow the sign of x·y without noise; points keep 0.3 from the axes', () => {
    const set = xor({ numSamples: 300, seed: 4, labels: 'signed' });
    for (let i = 0; i < set.numSamples; i++) {
      const [x, y] = point(set, i);
      expect(Math.min(Math.abs(x), Math.abs(y))).toBeGreaterThanOrEqual(0.3 - 1e-6);
      expect(set.labels[i]).toBe(x * y >= 0 ? 1 : -1);
    }
    // With noise some labels disagree with the clean rule.
    const noisy = xor({ numSamples: 300, seed: 4, noise: 0.5 });
    let flipped = 0;
    for (let i = 0; i < 300; i++) if ((noisy.labels[i] === 1) !== point(noisy, i)[0] * point(noisy, i)[1] >= 0) flipped++;
    expect(flipped).toBeGreaterThan(0);
  });

  it('two gaussians: centred at (2, 2) and (-2, -2), variance 0.5 at noise 0', () => {
    const set = twoGaussians({ numSamples: 4000, seed: 5 });
    const pos = Array.from({ length: 2000 }, (_, i) => point(set, i)[0]);
    const mean = pos.reduce((a, b) => a + b) / pos.length;
    const variance = pos.reduce((a, v) => a + (v - mean) ** 2, 0) / pos.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(variance).toBeGreaterThan(0.45);
    expect(variance).toBeLessThan(0.55);
    expect(count(set, 0)).toBe(2000);
  });

  it('spiral: two arms half a turn apart, radius growing to 5', () => {
    const set = spiral({ numSamples: 100, seed: 6 });
    const [x0, y0] = point(set, 25);
    const [x1, y1] = point(set, 75);
    expect(x1).toBeCloseTo(-x0, 5);
    expect(y1).toBeCloseTo(-y0, 5);
    expect(Math.hypot(x0, y0)).toBeCloseTo(2.5, 5);
  });

  it('check their options and make a TensorDataset', () => {
    expect(() => xor({ noise: 2 })).toThrow(/xor: noise must be in \[0, 1\]/);
    expect(() => spiral({ numSamples: 0 })).toThrow(/spiral: numSamples must be a positive integer, got 0/);
    const ds = pointDataset(twoCircles({ numSamples: 10, seed: 1 }));
    expect(ds.tensors[0].shape).toEqual([10, 2]);
    expect(ds.tensors[1].shape).toEqual([10, 1]);
    ds.dispose();
  });
});
