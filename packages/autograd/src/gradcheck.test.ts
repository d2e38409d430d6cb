import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { mul, tensor, type Tensor } from '@nn/tensor';
import { detach, gradcheck } from './index.js';

describe('gradcheck', () => {
  it('passes a correct gradient and reports the largest error', () => {
    const result = gradcheck((x: Tensor, y: Tensor) => mul(mul(x, x), y), [tensor([[0.5, -1.5], [2, 1]]), tensor([3, -2])]);
    expect(result.ok).toBe(true);
    expect(result.maxAbsError).toBeLessThan(1e-3);
    expect(result.mismatches).toEqual([]);
  });

  it('catches a wrong gradient (x * detach(x) looks like x^2 but differentiates as x)', () => {
    const fn = (x: Tensor): Tensor => mul(x, detach(x));
    const x = tensor([1, 2, 3]);
    expect(() => gradcheck(fn, [x])).toThrow(/gradcheck: 3 gradient element\(s\) differ beyond atol 0.001 \+ rtol 0.01; worst:\n {2}input 0\[2\]: analytical/);
    const result = gradcheck(fn, [x], { raiseOnFailure: false });
    expect(result.ok).toBe(false);
    // Both are projected on gradcheck's random vector v: analytical v x, numerical 2 v x.
    const worst = result.mismatches[0];
    expect(worst).toMatchObject({ input: 0, index: 2 });
    expect(worst.numerical / worst.analytical).toBeCloseTo(2, 2);
  });

  it('checks only the inputs asked for and skips integer inputs', () => {
    const fn = (x: Tensor, k: Tensor): Tensor => mul(x, k.cast('float32'));
    expect(gradcheck(fn, [tensor([1, 2]), tensor([3, 4], undefined, 'int32')]).ok).toBe(true);
    expect(() => gradcheck(fn, [tensor([1, 2]), tensor([3, 4], undefined, 'int32')], { wrt: [1] })).toThrow(/gradcheck: input 1 is not a float32 tensor/);
  });
});
