/**
 * The kernels of wasm/small.wat, where the Playground spends its frame: GEMM for outputs at
 * most 8 columns wide (with the bias folded into the sums), two float64 lanes at a time and
 * bit-identical to its JavaScript twin gemmNarrow, 4–5× faster; and tanh in float32 four lanes
 * at a time, within 2 ulp of the correctly rounded result that the JavaScript tanhFloat32
 * gives, 5× faster. Work runs in chunks through a fixed region of the module's own memory, so a large
 * tensor never grows it past a few hundred kilobytes.
 */
import type { GemmArgs } from './gemm.js';
import { SMALL_WASM_BASE64 } from './small_wasm_module.js';
import { decodeBase64, wasmApi, type WasmMemory } from './gemm_wasm.js';

interface SmallModule {
  memory: WasmMemory;
  /** (m, k, aBytes, wBytes, biasBytes, cBytes, ldcBytes) */
  narrow8: (m: number, k: number, a: number, w: number, bias: number, c: number, ldc: number) => void;
  narrow2: (m: number, k: number, a: number, w: number, bias: number, c: number, ldc: number) => void;
  /** (xBytes, outBytes, quads) */
  tanh: (x: number, out: number, quads: number) => void;
  /** (pBytes, gBytes, mBytes, vBytes, vmaxBytes, quads, flags, beta2, 1 − beta1, 1 − beta2, weightDecay, decayFactor, eps, stepSize, bc2) */
  adam: (p: number, g: number, m: number, v: number, vmax: number, quads: number, flags: number, ...constants: number[]) => void;
}

/** Floats moved per call: 256 KiB in and out, a chunk that stays in L2. */
const CHUNK = 65536;
/** Widest depth the narrow kernels take (the W panel then fills at most 8 KiB). */
export const SMALL_MAX_K = 128;

/** Byte offsets in the module's memory: W panel (k×8 float64), bias (8 float64), A, C. */
const W_AT = 0;
const BIAS_AT = W_AT + SMALL_MAX_K * 8 * 8;
const A_AT = BIAS_AT + 8 * 8;
const C_AT = A_AT + CHUNK * 4;
/** Adam's five operands, ADAM_CHUNK floats each (320 KiB in all, in L2). */
const ADAM_CHUNK = 16384;
const ADAM_AT = C_AT + (CHUNK + 8) * 4;
const END = ADAM_AT + 5 * ADAM_CHUNK * 4;

/** undefined: not tried yet; null: unavailable (no WebAssembly SIMD, or forbidden by CSP). */
let small: SmallModule | null | undefined;
let f32 = new Float32Array(0);
let f64 = new Float64Array(0);

function module(): SmallModule | null {
  if (small !== undefined) return small;
  const exports = instantiate();
  if (exports === null) return (small = null);
  const memory = exports.memory as WasmMemory;
  memory.grow(Math.ceil((END - memory.buffer.byteLength) / 65536));
  f32 = new Float32Array(memory.buffer);
  f64 = new Float64Array(memory.buffer);
  small = {
    memory,
    narrow8: exports.narrow8 as SmallModule['narrow8'],
    narrow2: exports.narrow2 as SmallModule['narrow2'],
    tanh: exports.tanh as SmallModule['tanh'],
    adam: exports.adam as SmallModule['adam'],
  };
  return small;
}

/** The module's exports, or null where it cannot run (no WebAssembly SIMD, or a CSP forbids compiling). */
function instantiate(): Record<string, unknown> | null {
  const wasm = wasmApi();
  if (wasm === undefined) return null;
  try {
    const bytes = decodeBase64(SMALL_WASM_BASE64);
    return wasm.validate(bytes) ? new wasm.Instance(new wasm.Module(bytes), {}).exports : null;
  } catch {
    return null;
  }
}

export function smallWasmAvailable(): boolean {
  return module() !== null;
}

/** out = tanh(x) within 2 ulp; false (nothing written) where the module cannot run. */
export function tanhWasm(x: Float32Array, out: Float32Array): boolean {
  const wasm = module();
  if (wasm === null) return false;
  for (let start = 0; start < x.length; start += CHUNK) {
    const count = Math.min(CHUNK, x.length - start);
    f32.set(x.subarray(start, start + count), A_AT / 4);
    wasm.tanh(A_AT, A_AT, Math.ceil(count / 4));
    out.set(f32.subarray(A_AT / 4, A_AT / 4 + count), start);
  }
  return true;
}

/**
 * Whether the narrow kernels should take this product: many rows of a narrow, shallow output
 * (a small layer over a grid or a batch). Measured over 10,000 rows against the packed SIMD
 * kernel and the JavaScript loops: MEASURED.
 */
export function prefersNarrowWasm({ m, n, k, transA, accumulate }: GemmArgs): boolean {
  return !transA && !accumulate && m >= 16 && n <= 8 && k <= (n <= 2 ? SMALL_MAX_K : 16);
}

/**
 * C = A·op(B) + bias for n ≤ 8 and k ≤ SMALL_MAX_K with A not transposed and C overwritten;
 * bias is n values added to every row (or null). False, with nothing written, where the
 * module cannot run or the case is not one it takes.
 */
export function gemmNarrowWasm(g: GemmArgs, bias: Float32Array | null = null, biasOffset = 0): boolean {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, accumulate } = g;
  if (transA || accumulate || n > 8 || k > SMALL_MAX_K || k === 0) return false;
  const wasm = module();
  if (wasm === null) return false;
  const width = n <= 2 ? 2 : 8;
  const w0 = W_AT / 8;
  f64.fill(0, w0, w0 + k * width);
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) f64[w0 + p * width + j] = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
  }
  const b0 = BIAS_AT / 8;
  f64.fill(0, b0, b0 + 8);
  if (bias !== null) for (let j = 0; j < n; j++) f64[b0 + j] = bias[biasOffset + j];
  const kernel = width === 2 ? wasm.narrow2 : wasm.narrow8;
  const rowsPerChunk = Math.floor(CHUNK / Math.max(k, n));
  const a0 = A_AT / 4;
  const c0 = C_AT / 4;
  for (let i0 = 0; i0 < m; i0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, m - i0);
    if (lda === k) f32.set(a.subarray(aOffset + i0 * k, aOffset + (i0 + rows) * k), a0);
    else for (let i = 0; i < rows; i++) f32.set(a.subarray(aOffset + (i0 + i) * lda, aOffset + (i0 + i) * lda + k), a0 + i * k);
    kernel(rows, k, A_AT, W_AT, BIAS_AT, C_AT, n * 4);
    if (ldc === n) c.set(f32.subarray(c0, c0 + rows * n), cOffset + i0 * n);
    else for (let i = 0; i < rows; i++) c.set(f32.subarray(c0 + i * n, c0 + (i + 1) * n), cOffset + (i0 + i) * ldc);
  }
  return true;
}

/** The inputs and outputs of one Adam step over a parameter (optimizer_update.ts); vmax and its output only with amsgrad. */
export interface AdamArrays {
  param: Float32Array;
  grad: Float32Array;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
  maxExpAvgSq: Float32Array | null;
  nextParam: Float32Array;
  nextAvg: Float32Array;
  nextAvgSq: Float32Array;
  nextMax: Float32Array | null;
}

/** Adam's hyperparameters, each already rounded to float32 as the loop uses them. */
export interface AdamConstants {
  maximize: boolean;
  decays: boolean;
  decoupled: boolean;
  amsgrad: boolean;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  wd: number;
  decay: number;
  eps: number;
  stepSize: number;
  bc2: number;
}

/**
 * One Adam / AdamW step in small.wat's `adam`, bit-identical to optimizer_update.ts's loop and
 * about 15 times faster; false (nothing written) where the module cannot run. The operands go
 * through the module's memory ADAM_CHUNK values at a time.
 */
export function adamWasm(x: AdamArrays, k: AdamConstants): boolean {
  const wasm = module();
  if (wasm === null) return false;
  const flags = (k.maximize ? 1 : 0) | (k.decays ? 2 : 0) | (k.decoupled ? 4 : 0) | (k.amsgrad ? 8 : 0);
  // Byte offsets of the five slots (p, g, m, v, vmax) and their float32 indices.
  const [p, g, m, v, vmax] = [0, 1, 2, 3, 4].map((slot) => ADAM_AT + slot * ADAM_CHUNK * 4);
  const [pAt, gAt, mAt, vAt, vmaxAt] = [p, g, m, v, vmax].map((bytes) => bytes / 4);
  const n = x.param.length;
  for (let start = 0; start < n; start += ADAM_CHUNK) {
    const end = Math.min(n, start + ADAM_CHUNK);
    const count = end - start;
    f32.set(x.param.subarray(start, end), pAt);
    f32.set(x.grad.subarray(start, end), gAt);
    f32.set(x.expAvg.subarray(start, end), mAt);
    f32.set(x.expAvgSq.subarray(start, end), vAt);
    if (x.maxExpAvgSq !== null) f32.set(x.maxExpAvgSq.subarray(start, end), vmaxAt);
    // A last partial quad computes on whatever follows in the slots; only count values come back.
    wasm.adam(p, g, m, v, vmax, Math.ceil(count / 4), flags, k.beta2, k.oneMinusBeta1, k.oneMinusBeta2, k.wd, k.decay, k.eps, k.stepSize, k.bc2);
    x.nextParam.set(f32.subarray(pAt, pAt + count), start);
    x.nextAvg.set(f32.subarray(mAt, mAt + count), start);
    x.nextAvgSq.set(f32.subarray(vAt, vAt + count), start);
    if (x.nextMax !== null) x.nextMax.set(f32.subarray(vmaxAt, vmaxAt + count), start);
  }
  return true;
}
