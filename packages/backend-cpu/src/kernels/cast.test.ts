import * as nn from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';

describe('cast kernel', () => {
  it('truncates float to int32 toward zero', () => {
    expect(nn.tensor([1.9, -1.9, 0.5, -0.5, 3]).cast('int32').toArray()).toEqual([1, -1, 0, 0, 3]);
  });

  it('maps anything nonzero (NaN included) to true', () => {
    expect(nn.tensor([0, -0, 2, NaN, -Infinity]).cast('bool').toArray()).toEqual([false, false, true, true, true]);
    expect(nn.tensor([0, -3], undefined, 'int32').bool().toArray()).toEqual([false, true]);
  });

  it('maps bool to 0/1 and int32 to float32 exactly', () => {
    expect(nn.tensor([true, false]).float().toArray()).toEqual([1, 0]);
    expect(nn.tensor([true, false]).int().dtype).toBe('int32');
    expect(nn.tensor([16777217, -5], undefined, 'int32').float().toArray()).toEqual([16777216, -5]);
  });

  it('shares the buffer when the dtype does not change', () => {
    const x = nn.tensor([1, 2]);
    const y = x.cast('float32');
    expect(y).not.toBe(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(y.toArray()).toEqual([1, 2]);
  });
});
