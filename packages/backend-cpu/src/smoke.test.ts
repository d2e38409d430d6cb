import { describe, expect, it } from 'vitest';
import { add, memory, tensor, tidy, zeros } from '@nn/tensor';
import '@nn/backend-cpu';

describe('smoke', () => {
  it('adds with broadcasting', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([10, 20, 30]);
    expect(add(a, b).toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(a.add(1).exp().neg().sum().shape).toEqual([]);
    expect(a.reshape([3, -1]).shape).toEqual([3, 2]);
    console.log(a.toString(), a.sum(1, { keepDim: true }).toString());
  });
  it('tidy frees', () => {
    const before = memory();
    tidy(() => { for (let i = 0; i < 100; i++) zeros([10]).add(1).reshape([2, 5]); });
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
