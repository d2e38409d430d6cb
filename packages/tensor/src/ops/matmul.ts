/**
 * Matrix product with torch.matmul semantics: 1-D·1-D is a dot product, 2-D·2-D a matrix
 * product, a 1-D operand is promoted to a matrix (a row on the left, a column on the
 * right) and the added axis is removed afterwards, and leading batch dimensions broadcast.
 * The BatchMatMul kernel sees only operands of rank ≥ 2 and multiplies op(A)·op(B) where
 * op transposes the last two axes when asked: autograd uses the flags to avoid transposes.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { KernelName, type MatMulAttrs } from '../kernel_names.js';
import { assertTensorSize, broadcastShapes, formatShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { checkNoExtra, parseOptions } from './options.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

export interface MatMulOptions {
  /** Multiply by the transpose of a's last two axes (ignored for a 1-D a). */
  transposeA?: boolean;
  /** Multiply by the transpose of b's last two axes (ignored for a 1-D b). */
  transposeB?: boolean;
}

export function matmul(a: TensorLike, b: TensorLike, opts?: MatMulOptions, ...extra: never[]): Tensor {
  const op = 'matmul';
  const keys = ['transposeA', 'transposeB'] as const;
  const options = parseOptions(op, opts, keys);
  checkNoExtra(op, extra, keys);
  let x = toTensor(a, op, 'a');
  let y = toTensor(b, op, 'b');
  assertDType(op, 'a', x, ['float32', 'int32']);
  assertDType(op, 'b', y, ['float32', 'int32']);
  if (x.rank === 0 || y.rank === 0) {
    throw new Error(`${op}: both arguments need at least one dimension, got shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
  }
  const transposeA = x.rank >= 2 && options.transposeA === true;
  const transposeB = y.rank >= 2 && options.transposeB === true;
  const [, k] = matrixDims(x.shape, transposeA, 'a');
  const [kB] = matrixDims(y.shape, transposeB, 'b');
  if (k !== kB) {
    throw new Error(`${op}: inner dimensions differ: ${describe(x.shape, transposeA)} @ ${describe(y.shape, transposeB)}`);
  }
  const batchA = x.shape.slice(0, -2);
  const batchB = y.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(op, batchA, batchB);
  } catch {
    throw new Error(`${op}: batch dimensions ${formatShape(batchA)} and ${formatShape(batchB)} cannot be broadcast: ${describe(x.shape, transposeA)} @ ${describe(y.shape, transposeB)}`);
  }
  const rows = x.rank === 1 ? [] : [x.shape[x.rank - (transposeA ? 1 : 2)]];
  const columns = y.rank === 1 ? [] : [y.shape[y.rank - (transposeB ? 2 : 1)]];
  assertTensorSize(op, [...batch, ...rows, ...columns], 'output shape');

  // int32 @ int32 stays int32, exact and wrapping modulo 2^32 on overflow as PyTorch's
  // integer matmul; a mixed pair computes in float32.
  if (x.dtype !== y.dtype) {
    if (x.dtype !== 'float32') x = cast(x, 'float32');
    if (y.dtype !== 'float32') y = cast(y, 'float32');
  }
  const vectorA = x.rank === 1;
  const vectorB = y.rank === 1;
  if (vectorA) x = reshape(x, [1, x.shape[0]]);
  if (vectorB) y = reshape(y, [y.shape[0], 1]);
  const attrs: MatMulAttrs = { transposeA, transposeB };
  const product = runKernel(KernelName.BatchMatMul, { a: x, b: y }, attrs);
  if (!vectorA && !vectorB) return product;
  // Drop the axes that promotion added: the row of a 1-D a, the column of a 1-D b.
  const shape = product.shape.slice(0, -2);
  if (!vectorA) shape.push(product.shape[product.shape.length - 2]);
  if (!vectorB) shape.push(product.shape[product.shape.length - 1]);
  return reshape(product, shape);
}

/** [rows, cols] of op(x) for an operand of rank ≥ 1 (a vector is a row on the left, a column on the right). */
function matrixDims(shape: Shape, transpose: boolean, side: 'a' | 'b'): [number, number] {
  const rank = shape.length;
  if (rank === 1) return side === 'a' ? [1, shape[0]] : [shape[0], 1];
  const rows = shape[rank - 2];
  const cols = shape[rank - 1];
  return transpose ? [cols, rows] : [rows, cols];
}

function describe(shape: Shape, transposed: boolean): string {
  return transposed ? `${formatShape(shape)}ᵀ` : formatShape(shape);
}

declare module '../tensor.js' {
  interface Tensor {
    matmul(b: TensorLike, options?: MatMulOptions): Tensor;
  }
}

Tensor.prototype.matmul = function (this: Tensor, b: TensorLike, ...args: [options?: MatMulOptions, ...extra: never[]]) {
  return matmul(this, b, ...args);
};
