/**
 * General matrix multiply on row-major float32 panels, the one routine under matmul and
 * the im2col convolutions:
 *
 *   C[m×n] = (accumulate ? C : 0) + op(A)[m×k] · op(B)[k×n]
 *
 * where op(A) is A or Aᵀ (transA) and A is read at a[aOffset + i*lda + p] (or
 * a[aOffset + p*lda + i] when transposed); likewise B and C.
 *
 * Four implementations behind one entry point: tiny and thin products go unpacked
 * (gemm_small.ts), outputs at most 8 wide over a short depth row by row in registers
 * (gemm_narrow.ts); the rest run the cache-blocked, packed algorithm of BLIS/GotoBLAS on a
 * WebAssembly SIMD micro-kernel (gemm_wasm.ts; untransposed operands copied into module
 * memory and packed there, gemm_wasm_resident.ts) where the runtime has it, else on a
 * register-tiled JavaScript one (gemm_js.ts), about 5× slower. Large packed products on the
 * SIMD kernel are split over the worker pool where threads are on (gemm_threaded.ts).
 */
import { gemmPackedJs } from './gemm_js.js';
import { gemmNarrow, prefersNarrow } from './gemm_narrow.js';
import { gemmSmall, prefersSmall } from './gemm_small.js';
import { gemmThreaded } from './gemm_threaded.js';
import { gemmPackedWasm, wasmGemmAvailable } from './gemm_wasm.js';
import { gemmResidentWasm, prefersResident } from './gemm_wasm_resident.js';
import { gemmNarrowWasm, prefersNarrowWasm } from './small_wasm.js';

export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  aOffset: number;
  lda: number;
  transA: boolean;
  b: Float32Array;
  bOffset: number;
  ldb: number;
  transB: boolean;
  c: Float32Array;
  cOffset: number;
  ldc: number;
  accumulate: boolean;
}

export type GemmKernel = 'wasm' | 'js';

/** Chosen on first use: the SIMD kernel when it loads. */
let packedKernel: GemmKernel | null = null;

/** The micro-kernel that large products run on. */
export function gemmKernel(): GemmKernel {
  packedKernel ??= wasmGemmAvailable() ? 'wasm' : 'js';
  return packedKernel;
}

/** Forces a micro-kernel (tests and benchmarks compare them); 'wasm' throws where it cannot load. */
export function setGemmKernel(kernel: GemmKernel): void {
  if (kernel === 'wasm' && !wasmGemmAvailable()) throw new Error('gemm: the WebAssembly SIMD kernel is not available in this runtime');
  packedKernel = kernel;
}

export function gemm(g: GemmArgs): void {
  const { m, n, k } = g;
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!g.accumulate) zeroC(g);
  } else if (gemmKernel() === 'wasm') {
    if (prefersNarrowWasm(g) && gemmNarrowWasm(g)) return;
    if (prefersSmall(m, n, k, 1)) gemmSmall(g);
    else if (prefersNarrow(n, k)) gemmNarrow(g);
    else if (gemmThreaded(g)) return;
    else if (prefersResident(g)) gemmResidentWasm(g);
    else gemmPackedWasm(g);
  } else {
    if (prefersSmall(m, n, k, 2)) gemmSmall(g);
    else if (prefersNarrow(n, k)) gemmNarrow(g);
    else gemmPackedJs(g);
  }
}

function zeroC(g: GemmArgs): void {
  for (let i = 0; i < g.m; i++) {
    const row = g.cOffset + i * g.ldc;
    g.c.fill(0, row, row + g.n);
  }
}
