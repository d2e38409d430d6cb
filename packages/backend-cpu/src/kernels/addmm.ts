/**
 * AddMm: out = op(a)·op(b) + bias for 2-D a and b, bias [n] (a linear layer's, added to every
 * row) or [m, n]. A narrow product over many rows (a small layer over a grid) starts its
 * float64 sums from the bias in the WebAssembly kernel; everything else is the GEMM, then
 * one pass adding the bias, which rounds exactly as matmul followed by add.
 */
import { KernelName, type MatMulAttrs } from '@nn/tensor';
import { gemm, type GemmArgs } from './gemm.js';
import { gemmNarrowWasm, prefersNarrowWasm } from './small_wasm.js';
import type { CpuKernel, KernelConfig } from './types.js';

const addMm: CpuKernel<MatMulAttrs> = ({ inputs: { a, b, bias }, attrs: { transposeA, transposeB }, backend }) => {
  const [aRows, aCols] = a.shape;
  const [bRows, bCols] = b.shape;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const { info, values: c } = backend.allocate([m, n], 'float32', false);
  if (c.length === 0) return info;
  const addend = backend.values(bias.dataId);
  const g: GemmArgs = {
    m, n, k,
    a: backend.values(a.dataId), aOffset: 0, lda: aCols, transA: transposeA,
    b: backend.values(b.dataId), bOffset: 0, ldb: bCols, transB: transposeB,
    c, cOffset: 0, ldc: n, accumulate: false,
  };
  const rowBias = bias.shape.length === 1;
  if (rowBias && prefersNarrowWasm(g) && gemmNarrowWasm(g, addend)) return info;
  gemm(g);
  if (rowBias) {
    for (let i = 0, row = 0; i < m; i++, row += n) for (let j = 0; j < n; j++) c[row + j] += addend[j];
  } else {
    for (let i = 0; i < c.length; i++) c[i] += addend[i];
  }
  return info;
};

export const addMmKernels: KernelConfig[] = [{ kernelName: KernelName.AddMm, kernelFunc: addMm }];
