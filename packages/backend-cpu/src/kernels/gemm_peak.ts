/**
 * The GEMM micro-kernel's own speed on operands that stay in the L1 cache: the ceiling that
 * no matrix product on this machine and runtime can pass, whatever its size, packing or
 * threads. Benchmarks print their figures against it (`pnpm bench`), so that a target above
 * it reads as a limit of the hardware, not of the code around the kernel.
 */
import { gemm, gemmKernel } from './gemm.js';
import { MR, NR, wasmGemmRelaxed, wasmKernels } from './gemm_wasm.js';

export interface GemmPeak {
  /** Billions of floating-point operations (a multiply and an add count two) per second, on one thread. */
  gflopsPerSecond: number;
  /** The kernel measured: the WebAssembly SIMD one (mul+add, or relaxed SIMD's fused multiply-add) or the JavaScript fallback. */
  kernel: 'wasm-simd' | 'wasm-relaxed-simd' | 'js';
}

/** Tiles and depth of the measured block: A (8 KiB) and B (16 KiB) panels and C (4 KiB) fit any L1. */
const ROW_TILES = 4;
const COL_TILES = 4;
const DEPTH = 128;
/** Calls per timed batch, so that a batch (about 0.1 ms at 40 GFLOP/s) is long against the timer's resolution. */
const CALLS = 32;

/**
 * Times the micro-kernel for about `milliseconds` (default 200) of wall time in batches and
 * returns the fastest batch: a batch the scheduler interrupted is slower, never faster, so
 * the best one is the kernel's speed on a free core.
 */
export function measureGemmPeak(milliseconds = 200): GemmPeak {
  if (!(milliseconds > 0)) throw new Error(`measureGemmPeak: milliseconds must be positive, got ${milliseconds}`);
  const kernel = gemmKernel() === 'js' ? 'js' : wasmGemmRelaxed() ? 'wasm-relaxed-simd' : 'wasm-simd';
  const { run, flops } = kernel === 'js' ? jsBlock() : wasmBlock();
  for (let i = 0; i < 8; i++) run(); // Past the baseline tier of the JIT.
  let best = Infinity;
  const end = now() + milliseconds;
  do {
    const start = now();
    for (let i = 0; i < CALLS; i++) run();
    best = Math.min(best, now() - start);
  } while (now() < end);
  return { gflopsPerSecond: (CALLS * flops) / (Math.max(best, 1e-3) * 1e6), kernel };
}

/** Milliseconds from the runtime's high-resolution clock (the build targets plain ES2022, with no DOM or Node types). */
function now(): number {
  return (globalThis as unknown as { performance: { now(): number } }).performance.now();
}

/** The module's `block` on packed panels already in its memory: the kernel alone, no packing. */
function wasmBlock(): { run: () => void; flops: number } {
  const aFloats = ROW_TILES * MR * DEPTH;
  const bFloats = COL_TILES * NR * DEPTH;
  const { module, heap } = wasmKernels(aFloats + bFloats + ROW_TILES * MR * COL_TILES * NR);
  for (let i = 0; i < aFloats + bFloats; i++) heap[i] = ((i % 17) - 8) / 16;
  const ldc = COL_TILES * NR * 4;
  return {
    run: () => module.block(ROW_TILES, COL_TILES, DEPTH, 0, aFloats * 4, (aFloats + bFloats) * 4, ldc),
    flops: 2 * ROW_TILES * MR * COL_TILES * NR * DEPTH,
  };
}

/** Without the SIMD kernel: the JavaScript GEMM on a product of the same size (its packing included, a small part). */
function jsBlock(): { run: () => void; flops: number } {
  const m = ROW_TILES * MR, n = COL_TILES * NR, k = DEPTH;
  const a = Float32Array.from({ length: m * k }, (_, i) => ((i % 17) - 8) / 16);
  const b = Float32Array.from({ length: k * n }, (_, i) => ((i % 13) - 6) / 16);
  const c = new Float32Array(m * n);
  const args = { m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, accumulate: false };
  return { run: () => gemm(args), flops: 2 * m * n * k };
}
