import '@nn/backend-cpu';
import { manualSeed, matmul, randint, randn, setBackend } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { setGpujsOptions } from '../index.js';
import { maxRelativeError, onBothBackends } from '../test-utils/compare.js';

setGpujsOptions({ mode: 'webasm' });

describe('BatchMatMul on gpujs', () => {
  // Odd sizes (tile and K padding), transposes, shared and broadcast batches; small ones take the plain kernel.
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['square 64', [64, 64], [64, 64], false, false],
    ['odd 33×47 · 47×29', [33, 47], [47, 29], false, false],
    ['aᵀ · b', [47, 33], [47, 29], true, false],
    ['a · bᵀ (a linear layer)', [33, 47], [29, 47], false, true],
    ['aᵀ · bᵀ', [47, 33], [29, 47], true, true],
    ['batched', [3, 17, 21], [3, 21, 19], false, false],
    ['shared weight', [4, 17, 21], [21, 19], false, false],
    ['broadcast batches', [2, 1, 9, 40], [1, 3, 40, 11], false, false],
    ['vector rows', [1, 300], [300, 257], false, false],
    ['tiny (plain kernel)', [2, 3], [3, 4], false, false],
    // webasm row tiles: whole row groups read in place (batched too), K not a multiple of 4, a
    // wide B packed with k contiguous, and a narrow output whose lanes run along the rows.
    ['batched, whole row groups, K % 4 = 1', [2, 8, 45], [2, 45, 40], false, false],
    ['aᵀ, whole row groups', [45, 32], [45, 40], true, false],
    ['wide b (columns packed)', [12, 30], [30, 600], false, false],
    ['narrow output', [400, 100], [100, 3], false, false],
    ['shared b, partial row group', [2, 31, 70], [70, 37], false, false],
    ['shared a, batched b', [31, 70], [3, 70, 37], false, false],
  ];
  for (const [name, aShape, bShape, transposeA, transposeB] of cases) {
    it(`matches the cpu backend: ${name}`, async () => {
      manualSeed(7);
      const a = randn(aShape);
      const b = randn(bShape);
      const run = () => matmul(transposeA ? a.transpose(-1, -2) : a, transposeB ? b.transpose(-1, -2) : b);
      const { cpu, gpujs } = await onBothBackends(run);
      expect(maxRelativeError(gpujs, cpu)).toBeLessThan(1e-5);
      a.dispose();
      b.dispose();
    });
  }

  it('int32 @ int32 stays int32 and exact, in the plain and the tiled kernel', async () => {
    for (const [m, k, n] of [[2, 3, 4], [33, 47, 29]]) {
      manualSeed(3);
      const a = randint(-50, 50, [m, k], { dtype: 'int32' });
      const b = randint(-50, 50, [k, n], { dtype: 'int32' });
      await setBackend('cpu');
      const expected = matmul(a, b);
      await setBackend('gpujs');
      const actual = matmul(a, b);
      expect(actual.dtype).toBe('int32');
      expect(Array.from(await actual.data())).toEqual(Array.from(await expected.data()));
      await setBackend('cpu');
    }
  });
});

