import { describe, expect, it } from 'vitest';
import { DATASETS, type DatasetName } from './config.js';
import { generate, NUM_SAMPLES_CLASSIFY, NUM_SAMPLES_REGRESS, split } from './datasets.js';

const builtIn = DATASETS.filter((d): d is Exclude<DatasetName, 'csv'> => d !== 'csv');

describe('datasets', () => {
  it.each(builtIn)('%s: points in the plane, labels ±1 (classification) or in [-1, 1] (regression), balanced classes', (name) => {
    const points = generate(name, 0, 1);
    const regression = name === 'plane' || name === 'multigauss';
    expect(points).toHaveLength(regression ? NUM_SAMPLES_REGRESS : NUM_SAMPLES_CLASSIFY);
    for (const p of points) {
      expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
      if (name !== 'gauss') expect(Math.max(Math.abs(p.x), Math.abs(p.y))).toBeLessThanOrEqual(6);
      if (regression) expect(Math.abs(p.label)).toBeLessThanOrEqual(1);
      else expect([1, -1]).toContain(p.label);
    }
    if (!regression) {
      const positive = points.filter((p) => p.label === 1).length / points.length;
      expect(positive).toBeGreaterThan(0.2);
      expect(positive).toBeLessThan(0.8);
    }
  });

  it('is reproducible from the seed, and another seed gives other points', () => {
    expect(generate('spiral', 20, 5)).toEqual(generate('spiral', 20, 5));
    expect(generate('spiral', 20, 5)).not.toEqual(generate('spiral', 20, 6));
  });

  it('labels the circle by radius and exclusive-or by quadrant when there is no noise', () => {
    for (const p of generate('circle', 0, 3)) expect(p.label).toBe(Math.hypot(p.x, p.y) < 2.5 ? 1 : -1);
    for (const p of generate('xor', 0, 3)) expect(p.label).toBe(p.x * p.y >= 0 ? 1 : -1);
    for (const p of generate('sin', 0, 3)) expect(p.label).toBe(p.y > 3 * Math.sin(p.x) ? 1 : -1);
  });

  it('noise flips some labels of the circle', () => {
    const noisy = generate('circle', 50, 3).filter((p) => p.label !== (Math.hypot(p.x, p.y) < 2.5 ? 1 : -1));
    expect(noisy.length).toBeGreaterThan(10);
  });

  it('splits at the ratio, without losing or repeating a point', () => {
    const points = generate('gauss', 0, 1);
    const { train, test } = split(points, 30, 1);
    expect(train).toHaveLength(150);
    expect(test).toHaveLength(350);
    expect(new Set([...train, ...test]).size).toBe(500);
  });
});
