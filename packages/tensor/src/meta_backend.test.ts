import { describe, expect, it } from 'vitest';
import { engine, getBackend, gt, memory, onMeta, tensor, zeros } from './index.js';

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
});
