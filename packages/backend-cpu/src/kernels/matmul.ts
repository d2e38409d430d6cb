/**
 * BatchMatMul: out[batch] = op(a[batch]) · op(b[batch]) with broadcast batch dimensions,
 * one GEMM per output matrix, or a single GEMM when b is shared by every batch and a's
 * matrices lie one after another (x·Wᵀ of a linear layer on a batch of sequences).
 */
import { broadcastShapes, KernelName, sizeFromShape, type MatMulAttrs, type Shape } from '@nn/tensor';
import { gemm, type GemmArgs } from './gemm.js';
import type { CpuKernel, KernelConfig } from './types.js';

const batchMatMul: CpuKernel<MatMulAttrs> = ({ inputs: { a, b }, attrs: { transposeA, transposeB }, backend }) => {
  const aRows = a.shape[a.shape.length - 2];
  const aCols = a.shape[a.shape.length - 1];
  const bRows = b.shape[b.shape.length - 2];
  const bCols = b.shape[b.shape.length - 1];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', batchA, batchB);
  const outShape = [...batchShape, m, n];
  const batch = sizeFromShape(batchShape);
  if (a.dtype === 'int32') {
    const { info, values } = backend.allocate(outShape, 'int32');
    const aOffsets = batchOffsets(batchA, batchShape, aRows * aCols);
    const bOffsets = batchOffsets(batchB, batchShape, bRows * bCols);
    const args: Int32GemmArgs = {
      m, n, k,
      a: backend.values<Int32Array>(a.dataId), aOffset: 0, lda: aCols, transA: transposeA,
      b: backend.values<Int32Array>(b.dataId), bOffset: 0, ldb: bCols, transB: transposeB,
      c: values, cOffset: 0, ldc: n, accumulate: false,
    };
    for (let i = 0; i < batch; i++) {
      args.aOffset = aOffsets[i];
      args.bOffset = bOffsets[i];
      args.cOffset = i * m * n;
      gemmInt32(args);
    }
    return info;
  }
  const { info, values: c } = backend.allocate(outShape, 'float32');
  if (c.length === 0) return info;

  const args: GemmArgs = {
    m, n, k,
    a: backend.values(a.dataId), aOffset: 0, lda: aCols, transA: transposeA,
    b: backend.values(b.dataId), bOffset: 0, ldb: bCols, transB: transposeB,
    c, cOffset: 0, ldc: n, accumulate: false,
  };
  if (sizeFromShape(batchB) === 1 && !transposeA && sizeFromShape(batchA) === batch) {
    args.m = batch * m;
    gemm(args);
    return info;
  }
  const aOffsets = batchOffsets(batchA, batchShape, aRows * aCols);
  const bOffsets = batchOffsets(batchB, batchShape, bRows * bCols);
  for (let i = 0; i < batch; i++) {
    args.aOffset = aOffsets[i];
    args.bOffset = bOffsets[i];
    args.cOffset = i * m * n;
    gemm(args);
  }
  return info;
};

type Int32GemmArgs = Omit<GemmArgs, 'a' | 'b' | 'c'> & { a: Int32Array; b: Int32Array; c: Int32Array };

/**
 * C = op(A)·op(B) on int32: a plain loop, exact, wrapping modulo 2^32 on overflow as
 * PyTorch's integer matmul does (Math.imul gives the low 32 bits of each product; the
 * Int32Array store wraps the sum).
 */
function gemmInt32({ m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc }: Int32GemmArgs): void {
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    for (let p = 0; p < k; p++) {
      const aip = a[aOffset + (transA ? p * lda + i : i * lda + p)];
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[row + j] += Math.imul(aip, b[bOffset + (transB ? j * ldb + p : p * ldb + j)]);
    }
  }
}

/**
 * For each matrix of the broadcast batch (row-major over `outShape`), where the operand's
 * matrix starts: its own batch index, with broadcast axes pinned to 0.
 */
function batchOffsets(shape: Shape, outShape: Shape, matrixSize: number): Float64Array {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  for (let axis = rank - 1, stride = matrixSize, i = shape.length - 1; i >= 0; axis--, i--) {
    if (shape[i] !== 1) strides[axis] = stride;
    stride *= shape[i];
  }
  const offsets = new Float64Array(sizeFromShape(outShape));
  for (let i = 0; i < offsets.length; i++) {
    let rest = i;
    let offset = 0;
    for (let axis = rank - 1; axis >= 0; axis--) {
      offset += (rest % outShape[axis]) * strides[axis];
      rest = Math.floor(rest / outShape[axis]);
    }
    offsets[i] = offset;
  }
  return offsets;
}

export const matmulKernels: KernelConfig[] = [{ kernelName: KernelName.BatchMatMul, kernelFunc: batchMatMul }];
