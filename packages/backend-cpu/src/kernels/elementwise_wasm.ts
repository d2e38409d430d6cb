/**
 * Large float32 elementwise ops (add, sub, mul, ReLU and its gradient) on the WebAssembly kernel (gemm.wat's
 * `ew_binary`, `ew_relu`), split over the worker pool by contiguous ranges. They are ResNet's
 * batch norm in eval mode (a per-channel mul and add), its residual adds and ReLUs: about a
 * fifth of its time as JavaScript loops (about 2 ns a value) on the calling thread while the
 * workers waited. The operands are copied into the kernel's memory and the result out (about
 * 0.1 ns a value each), the vector pass runs on every thread. Each value is one float32
 * operation wherever it runs, as the JavaScript loops compute it, so the bits are the same
 * on one thread and on many, and as on the loops they replace.
 */
import { jobRunner } from '../threads/jobs.js';
import { threadRuntime } from '../threads/runtime.js';
import { gemmKernel } from './gemm.js';
import { roundUp } from './gemm_pack.js';

const { layout: jobs, elementwiseParams: EW } = threadRuntime();

/** Values from which an op takes this path: below it, the JavaScript loop costs less than the copies and the call. */
export const ELEMENTWISE_MIN = 1 << 14;
/** Values at most (a and b take up to 64 MiB of module memory, which never shrinks); larger ops keep the loops. */
const ELEMENTWISE_MAX = 1 << 23;
/**
 * Multiply-adds a value counts for against the pool's threshold (setNumThreads's minWork, 2²²
 * by default), so ops of 2¹⁶ values and more split: about 20 µs of one thread's work, the
 * order of a wake-up.
 */
const WORK_PER_VALUE = 64;
/** Tasks per thread, so that a thread the OS runs late leaves little for the others to wait on. */
const TASKS_PER_THREAD = 4;
/** Narrowest per-plane operand that takes this path: each plane is one kernel call. */
const MIN_PLANE = 16;

/** gemm.wat's ew_binary ops; reluGrad takes dy as a and relu's output y as b. */
const BINARY_OPS = { add: 0, sub: 1, mul: 2, reluGrad: 4 } as const;
const RELU = 3;
export type ElementwiseOp = keyof typeof BINARY_OPS;

/**
 * How b lies against a (as long as out): 'full' (same length), 'scalar' (one value), or one
 * value per plane of `plane` values, cycling through `channels` (a [1, C, 1, 1] term over NCHW).
 */
export type Operand = { kind: 'full' | 'scalar' } | { kind: 'planes'; plane: number; channels: number };

/** out = a op b on the WebAssembly kernel; false (nothing done) where this path does not apply. */
export function binaryWasm(op: ElementwiseOp, a: Float32Array, b: Float32Array, layout: Operand, out: Float32Array): boolean {
  if (layout.kind === 'planes' && layout.plane < MIN_PLANE) return false;
  return run(BINARY_OPS[op], op, a, b, layout, out);
}

/** out = relu(a) on the WebAssembly kernel; false where this path does not apply. */
export function reluWasm(a: Float32Array, out: Float32Array): boolean {
  return run(RELU, 'relu', a, null, { kind: 'full' }, out);
}

/**
 * The layout of a broadcast operand of shape `shape` against `outShape` when it is one value
 * per plane (size 1 on every axis but one, k, which matches the output), else null.
 */
export function planeOperand(shape: readonly number[], outShape: readonly number[]): Operand | null {
  const offset = outShape.length - shape.length;
  let axis = -1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    if (axis !== -1 || shape[i] !== outShape[i + offset]) return null;
    axis = i + offset;
  }
  if (axis === -1) return null;
  const plane = outShape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return { kind: 'planes', plane, channels: outShape[axis] };
}

function run(op: number, name: string, a: Float32Array, b: Float32Array | null, layout: Operand, out: Float32Array): boolean {
  const n = a.length;
  if (n < ELEMENTWISE_MIN || n > ELEMENTWISE_MAX || gemmKernel() !== 'wasm') return false;
  // a at 0, the result written over it; b after it.
  const bStart = roundUp(n, 4);
  const floats = bStart + (b?.length ?? 0);
  const runner = jobRunner(n * WORK_PER_VALUE, () => floats);
  const heap = runner.heap(floats)!;
  heap.set(a, 0);
  if (b !== null) heap.set(b, bStart);
  // Whole planes per task for a per-plane operand, whole vectors otherwise.
  const unit = layout.kind === 'planes' ? layout.plane : 4;
  const chunk = runner.threads === 1 ? n : roundUp(Math.ceil(n / (TASKS_PER_THREAD * runner.threads)), unit);
  const params = new Map([
    [EW.OP, op], [EW.A, 0], [EW.B, bStart * 4], [EW.B_MODE, layout.kind === 'full' ? 0 : layout.kind === 'scalar' ? 1 : 2], [EW.OUT, 0],
    [EW.N, n], [EW.PLANE, layout.kind === 'planes' ? layout.plane : 0], [EW.CHANNELS, layout.kind === 'planes' ? layout.channels : 0], [EW.CHUNK, chunk],
  ]);
  runner.run(jobs.ELEMENTWISE, params, Math.ceil(n / chunk), name);
  out.set(heap.subarray(0, n));
  return true;
}
