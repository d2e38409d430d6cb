/**
 * Broadcasting binary kernels, all built by `binaryKernel(fn)`. The output is walked in runs
 * (see broadcast.ts): one run for equal shapes or a scalar operand, rows for a bias over
 * the last axis, H*W-long runs for a per-channel term over NCHW.
 *
 * V8 shares type feedback between all closures made at one site, so `fn` called per
 * element from the shared loop is a megamorphic, never-inlined call. The hot ops therefore
 * also pass `loop`: the same formula written out as its own strided loop.
 */
import { broadcastShapes, KernelName, type DType, type TypedArray } from '@nn/tensor';
import { broadcastPlan, nextRun } from './broadcast.js';
import { binaryWasm, planeOperand, type ElementwiseOp } from './elementwise_wasm.js';
import type { CpuKernel, KernelConfig } from './types.js';

/** One run: out[o + i] = f(a[ia + i * sa], b[ib + i * sb]) for i < n. */
export type BinaryLoop = (a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, out: TypedArray, o: number, n: number) => void;

export interface BinaryKernelOptions {
  /** Output dtype; the inputs' (already promoted) dtype by default. */
  outDType?: DType;
  /** A specialised loop for hot ops; must compute exactly `fn`. */
  loop?: BinaryLoop;
  /** The WebAssembly kernel's op that computes exactly `fn` on float32 (large outputs, elementwise_wasm.ts). */
  wasm?: ElementwiseOp;
}

export function binaryKernel(fn: (a: number, b: number) => number, { outDType, loop, wasm }: BinaryKernelOptions = {}): CpuKernel {
  const run: BinaryLoop =
    loop ??
    ((a, ia, sa, b, ib, sb, out, o, n) => {
      for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = fn(a[ia], b[ib]);
    });
  return ({ inputs: { a, b }, backend }) => {
    const outShape = broadcastShapes('binary', a.shape, b.shape);
    const { info, values: out } = backend.allocate(outShape, outDType ?? a.dtype, false);
    if (out.length === 0) return info;
    const av = backend.values<TypedArray>(a.dataId);
    const bv = backend.values<TypedArray>(b.dataId);
    const size = out.length;
    if (wasm !== undefined && av instanceof Float32Array && bv instanceof Float32Array && out instanceof Float32Array && av.length === size) {
      const layout = bv.length === size ? { kind: 'full' as const } : bv.length === 1 ? { kind: 'scalar' as const } : planeOperand(b.shape, outShape);
      if (layout !== null && binaryWasm(wasm, av, bv, layout, out)) return info;
    }
    // The common cases skip the plan: an operand as large as the output is contiguous with it.
    if (av.length === size && (bv.length === size || bv.length === 1)) {
      run(av, 0, 1, bv, 0, bv.length === size ? 1 : 0, out, 0, size);
    } else if (av.length === 1 && bv.length === size) {
      run(av, 0, 0, bv, 0, 1, out, 0, size);
    } else if (av.length === size && isTrailingRow(b.shape, outShape)) {
      // A bias over the last axes ([N, 8] + [8]): one run per row, no odometer.
      const n = bv.length;
      for (let o = 0; o < size; o += n) run(av, o, 1, bv, 0, 1, out, o, n);
    } else {
      const plan = broadcastPlan([a.shape, b.shape], outShape);
      const [sa, sb] = plan.innerStrides;
      const index = new Int32Array(plan.outerShape.length);
      const offsets = new Int32Array(2);
      for (let o = 0; o < size; o += plan.inner) {
        run(av, offsets[0], sa, bv, offsets[1], sb, out, o, plan.inner);
        nextRun(plan, index, offsets);
      }
    }
    return info;
  };
}

/** Whether `shape` is the trailing dims of `outShape`, leading 1s aside: a row repeated down the output. */
function isTrailingRow(shape: readonly number[], outShape: readonly number[]): boolean {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  if (i === shape.length) return false;
  for (let j = outShape.length - (shape.length - i); i < shape.length; i++, j++) if (shape[i] !== outShape[j]) return false;
  return true;
}

// The hot loops. Each is `fn` written out; strides are 0 or 1, so the loads stay simple.
const addLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] + b[ib];
};
const subLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] - b[ib];
};
const mulLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  // Math.imul wraps like int32 hardware; a double product of two int32 can lose low bits.
  if (out instanceof Int32Array) for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = Math.imul(a[ia], b[ib]);
  else for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] * b[ib];
};
const divLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] / b[ib];
};
const maximumLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) {
    const x = a[ia];
    const y = b[ib];
    out[o] = x > y || x !== x ? x : y; // NaN on either side wins, as torch.maximum
  }
};
const minimumLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) {
    const x = a[ia];
    const y = b[ib];
    out[o] = x < y || x !== x ? x : y;
  }
};

/** C's pow, which PyTorch follows: pow(1, NaN) and pow(-1, ±Infinity) are 1, where JS says NaN. */
function powC(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b);
}
const powLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  if (sb === 0 && b[ib] === 2 && out instanceof Float32Array) for (const end = o + n; o < end; o++, ia += sa) out[o] = a[ia] * a[ia];
  else for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = powC(a[ia], b[ib]);
};

// Comparisons: +(boolean) converts without a branch, about 3x faster than a ternary here.
const equalLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = +(a[ia] === b[ib]);
};
const notEqualLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = +(a[ia] !== b[ib]);
};
const lessLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = +(a[ia] < b[ib]);
};
const lessEqualLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = +(a[ia] <= b[ib]);
};
const greaterLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = +(a[ia] > b[ib]);
};
const greaterEqualLoop: BinaryLoop = (a, ia, sa, b, ib, sb, out, o, n) => {
  for (const end = o + n; o < end; o++, ia += sa, ib += sb) out[o] = +(a[ia] >= b[ib]);
};

export const binaryKernels: KernelConfig[] = [
  { kernelName: KernelName.Add, kernelFunc: binaryKernel((a, b) => a + b, { loop: addLoop, wasm: 'add' }) },
  { kernelName: KernelName.Sub, kernelFunc: binaryKernel((a, b) => a - b, { loop: subLoop, wasm: 'sub' }) },
  { kernelName: KernelName.Mul, kernelFunc: binaryKernel((a, b) => a * b, { loop: mulLoop, wasm: 'mul' }) },
  { kernelName: KernelName.Div, kernelFunc: binaryKernel((a, b) => a / b, { loop: divLoop }) },
  { kernelName: KernelName.Pow, kernelFunc: binaryKernel(powC, { loop: powLoop }) },
  { kernelName: KernelName.Maximum, kernelFunc: binaryKernel((a, b) => (a > b || a !== a ? a : b), { loop: maximumLoop }) },
  { kernelName: KernelName.Minimum, kernelFunc: binaryKernel((a, b) => (a < b || a !== a ? a : b), { loop: minimumLoop }) },
  { kernelName: KernelName.Equal, kernelFunc: binaryKernel((a, b) => +(a === b), { outDType: 'bool', loop: equalLoop }) },
  { kernelName: KernelName.NotEqual, kernelFunc: binaryKernel((a, b) => +(a !== b), { outDType: 'bool', loop: notEqualLoop }) },
  { kernelName: KernelName.Less, kernelFunc: binaryKernel((a, b) => +(a < b), { outDType: 'bool', loop: lessLoop }) },
  { kernelName: KernelName.LessEqual, kernelFunc: binaryKernel((a, b) => +(a <= b), { outDType: 'bool', loop: lessEqualLoop }) },
  { kernelName: KernelName.Greater, kernelFunc: binaryKernel((a, b) => +(a > b), { outDType: 'bool', loop: greaterLoop }) },
  { kernelName: KernelName.GreaterEqual, kernelFunc: binaryKernel((a, b) => +(a >= b), { outDType: 'bool', loop: greaterEqualLoop }) },
  // Nonzero is true; NaN !== 0, so NaN is true, as in PyTorch.
  { kernelName: KernelName.LogicalAnd, kernelFunc: binaryKernel((a, b) => +(a !== 0 && b !== 0), { outDType: 'bool' }) },
  { kernelName: KernelName.LogicalOr, kernelFunc: binaryKernel((a, b) => +(a !== 0 || b !== 0), { outDType: 'bool' }) },
  { kernelName: KernelName.LogicalXor, kernelFunc: binaryKernel((a, b) => +(a !== 0 !== (b !== 0)), { outDType: 'bool' }) },
];
