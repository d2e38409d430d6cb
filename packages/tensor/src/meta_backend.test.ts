import { describe, expect, it } from 'vitest';
import { engine, gather, getBackend, gt, indexSelect, memory, oneHot, onMeta, tensor, zeros } from './index.js';

describe('the meta backend', () => {
  it('computes shapes and dtypes without values, and is never the default', () => {
    const y = onMeta(() => gt(zeros([64, 3, 224, 224]).mean(0), 0));
    expect(y.shape).toEqual([3, 224, 224]);
    expect(y.dtype).toBe('bool');
    expect(memory().backends.meta.numBytes).toBe(0);
    expect(engine().registeredBackends()).toEqual(['meta']);
    // Outside onMeta, with only meta registered, nothing is chosen by default.
    expect(() => tensor([1])).toThrow(/no backend is registered/);
    expect(() => getBackend()).toThrow(/no backend is registered/);
  });

  it('follows the indices for gathers and one-hot rows (embeddings, class targets)', () => {
    const [rows, picked, hot] = onMeta(() => {
      const table = zeros([1000, 64]);
      const ids = zeros([7], { dtype: 'int32' });
      return [indexSelect(table, 0, ids), gather(zeros([3, 5]), 1, zeros([3, 2], { dtype: 'int32' })), oneHot(ids, 10)];
    });
    expect([rows.shape, picked.shape, hot.shape]).toEqual([[7, 64], [3, 2], [7, 10]]);
  });
});
