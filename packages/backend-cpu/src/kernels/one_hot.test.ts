import { describe, expect, it } from 'vitest';
import { oneHot, tensor } from '@nn/tensor';
import '@nn/backend-cpu';

describe('OneHot kernel', () => {
  it('writes a 1 at each class index, int32, with the indices shape plus the classes', () => {
    const y = oneHot(tensor([[0, 2], [1, 1]], undefined, 'int32'), 3);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([2, 2, 3]);
    expect(y.toArray()).toEqual([[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0]]]);
    expect(oneHot([3, 0]).toArray()).toEqual([[0, 0, 0, 1], [1, 0, 0, 0]]);
    expect(oneHot(tensor(1, [], 'int32'), 2).toArray()).toEqual([0, 1]);
    expect(oneHot(tensor([], [0], 'int32'), 4).shape).toEqual([0, 4]);
  });
});
