import { describe, expect, it } from 'vitest';
import { featureMatrix, gridPoints, orderedFeatures } from './features.js';

describe('features', () => {
  it('computes the chosen features in the canonical order, whatever order they were toggled in', () => {
    expect(orderedFeatures(['sinx2', 'x1', 'x1x2'])).toEqual(['x1', 'x1x2', 'sinx2']);
    const rows = featureMatrix([2, -1], [3, 0.5], ['sinx2', 'x1sq', 'x1x2', 'x2', 'x1', 'x2sq', 'sinx1']);
    const expected = [2, 3, 4, 9, 6, Math.sin(2), Math.sin(3), -1, 0.5, 1, 0.25, -0.5, Math.sin(-1), Math.sin(0.5)];
    expect(rows).toHaveLength(14);
    rows.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('gives no columns for no features', () => {
    expect(featureMatrix([1], [2], [])).toHaveLength(0);
  });

  it('lays the grid out row by row from the top left of [-6, 6]²', () => {
    const { xs, ys } = gridPoints(4);
    expect(Array.from(xs.slice(0, 4))).toEqual([-4.5, -1.5, 1.5, 4.5]);
    expect(ys[0]).toBe(4.5);
    expect(ys[15]).toBe(-4.5);
  });
});
