/**
 * The blocked GEMM on a WebAssembly SIMD micro-kernel (wasm/gemm.wat, embedded as base64 in
 * gemm_wasm_module.ts, so it loads the same way in Node and browsers with no .wasm file to
 * serve). JavaScript packs each KC×NC slice of B and MC×KC block of A straight into the
 * module's memory as float32 panels (packB8/packA4 below, gemm_pack.ts for partial panels);
 * the module's `block` computes their product into a C buffer there, which is then added or
 * copied into the real C.
 */
import type { GemmArgs } from './gemm.js';
import { packA, packB, roundUp } from './gemm_pack.js';
import { GEMM_WASM_BASE64, GEMM_WASM_RELAXED_BASE64 } from './gemm_wasm_module.js';

/**
 * Tile of the SIMD kernel (fixed by gemm.wat) and block sizes, measured on 256³–1024³ with
 * V8: KC = 512 beat 128/256/384 by 5–30% (fewer passes over C); MC from 32 to 96 and NC
 * from 512 to 4096 made no difference. A B panel (KC·NR floats, 16 KiB) stays in L1 and an
 * A block (MC·KC floats, 128 KiB) in L2.
 */
export const MR = 4;
export const NR = 8;
export const MC = 64;
export const KC = 512;
const NC = 1024;

// The few WebAssembly types used here: the build targets plain ES2022 with no DOM or Node types.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
export interface GemmModule {
  memory: WasmMemory;
  /** (rowTiles, colTiles, kc, aBytes, bBytes, cBytes, ldcBytes): packed A·B into C, all offsets in bytes. */
  block: (rowTiles: number, colTiles: number, kc: number, a: number, b: number, c: number, ldc: number) => void;
  /** `block` adding into C (the convolutions' later depth slices). */
  block_acc: (rowTiles: number, colTiles: number, kc: number, a: number, b: number, c: number, ldc: number) => void;
  /** (panels, kc, dstBytes, recordsBytes, tapsBytes): B panels of a conv from a padded input (conv2d_packed.ts). */
  pack_im2col: (panels: number, kc: number, dst: number, records: number, taps: number) => void;
  /** (panels, kc, dstBytes, srcBytes, ldaBytes): 4-row A panels of a row-major matrix already in memory. */
  pack_a4: (panels: number, kc: number, dst: number, src: number, lda: number) => void;
  /** Winograd F(2×2, 3×3) transforms (conv2d_winograd.ts; arguments as gemm.wat documents them). */
  winograd_weights: (rows: number, channels: number, src: number, dst: number, xi: number) => void;
  winograd_input: (groups: number, g0: number, perRow: number, channels: number, src: number, rowBytes: number, planeBytes: number, dst: number, xi: number) => void;
  winograd_output: (rows: number, groups: number, g0: number, perRow: number, src: number, ldc: number, xi: number, dst: number, rowBytes: number, planeBytes: number) => void;
  /** (op, aBytes, bBytes, bStep, outBytes, n): out = a op b elementwise, op 0 add, 1 sub, 2 mul; bStep 0 repeats one b value. */
  ew_binary: (op: number, a: number, b: number, bStep: number, out: number, n: number) => void;
  /** (aBytes, outBytes, n): ReLU as reluFloat32. */
  ew_relu: (a: number, out: number, n: number) => void;
  /** Max pooling over dense windows with indices (max_pool_wasm.ts; arguments as gemm.wat documents them). */
  max_pool: (planes: number, src: number, planeBytes: number, inW: number, outH: number, outW: number, rows: number, cols: number, dst: number, idx: number) => void;
}

/** pack_im2col's panel record, in 4-byte words: mode, three words of padding, eight addresses. */
export const RECORD_WORDS = 12;

/** undefined: not tried yet; null: unavailable (no WebAssembly, no SIMD, or forbidden by CSP). */
let simd: GemmModule | null | undefined;
/** Whether the loaded kernel is the relaxed-SIMD one (fused multiply-add where the CPU has it). */
let relaxed = false;
/** Float32 view of the module memory; replaced whenever the memory grows (growing detaches it). */
let heap = new Float32Array(0);

/** Instantiates the SIMD kernel on first call; false where it cannot run. */
export function wasmGemmAvailable(): boolean {
  if (simd === undefined) simd = instantiate();
  return simd !== null;
}

/** Whether large products run on the relaxed-SIMD kernel (f32x4.relaxed_madd), see relaxedSimdWanted. */
export function wasmGemmRelaxed(): boolean {
  return wasmGemmAvailable() && relaxed;
}

/** WebAssembly and atob where the runtime has both. */
export function wasmApi(): WasmApi | undefined {
  const scope = globalThis as unknown as { WebAssembly?: WasmApi; atob?: (text: string) => string };
  return scope.atob === undefined ? undefined : scope.WebAssembly;
}

export function decodeBase64(text: string): Uint8Array {
  const binary = (globalThis as unknown as { atob: (text: string) => string }).atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Relaxed SIMD (Chrome 114+, Node 22+; Node 20 only with --experimental-wasm-relaxed-simd)
 * lets f32x4.relaxed_madd be one fused multiply-add where the CPU has FMA: fewer
 * instructions, and one rounding instead of two, so results differ in the last bits from the
 * mul+add kernel and from one machine to another (never between thread counts on one
 * machine: every thread runs the same instruction). NN_RELAXED_SIMD=0 keeps mul+add.
 */
function relaxedSimdWanted(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NN_RELAXED_SIMD !== '0';
}

/** The relaxed variant where the runtime validates it (and it is wanted), else the plain one. */
function pickVariant(wasm: WasmApi, plain: string, relaxedVariant: string): { bytes: Uint8Array; relaxed: boolean } {
  if (relaxedSimdWanted()) {
    const bytes = decodeBase64(relaxedVariant);
    if (wasm.validate(bytes)) return { bytes, relaxed: true };
  }
  return { bytes: decodeBase64(plain), relaxed: false };
}

function instantiate(): GemmModule | null {
  const wasm = wasmApi();
  if (wasm === undefined) return null;
  try {
    const variant = pickVariant(wasm, GEMM_WASM_BASE64, GEMM_WASM_RELAXED_BASE64);
    // Fails on engines without SIMD (Safari before 16.4, old Node): fall back to JS.
    if (!wasm.validate(variant.bytes)) return null;
    // Synchronous compilation is fine for modules this small: Chromium 156 compiles the 4.3 KB GEMM module on a page's main thread (Chrome once refused above 4 KB there).
    const { exports } = new wasm.Instance(new wasm.Module(variant.bytes), {});
    const loaded = exports as unknown as GemmModule;
    heap = new Float32Array(loaded.memory.buffer);
    relaxed = variant.relaxed;
    return loaded;
  } catch {
    // e.g. a Content-Security-Policy without 'wasm-unsafe-eval'.
    return null;
  }
}

/**
 * The module and a float32 view of at least `floats` of its memory, for kernels that lay out
 * their own operands there (conv2d_packed.ts); requires wasmGemmAvailable(). The view is
 * detached by the next call that grows the memory.
 */
export function wasmKernels(floats: number): { module: GemmModule; heap: Float32Array } {
  const wasm = simd!;
  return { module: wasm, heap: ensureFloats(wasm, floats) };
}

function ensureFloats(wasm: GemmModule, floats: number): Float32Array {
  const bytes = floats * 4;
  if (wasm.memory.buffer.byteLength < bytes) {
    wasm.memory.grow(Math.ceil((bytes - wasm.memory.buffer.byteLength) / 65536));
    heap = new Float32Array(wasm.memory.buffer);
  }
  return heap;
}

/** C = (accumulate ? C : 0) + op(A)·op(B) for m, n, k >= 1; requires wasmGemmAvailable(). */
export function gemmPackedWasm(g: GemmArgs): void {
  const wasm = simd!;
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  const kcMax = Math.min(KC, k);
  const ncMax = Math.min(NC, roundUp(n, NR));
  const mcMax = Math.min(MC, roundUp(m, MR));
  // Memory layout, in floats: packed B slice, packed A block, C buffer (mcMax × ncMax).
  const aStart = kcMax * ncMax;
  const cStart = aStart + kcMax * mcMax;
  const mem = ensureFloats(wasm, cStart + mcMax * ncMax);
  const block = wasm.block;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const colTiles = Math.ceil(nc / NR);
    const ldcBuf = colTiles * NR;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // Earlier depth slices have written C already; the first one overwrites unless accumulating.
      const add = accumulate || pc > 0;
      packB8(b, bOffset, ldb, transB, pc, kc, jc, nc, mem, 0);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA4(a, aOffset, lda, transA, ic, mc, pc, kc, mem, aStart);
        block(Math.ceil(mc / MR), colTiles, kc, aStart * 4, 0, cStart * 4, ldcBuf * 4);
        for (let i = 0; i < mc; i++) {
          const src = cStart + i * ldcBuf;
          const dst = cOffset + (ic + i) * ldc + jc;
          if (add) for (let j = 0; j < nc; j++) c[dst + j] += mem[src + j];
          else c.set(mem.subarray(src, src + nc), dst);
        }
      }
    }
  }
}

/**
 * packB of gemm_pack.ts for NR = 8, with the full panels unrolled: the packing is a tenth of
 * the work at 256³, and the generic loops were 2.5× slower.
 */
export function packB8(b: Float32Array, bOffset: number, ldb: number, transB: boolean, pc: number, kc: number, jc: number, nc: number, dst: Float32Array, start: number): void {
  const full = nc - (nc % NR);
  let o = start;
  for (let jr = 0; jr < full; jr += NR) {
    if (!transB) {
      for (let p = 0, src = bOffset + pc * ldb + jc + jr; p < kc; p++, src += ldb, o += NR) {
        dst[o] = b[src]; dst[o + 1] = b[src + 1]; dst[o + 2] = b[src + 2]; dst[o + 3] = b[src + 3];
        dst[o + 4] = b[src + 4]; dst[o + 5] = b[src + 5]; dst[o + 6] = b[src + 6]; dst[o + 7] = b[src + 7];
      }
    } else {
      // Eight rows of the stored Bᵀ, read side by side.
      const s0 = bOffset + (jc + jr) * ldb + pc;
      const s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb, s4 = s3 + ldb, s5 = s4 + ldb, s6 = s5 + ldb, s7 = s6 + ldb;
      for (let p = 0; p < kc; p++, o += NR) {
        dst[o] = b[s0 + p]; dst[o + 1] = b[s1 + p]; dst[o + 2] = b[s2 + p]; dst[o + 3] = b[s3 + p];
        dst[o + 4] = b[s4 + p]; dst[o + 5] = b[s5 + p]; dst[o + 6] = b[s6 + p]; dst[o + 7] = b[s7 + p];
      }
    }
  }
  if (full < nc) packB(b, bOffset, ldb, transB, pc, kc, jc + full, nc - full, NR, dst, o);
}

/** packA of gemm_pack.ts for MR = 4, full panels unrolled (see packB8). */
export function packA4(a: Float32Array, aOffset: number, lda: number, transA: boolean, ic: number, mc: number, pc: number, kc: number, dst: Float32Array, start: number): void {
  const full = mc - (mc % MR);
  let o = start;
  for (let ir = 0; ir < full; ir += MR) {
    if (!transA) {
      // Four rows of A, read side by side.
      const s0 = aOffset + (ic + ir) * lda + pc;
      const s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
      for (let p = 0; p < kc; p++, o += MR) {
        dst[o] = a[s0 + p]; dst[o + 1] = a[s1 + p]; dst[o + 2] = a[s2 + p]; dst[o + 3] = a[s3 + p];
      }
    } else {
      for (let p = 0, src = aOffset + pc * lda + ic + ir; p < kc; p++, src += lda, o += MR) {
        dst[o] = a[src]; dst[o + 1] = a[src + 1]; dst[o + 2] = a[src + 2]; dst[o + 3] = a[src + 3];
      }
    }
  }
  if (full < mc) packA(a, aOffset, lda, transA, ic + full, mc - full, pc, kc, MR, dst, o);
}
