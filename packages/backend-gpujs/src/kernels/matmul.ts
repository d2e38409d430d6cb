/**
 * BatchMatMul: out[batch] = op(a[batch]) · op(b[batch]) with broadcast batch dimensions.
 * One thread per output element, the K loop reading both operands through their layouts.
 * (matmul_tiled.ts replaces this for the shapes where tiling pays.)
 */
import { broadcastShapes, KernelName, sizeFromShape, type MatMulAttrs, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { dot, lit } from '../codegen.js';
import { broadcastStrides } from './broadcast.js';
import type { GpujsKernel, KernelConfig } from './types.js';

export interface MatMulGeometry {
  m: number;
  n: number;
  k: number;
  aRows: number;
  aCols: number;
  bRows: number;
  bCols: number;
  batchShape: number[];
  batchA: number[];
  batchB: number[];
}

export function matmulGeometry(a: TensorInfo, b: TensorInfo, { transposeA, transposeB }: MatMulAttrs): MatMulGeometry {
  const aRows = a.shape[a.shape.length - 2];
  const aCols = a.shape[a.shape.length - 1];
  const bRows = b.shape[b.shape.length - 2];
  const bCols = b.shape[b.shape.length - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  return {
    m: transposeA ? aCols : aRows,
    k: transposeA ? aRows : aCols,
    n: transposeB ? bRows : bCols,
    aRows,
    aCols,
    bRows,
    bCols,
    batchShape: broadcastShapes('matmul', batchA, batchB),
    batchA,
    batchB,
  };
}

/** The plain kernel: one output per thread. */
export function matmulPlain(backend: GpujsBackend, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): TensorInfo {
  const g = matmulGeometry(a, b, attrs);
  const { m, n, k, aCols, bCols, batchShape } = g;
  return backend.compute({
    label: 'BatchMatMul',
    shape: [...batchShape, m, n],
    dtype: 'float32',
    inputs: k === 0 ? [] : [a, b],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [ra, rb] = refs;
      const coords = src.coords('i', [...batchShape, m, n]);
      const batch = coords.slice(0, -2);
      const [r, c] = coords.slice(-2);
      const aBase = src.let(dot(batch, broadcastStrides(g.batchA, batchShape).map((s) => s * g.aRows * g.aCols)));
      const bBase = src.let(dot(batch, broadcastStrides(g.batchB, batchShape).map((s) => s * g.bRows * g.bCols)));
      const acc = src.let('0.0');
      const j = src.loop(k);
      const av = src.read(ra, attrs.transposeA ? `${aBase} + ${j} * ${lit(aCols)} + ${r}` : `${aBase} + ${r} * ${lit(aCols)} + ${j}`);
      const bv = src.read(rb, attrs.transposeB ? `${bBase} + ${c} * ${lit(bCols)} + ${j}` : `${bBase} + ${j} * ${lit(bCols)} + ${c}`);
      src.line(`${acc} = ${acc} + ${av} * ${bv};`);
      src.end();
      return acc;
    },
  });
}

const batchMatMul: GpujsKernel<MatMulAttrs> = ({ inputs: { a, b }, attrs, backend }) => {
  void sizeFromShape;
  return matmulPlain(backend, a, b, attrs);
};

export const matmulKernels: KernelConfig[] = [{ kernelName: KernelName.BatchMatMul, kernelFunc: batchMatMul }];
