/**
 * Linear algebra. C = op(A) op(B) with op a transpose when the kernel's flag says so; batch
 * dimensions broadcast, so each gradient is summed back to its operand's shape.
 *   dA = dC op(B)^T   (or its transpose when A was transposed)
 *   dB = op(A)^T dC   (or its transpose when B was transposed)
 */
import { KernelName, matmul, transpose, type MatMulAttrs, type Tensor } from '@nn/tensor';
import { gradient, type GradientTable } from './types.js';
import { sumToShape } from './util.js';

/** x^T over the last two axes. */
const mT = (x: Tensor): Tensor => transpose(x, -1, -2);

/** a @ b with either operand transposed first. */
function mm(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return matmul(transposeA ? mT(a) : a, transposeB ? mT(b) : b);
}

export const linalgGradients: GradientTable = {
  [KernelName.BatchMatMul]: gradient<MatMulAttrs>({
    saveInputs: ['a', 'b'],
    grad: (dc, { input, inputShape, needs, attrs }) => {
      const [a, b] = [input('a'), input('b')];
      const { transposeA, transposeB } = attrs;
      // Each case is dA' = dC B'^T and dB' = A'^T dC, rewritten to avoid transposing results.
      const da = !needs('a') ? undefined : transposeA ? mm(b, dc, transposeB, true) : mm(dc, b, false, !transposeB);
      const db = !needs('b') ? undefined : transposeB ? mm(dc, a, true, transposeA) : mm(a, dc, !transposeA, false);
      return {
        a: da && sumToShape(da, inputShape('a')),
        b: db && sumToShape(db, inputShape('b')),
      };
    },
  }),
};
