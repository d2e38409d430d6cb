/**
 * Unary elementwise kernels, all built by `unaryKernel(fn)`: one loop over the input array,
 * output of the same dtype unless the kernel says otherwise. The formulas are computed in
 * double precision and rounded once on store.
 *
 * V8 shares type feedback between all closures made at one site, so `fn` called per
 * element from the shared loop is a megamorphic, never-inlined call. The hot ops therefore
 * also pass `loop`: the same formula written out as its own loop. A loop writes every
 * element: the output array may come from the pool with old values in it.
 */
import {
  KernelName,
  type ClipAttrs,
  type DType,
  type EluAttrs,
  type GeluAttrs,
  type LeakyReluAttrs,
  type SoftplusAttrs,
  type TypedArray,
} from '@nn/tensor';
import { reluWasm } from './elementwise_wasm.js';
import { erfc } from './erf.js';
import { tanhWasm } from './small_wasm.js';
import { tanhFloat32 } from './tanh_float32.js';
import type { CpuKernel, KernelConfig } from './types.js';

export type UnaryLoop<A> = (x: TypedArray, out: TypedArray, attrs: A) => void;

export interface UnaryKernelOptions<A> {
  /** Output dtype; the input's by default. */
  outDType?: DType;
  /** A specialised loop for hot ops; must compute exactly `fn`. */
  loop?: UnaryLoop<A>;
}

export function unaryKernel<A = unknown>(fn: (x: number, attrs: A) => number, { outDType, loop }: UnaryKernelOptions<A> = {}): CpuKernel<A> {
  const run: UnaryLoop<A> =
    loop ??
    ((x, out, attrs) => {
      for (let i = 0; i < x.length; i++) out[i] = fn(x[i], attrs);
    });
  return ({ inputs: { x }, attrs, backend }) => {
    const { info, values } = backend.allocate(x.shape, outDType ?? x.dtype, false);
    run(backend.values<TypedArray>(x.dataId), values, attrs);
    return info;
  };
}

/** Half to even, as torch.round: Math.round rounds halves up. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 1 / (1 + exp(-x)) without overflow: exp only of non-positive numbers. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * x * Φ(x). The exact form uses erfc, which keeps its accuracy in the left tail; the tanh
 * form uses 0.5 * (1 + tanh(u)) = sigmoid(2u), which does the same for PyTorch's formula.
 * At -Infinity both give the limit 0 rather than -Infinity * 0 = NaN (PyTorch 2.x returns
 * NaN there and treats that as a bug, pytorch#187293).
 */
function geluErf(x: number): number {
  return x === -Infinity ? 0 : 0.5 * x * erfc(-x * SQRT1_2);
}
function geluTanh(x: number): number {
  return x === -Infinity ? 0 : x * sigmoid(2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
}

/** log(1 + exp(beta x)) / beta, or x past the threshold (PyTorch's rule); log1p form never overflows. */
function softplus(x: number, { beta, threshold }: SoftplusAttrs): number {
  const bx = beta * x;
  if (bx > threshold) return x;
  return (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / beta;
}

/** The int32 reading of -0's float32 bits (only the sign bit set). */
const NEGATIVE_ZERO_BITS = -0x80000000;

/**
 * Relu on float32 bits, without a branch: on activations of random sign `v < 0 ? 0 : v`
 * mispredicts half the time (about 3× slower, measured). A value is kept when its sign bit
 * is clear, or it is NaN or -0 (which the ternary keeps too); negatives become +0.
 */
function reluFloat32(x: Float32Array, out: Float32Array): void {
  const xBits = new Int32Array(x.buffer, x.byteOffset, x.length);
  const outBits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < xBits.length; i++) {
    const bits = xBits[i];
    const v = x[i];
    outBits[i] = bits & -(+(bits >= 0) | +(v !== v) | +(bits === NEGATIVE_ZERO_BITS));
  }
}

const unary = <A = unknown>(kernelName: string, fn: (x: number, attrs: A) => number, options?: UnaryKernelOptions<A>): KernelConfig => ({
  kernelName,
  kernelFunc: unaryKernel(fn, options),
});

export const unaryKernels: KernelConfig[] = [
  unary(KernelName.Neg, (x) => -x, {
    loop: (x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = -x[i];
    },
  }),
  unary(KernelName.Abs, Math.abs, {
    loop: (x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
    },
  }),
  unary(KernelName.Exp, Math.exp, {
    loop: (x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
    },
  }),
  unary(KernelName.Log, Math.log),
  unary(KernelName.Log1p, Math.log1p),
  unary(KernelName.Sqrt, Math.sqrt, {
    loop: (x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
    },
  }),
  unary(KernelName.Rsqrt, (x) => 1 / Math.sqrt(x)),
  unary(KernelName.Square, (x) => x * x, {
    loop: (x, out) => {
      // Math.imul wraps like int32 hardware; a double square of an int32 can lose low bits.
      if (out instanceof Int32Array) for (let i = 0; i < x.length; i++) out[i] = Math.imul(x[i], x[i]);
      else for (let i = 0; i < x.length; i++) out[i] = x[i] * x[i];
    },
  }),
  unary(KernelName.Sin, Math.sin),
  unary(KernelName.Cos, Math.cos),
  unary(KernelName.Sign, (x) => (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0)), // NaN -> 0, as torch.sign
  unary(KernelName.Floor, Math.floor),
  unary(KernelName.Ceil, Math.ceil),
  unary(KernelName.Round, roundHalfEven),
  unary(KernelName.Sigmoid, sigmoid, {
    loop: (x, out) => {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (v >= 0) {
          out[i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
    },
  }),
  unary(KernelName.Tanh, Math.tanh, {
    loop: (x, out) => {
      if (out instanceof Float32Array) {
        if (!(x instanceof Float32Array && tanhWasm(x, out))) tanhFloat32(x, out);
      } else for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
    },
  }),
  // x < 0 is false for NaN, so NaN passes through, as torch.relu.
  unary(KernelName.Relu, (x) => (x < 0 ? 0 : x), {
    loop: (x, out) => {
      if (x instanceof Float32Array && out instanceof Float32Array) {
        if (!reluWasm(x, out)) reluFloat32(x, out);
      } else for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = v < 0 ? 0 : v;
      }
    },
  }),
  unary<LeakyReluAttrs>(KernelName.LeakyRelu, (x, { negativeSlope }) => (x > 0 ? x : x * negativeSlope), {
    loop: (x, out, { negativeSlope }) => {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = v > 0 ? v : v * negativeSlope;
      }
    },
  }),
  unary<EluAttrs>(KernelName.Elu, (x, { alpha }) => (x > 0 ? x : alpha * Math.expm1(x))),
  unary<GeluAttrs>(KernelName.Gelu, (x, { approximate }) => (approximate === 'tanh' ? geluTanh(x) : geluErf(x)), {
    loop: (x, out, { approximate }) => {
      if (approximate === 'tanh') for (let i = 0; i < x.length; i++) out[i] = geluTanh(x[i]);
      else for (let i = 0; i < x.length; i++) out[i] = geluErf(x[i]);
    },
  }),
  unary<SoftplusAttrs>(KernelName.Softplus, softplus),
  // Two comparisons that let NaN through; min > max gives max, as torch.clamp.
  unary<ClipAttrs>(KernelName.Clip, (x, { min, max }) => {
    const lower = x < min ? min : x;
    return lower > max ? max : lower;
  }, {
    loop: (x, out, { min, max }) => {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        const lower = v < min ? min : v;
        out[i] = lower > max ? max : lower;
      }
    },
  }),
  unary(KernelName.LogicalNot, (x) => (x === 0 ? 1 : 0), { outDType: 'bool' }),
];
