/**
 * Linear algebra. C = op(A) op(B) with op a transpose when the kernel's flag says so; batch
 * dimensions broadcast, so each gradient is summed back to its operand's shape.
 *   dA' = dC op(B)^T,  dB' = op(A)^T dC   (then transposed back where A or B was)
 * Every product below uses matmul's transpose flags, so no transposed copy is made.
 */
import { KernelName, matmul, type MatMulAttrs, type Tensor } from '@nn/tensor';
import { gradient, type GradContext, type GradientTable, type InputGrads } from './types.js';
import { sumToShape } from './util.js';

const mm = (a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor => matmul(a, b, { transposeA, transposeB });

/** The gradients of op(A)·op(B) for A and B, shared by BatchMatMul and AddMm. */
function productGrads(dc: Tensor, { input, inputShape, needs, attrs }: GradContext<MatMulAttrs>): InputGrads {
  const [a, b] = [input('a'), input('b')];
  const { transposeA, transposeB } = attrs;
  // A: dC B^T, dC B, B dC^T, B^T dC^T for (tA, tB) = ff, ft, tf, tt; B symmetrically.
  const da = !needs('a') ? undefined : transposeA ? mm(b, dc, transposeB, true) : mm(dc, b, false, !transposeB);
  const db = !needs('b') ? undefined : transposeB ? mm(dc, a, true, transposeA) : mm(a, dc, !transposeA, false);
  return {
    a: da && sumToShape(da, inputShape('a')),
    b: db && sumToShape(db, inputShape('b')),
  };
}

export const linalgGradients: GradientTable = {
  [KernelName.BatchMatMul]: gradient<MatMulAttrs>({ saveInputs: ['a', 'b'], grad: productGrads }),
  // The bias is added to every row (or element): its gradient sums dC back to its shape.
  [KernelName.AddMm]: gradient<MatMulAttrs>({
    saveInputs: ['a', 'b'],
    grad: (dc, ctx) => ({ ...productGrads(dc, ctx), bias: ctx.needs('bias') ? sumToShape(dc, ctx.inputShape('bias')) : undefined }),
  }),
};
