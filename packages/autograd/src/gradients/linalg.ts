/**
 * Linear algebra. C = op(A) op(B) with op a transpose when the kernel's flag says so; batch
 * dimensions broadcast, so each gradient is summed back to its operand's shape.
 *   dA' = dC op(B)^T,  dB' = op(A)^T dC   (then transposed back where A or B was)
 * Every product below uses matmul's transpose flags, so no transposed copy is made.
 */
import { KernelName, matmul, type MatMulAttrs, type Tensor } from '@nn/tensor';
import { gradient, type GradientTable } from './types.js';
import { sumToShape } from './util.js';

const mm = (a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor => matmul(a, b, { transposeA, transposeB });

export const linalgGradients: GradientTable = {
  [KernelName.BatchMatMul]: gradient<MatMulAttrs>({
    saveInputs: ['a', 'b'],
    grad: (dc, { input, inputShape, needs, attrs }) => {
      const [a, b] = [input('a'), input('b')];
      const { transposeA, transposeB } = attrs;
      // A: dC B^T, dC B, B dC^T, B^T dC^T for (tA, tB) = ff, ft, tf, tt; B symmetrically.
      const da = !needs('a') ? undefined : transposeA ? mm(b, dc, transposeB, true) : mm(dc, b, false, !transposeB);
      const db = !needs('b') ? undefined : transposeB ? mm(dc, a, true, transposeA) : mm(a, dc, !transposeA, false);
      return {
        a: da && sumToShape(da, inputShape('a')),
        b: db && sumToShape(db, inputShape('b')),
      };
    },
  }),
};
