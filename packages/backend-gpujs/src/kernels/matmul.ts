/**
 * BatchMatMul: out[batch] = op(a[batch]) · op(b[batch]) with broadcast batch dimensions.
 * Large products run on the tiled GEMM (gemm_tiled.ts); small ones on the plain kernel, one
 * thread per output element, whose K loop reads both operands through their layouts.
 */
import { broadcastShapes, KernelName, sizeFromShape, type MatMulAttrs, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { dot, lit, type KernelSource } from '../codegen.js';
import { broadcastStrides } from './broadcast.js';
import { packRows, planGemm, tiledGemm, unpackTiles } from './gemm_tiled.js';
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

/** Below this many multiply-adds the plain kernel wins: packing costs three extra launches. */
const TILED_MIN_WORK = 32 * 32 * 32;

/** The offset of the matrix that output batch entry `b` reads from an operand with batch shape `own`. */
function matrixBase(src: KernelSource, b: string, own: readonly number[], batchShape: readonly number[], matrixSize: number): string {
  if (sizeFromShape(own) === 1) return '0.0';
  const sameShape = own.length === batchShape.length && own.every((d, i) => d === batchShape[i]);
  if (sameShape) return `${b} * ${lit(matrixSize)}`;
  return src.let(dot(src.coords(b, batchShape), broadcastStrides(own, batchShape).map((s) => s * matrixSize)));
}

export function matmulTiled(backend: GpujsBackend, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): TensorInfo | null {
  const g = matmulGeometry(a, b, attrs);
  const batch = sizeFromShape(g.batchShape);
  if (g.m * g.n * g.k * batch < TILED_MIN_WORK) return null;
  if (backend.device.isAsync) return null; // WebGPU: four-channel results cannot be kernel arguments in gpu.js
  const plan = planGemm(
    { batch, m: g.m, n: g.n, k: g.k, batchedA: sizeFromShape(g.batchA) > 1, batchedB: sizeFromShape(g.batchB) > 1 },
    backend.device.maxTextureSize,
  );
  if (!plan) return null;
  const aPacked = packRows(backend, 'BatchMatMul pack A', a, plan.batchedA ? batch : 1, g.m, plan.mPad, g.k, plan.kPad, (src, ref, bi, r, c) => {
    const base = matrixBase(src, bi, g.batchA, g.batchShape, g.aRows * g.aCols);
    return src.read(ref, attrs.transposeA ? `${base} + ${c} * ${lit(g.aCols)} + ${r}` : `${base} + ${r} * ${lit(g.aCols)} + ${c}`);
  });
  // B goes in transposed: row j holds column j of op(B).
  const bPacked = packRows(backend, 'BatchMatMul pack B', b, plan.batchedB ? batch : 1, g.n, plan.nPad, g.k, plan.kPad, (src, ref, bi, j, c) => {
    const base = matrixBase(src, bi, g.batchB, g.batchShape, g.bRows * g.bCols);
    return src.read(ref, attrs.transposeB ? `${base} + ${j} * ${lit(g.bCols)} + ${c}` : `${base} + ${c} * ${lit(g.bCols)} + ${j}`);
  });
  const tiles = tiledGemm(backend, plan, aPacked, bPacked);
  const out = unpackTiles(backend, 'BatchMatMul unpack', tiles, plan, [...g.batchShape, g.m, g.n], 'float32', (src) => {
    const [bi, rest] = src.divmod('i', g.m * g.n);
    const [r, c] = src.divmod(rest, g.n);
    return [bi, r, c];
  });
  for (const t of [aPacked, bPacked, tiles]) backend.release(t);
  return out;
}

const batchMatMul: GpujsKernel<MatMulAttrs> = ({ inputs: { a, b }, attrs, backend }) =>
  matmulTiled(backend, a, b, attrs) ?? matmulPlain(backend, a, b, attrs);

export const matmulKernels: KernelConfig[] = [{ kernelName: KernelName.BatchMatMul, kernelFunc: batchMatMul }];
