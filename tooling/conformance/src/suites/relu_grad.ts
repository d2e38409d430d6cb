/**
 * reluGrad (the ReluGrad kernel: relu's gradient from its output) on any backend: dy passes
 * where y > 0 and is 0 where y <= 0, PyTorch's threshold_backward (a NaN y lets dy through);
 * dy's own NaN and infinities pass unchanged; and the errors for bad arguments.
 */
import { relu, reluGrad, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

export function defineReluGradSuite(backend: string): void {
  describe(`reluGrad (${backend})`, () => {
    it('passes dy where y > 0, gives 0 where y <= 0, and lets a NaN y through', () => {
      const dy = tensor([[1.5, -2, 3], [4, NaN, -Infinity], [7, 8, 9]]);
      const y = tensor([[0.5, 0, -0], [2, 1, 3], [NaN, -1, 1e-30]]);
      const dx = reluGrad(dy, y);
      expect(dx.shape).toEqual([3, 3]);
      expect(dx.dtype).toBe('float32');
      expect(values(dx)).toEqual([1.5, 0, 0, 4, NaN, -Infinity, 7, 0, 9]);
    });

    it('agrees with where(relu(x) > 0, dy, 0) on many values', () => {
      const x = Float32Array.from({ length: 257 }, (_, i) => Math.sin(i * 7.31) * 3);
      const dy = Float32Array.from({ length: 257 }, (_, i) => Math.cos(i * 1.7));
      const y = relu(tensor(x));
      const expected = Array.from(dy, (g, i) => (x[i] > 0 ? g : 0));
      expect(values(reluGrad(tensor(dy), y))).toEqual(expected);
    });

    it('rejects mismatched shapes and non-float dtypes', () => {
      expect(() => reluGrad(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^reluGrad: dy \[2\] and y \[3\] must have the same shape$/);
      expect(() => reluGrad(tensor([1, 2], [2], 'int32'), tensor([1, 2]))).toThrow(/^reluGrad: argument 'dy' has dtype int32, expected float32$/);
    });
  });
}
