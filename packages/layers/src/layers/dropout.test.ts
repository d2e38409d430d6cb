import '@nn/backend-cpu';
import { manualSeed, ones } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, Dropout2d } from './dropout.js';

describe('Dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1−p) in training, repeatably', () => {
    const drop = new Dropout(0.25);
    manualSeed(5);
    const y = drop.forward(ones([100, 100])).dataSync();
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02);
    manualSeed(5);
    expect([...drop.forward(ones([100, 100])).dataSync()]).toEqual([...y]);
  });

  it('is the identity in eval mode', () => {
    const drop = new Dropout(0.9).eval();
    const x = ones([3, 4]);
    expect(drop.forward(x).toArray()).toEqual(x.toArray());
  });

  it('Dropout2d drops whole channels', () => {
    manualSeed(2);
    const y = new Dropout2d(0.5).forward(ones([4, 8, 3, 3]));
    const values = y.reshape([32, 9]).toArray() as number[][];
    for (const channel of values) expect(new Set(channel).size).toBe(1);
    expect(new Set(values.map((c) => c[0]))).toEqual(new Set([0, 2]));
  });

  it('checks p', () => {
    expect(() => new Dropout(1.5)).toThrow(/Dropout: dropout probability must be in \[0, 1\], got 1.5/);
    expect(() => new Dropout2d(-0.1)).toThrow(/Dropout2d: dropout probability/);
    expect(new Dropout(0.3).toString()).toBe('Dropout(p=0.3)');
  });
});
