/**
 * BatchMatMul: out[batch] = op(a[batch]) · op(b[batch]) with broadcast batch dimensions.
 * Large products run on the tiled GEMM (gemm_tiled.ts): 2 × 2 tiles of packed operands in the
 * GL modes, four rows per thread read in place on webasm; small ones on the plain kernel, one
 * thread per output element, whose K loop reads both operands through their layouts.
 */
import { broadcastShapes, KernelName, sizeFromShape, type DType, type MatMulAttrs, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { dot, lit, type KernelSource } from '../codegen.js';
import { fits } from '../layout.js';
import { binaryKernel } from './binary.js';
import { broadcastStrides } from './broadcast.js';
import { packRows, planGemm, planRowTiles, rowTileGemm, scaled, tiledGemm, unpackRows, unpackTiles } from './gemm_tiled.js';
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

/** int32 @ int32 is int32, as in PyTorch (the op casts mixed operands to float32 first); exact within ±2^24 here. */
function resultDType(a: TensorInfo): DType {
  return a.dtype === 'int32' ? 'int32' : 'float32';
}

/** The plain kernel: one output per thread. */
export function matmulPlain(backend: GpujsBackend, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): TensorInfo {
  const g = matmulGeometry(a, b, attrs);
  const { m, n, k, aCols, bCols, batchShape } = g;
  return backend.compute({
    label: 'BatchMatMul',
    shape: [...batchShape, m, n],
    dtype: resultDType(a),
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

/** An operand of the webasm row tiles: element (r, k) of batch entry b's matrix lies at base(b) + r·stride + k·kStride. */
interface RowOperand {
  input: TensorInfo;
  batch: number[];
  matrixSize: number;
  stride: number;
  kStride: number;
}

/** Column operands whose k-stride passes this many elements are packed with k contiguous first. */
const COL_PACK_STRIDE = 512;

/** webasm: four rows per thread, read in place (gemm_tiled.ts); null when the tiles do not fit. */
function matmulRowTiles(backend: GpujsBackend, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs, g: MatMulGeometry, batch: number): TensorInfo | null {
  // The columns carry the SIMD lanes: they are n unless n is narrower than a quad and m is not.
  const swap = g.n < 4 && g.m >= 4;
  const plan = planRowTiles(batch, swap ? g.n : g.m, swap ? g.m : g.n, g.k, backend.device.maxTextureSize);
  if (!plan) return null;
  const opA: RowOperand = { input: a, batch: g.batchA, matrixSize: g.aRows * g.aCols, stride: attrs.transposeA ? 1 : g.aCols, kStride: attrs.transposeA ? g.aCols : 1 };
  const opB: RowOperand = { input: b, batch: g.batchB, matrixSize: g.bRows * g.bCols, stride: attrs.transposeB ? g.bCols : 1, kStride: attrs.transposeB ? 1 : g.bCols };
  const rowOp = swap ? opB : opA;
  let colOp = swap ? opA : opB;
  let packed: TensorInfo | null = null;
  const matrices = sizeFromShape(colOp.batch) > 1 ? batch : 1;
  if (colOp.kStride >= COL_PACK_STRIDE && plan.rows > 4 && fits(plan.k, matrices * plan.cols, backend.device.maxTextureSize)) {
    // Lanes reading far-apart rows of k each stream along their own row; a large k-stride
    // instead touches a new cache line per k per quad (half the speed at 1024).
    const from = colOp;
    packed = packRows(backend, 'BatchMatMul pack columns', from.input, { matrices, rows: plan.cols, rowsPad: plan.cols, k: plan.k, kPad: plan.k, perTexel: 1 }, (src, ref, bi, c, k) =>
      src.read(ref, `${matrixBase(src, bi, from.batch, g.batchShape, from.matrixSize)} + ${c} * ${lit(from.stride)} + ${k} * ${lit(from.kStride)}`),
    );
    colOp = { input: packed, batch: matrices > 1 ? g.batchShape : [], matrixSize: plan.cols * plan.k, stride: plan.k, kStride: 1 };
  }
  const tiles = rowTileGemm(backend, 'BatchMatMul row tiles', plan, rowOp.input, colOp.input, (src) => {
    const sameBatch = (op: RowOperand): boolean => sizeFromShape(op.batch) === batch;
    // One thread row per group of four output rows: thread.y · 4 rows in, when whole groups tile the row operand.
    const direct = plan.rows % 4 === 0 && (batch === 1 || (sameBatch(rowOp) && rowOp.kStride === 1 && rowOp.stride * plan.rows === rowOp.matrixSize));
    const [bi, group] = batch === 1 ? ['0.0', 'this.thread.y'] : src.divmod('this.thread.y', plan.rowGroups);
    const colBase = batch === 1 || !sameBatch(colOp) ? '' : `(${src.let(matrixBase(src, bi, colOp.batch, g.batchShape, colOp.matrixSize))} | 0) + `;
    let row: (j: number) => string;
    let rowStart: string | undefined;
    if (direct) {
      rowStart = `this.thread.y * ${4 * rowOp.stride}`;
      row = (j) => `${rowStart} + ${j * rowOp.stride}`;
    } else {
      // Rows past the end read the last row; unpacking drops their sums.
      const base = src.bind(matrixBase(src, bi, rowOp.batch, g.batchShape, rowOp.matrixSize));
      const starts = [0, 1, 2, 3].map((j) => src.let(`${base} + Math.min(${group} * 4.0 + ${lit(j)}, ${lit(plan.rows - 1)}) * ${lit(rowOp.stride)}`));
      row = (j) => `(${starts[j]} | 0)`;
    }
    return { row, rowKStride: rowOp.kStride, rowStart, rowStride: rowOp.stride, col: `${colBase}${scaled('this.thread.x', colOp.stride)}`, colKStride: colOp.kStride };
  });
  if (packed) backend.release(packed);
  // Output row r of column c is channel r % 4 of texel (b · rowGroups + r / 4, c).
  const out = unpackRows(backend, 'BatchMatMul unpack', tiles, [...g.batchShape, g.m, g.n], [batch, g.m], (src, [bi, mi], ni) => {
    const [r, c] = swap ? [ni, `(${mi} | 0)`] : [`(${mi} | 0)`, ni];
    const group = batch === 1 ? `(${r} >> 2)` : `((${bi} | 0) * ${plan.rowGroups} + (${r} >> 2))`;
    return `(${group} * ${plan.cols} + ${c}) * 4 + (${r} & 3)`;
  }, resultDType(a));
  backend.release(tiles);
  return out;
}

export function matmulTiled(backend: GpujsBackend, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): TensorInfo | null {
  const g = matmulGeometry(a, b, attrs);
  const batch = sizeFromShape(g.batchShape);
  if (g.m * g.n * g.k * batch < TILED_MIN_WORK) return null;
  if (backend.device.isAsync) return null; // WebGPU: four-channel results cannot be kernel arguments in gpu.js
  if (backend.device.mode === 'webasm') return matmulRowTiles(backend, a, b, attrs, g, batch);
  const plan = planGemm(
    { batch, m: g.m, n: g.n, k: g.k, batchedA: sizeFromShape(g.batchA) > 1, batchedB: sizeFromShape(g.batchB) > 1 },
    backend.device.maxTextureSize,
  );
  if (!plan) return null;
  const aPacked = packRows(backend, 'BatchMatMul pack A', a, { matrices: plan.batchedA ? batch : 1, rows: g.m, rowsPad: plan.mPad, k: g.k, kPad: plan.kPad, perTexel: 4 }, (src, ref, bi, r, c) => {
    const base = matrixBase(src, bi, g.batchA, g.batchShape, g.aRows * g.aCols);
    return src.read(ref, attrs.transposeA ? `${base} + ${c} * ${lit(g.aCols)} + ${r}` : `${base} + ${r} * ${lit(g.aCols)} + ${c}`);
  });
  // B goes in transposed: row j holds column j of op(B).
  const bPacked = packRows(backend, 'BatchMatMul pack B', b, { matrices: plan.batchedB ? batch : 1, rows: g.n, rowsPad: plan.nPad, k: g.k, kPad: plan.kPad, perTexel: 4 }, (src, ref, bi, j, c) => {
    const base = matrixBase(src, bi, g.batchB, g.batchShape, g.bRows * g.bCols);
    return src.read(ref, attrs.transposeB ? `${base} + ${j} * ${lit(g.bCols)} + ${c}` : `${base} + ${c} * ${lit(g.bCols)} + ${j}`);
  });
  const tiles = tiledGemm(backend, plan, aPacked, bPacked);
  const out = unpackTiles(backend, 'BatchMatMul unpack', tiles, plan, [...g.batchShape, g.m, g.n], resultDType(a), (src) => {
    const [bi, rest] = src.divmod('i', g.m * g.n);
    const [r, c] = src.divmod(rest, g.n);
    return [bi, r, c];
  });
  for (const t of [aPacked, bPacked, tiles]) backend.release(t);
  return out;
}

const batchMatMul: GpujsKernel<MatMulAttrs> = ({ inputs: { a, b }, attrs, backend }) =>
  matmulTiled(backend, a, b, attrs) ?? matmulPlain(backend, a, b, attrs);

/** The product and then the bias through the broadcasting add: one more pass, no new shader. */
const addBias = binaryKernel('AddMm bias', (_src, x, y) => `${x} + ${y}`);
const addMm: GpujsKernel<MatMulAttrs> = ({ inputs: { a, b, bias }, attrs, backend }) => {
  const product = matmulTiled(backend, a, b, attrs) ?? matmulPlain(backend, a, b, attrs);
  const out = addBias({ inputs: { a: product, b: bias }, attrs: {}, backend }) as TensorInfo;
  backend.release(product);
  return out;
};

export const matmulKernels: KernelConfig[] = [
  { kernelName: KernelName.BatchMatMul, kernelFunc: batchMatMul },
  { kernelName: KernelName.AddMm, kernelFunc: addMm },
];
