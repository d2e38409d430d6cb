import * as nn from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';

describe('reluGrad kernel', () => {
  it('passes dy where y > 0 and gives 0 where y <= 0, as where(y > 0, dy, 0) on random values', () => {
    let state = 7;
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    };
    const shape = [3, 5, 7];
    const dy = Float32Array.from({ length: 105 }, next);
    const y = Float32Array.from({ length: 105 }, () => Math.max(0, next()));
    const dx = nn.reluGrad(nn.tensor(dy, shape), nn.tensor(y, shape));
    expect(dx.shape).toEqual(shape);
    expect(dx.dtype).toBe('float32');
    expect(Array.from(dx.dataSync())).toEqual(Array.from(dy, (g, i) => (y[i] > 0 ? g : 0)));
  });

  it('keeps special dy values bit for bit and follows PyTorch at y = 0, -0 and NaN', () => {
    const dy = nn.tensor([NaN, Infinity, -Infinity, -0, 5, 6, 7, NaN]);
    const y = nn.tensor([1, 2, 3, 4, 0, -0, NaN, -1]);
    const dx = Array.from(nn.reluGrad(dy, y).dataSync());
    expect(dx.slice(0, 4)).toEqual([NaN, Infinity, -Infinity, -0]);
    // threshold_backward: 0 where y <= 0; NaN <= 0 is false, so a NaN y passes dy.
    expect(dx.slice(4)).toEqual([0, 0, 7, 0]);
  });

  it('handles empty tensors', () => {
    expect(nn.reluGrad(nn.zeros([0, 3]), nn.zeros([0, 3])).shape).toEqual([0, 3]);
  });

  it('rejects mismatched shapes and non-float dtypes, naming them', () => {
    expect(() => nn.reluGrad(nn.zeros([2, 3]), nn.zeros([3, 2]))).toThrow(/reluGrad: dy \[2,3\] and y \[3,2\] must have the same shape/);
    expect(() => nn.reluGrad(nn.zeros([2], { dtype: 'int32' }), nn.zeros([2]))).toThrow(/reluGrad: argument 'dy' has dtype int32, expected float32/);
    expect(() => nn.reluGrad(nn.zeros([2]), nn.zeros([2], { dtype: 'bool' }))).toThrow(/reluGrad: argument 'y' has dtype bool, expected float32/);
  });
});

describe('relu kernel on float32 bits', () => {
  it('zeroes negatives and keeps positives, NaN, Infinity and -0', () => {
    const x = nn.tensor([-2, -0.5, 0, -0, 0.25, 3, NaN, -NaN, Infinity, -Infinity, -1e-45, 1e-45]);
    expect(Array.from(nn.relu(x).dataSync())).toEqual([0, 0, 0, -0, 0.25, 3, NaN, NaN, Infinity, 0, 0, Math.fround(1e-45)]);
  });

  it('matches max(x, 0) on many random values', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 100);
    expect(Array.from(nn.relu(nn.tensor(values)).dataSync())).toEqual(Array.from(values, (v) => (v < 0 ? 0 : v)));
  });
});
