/**
 * Unary elementwise kernels, all built by `unaryKernel(expr)`: one thread per element, the
 * formula as source text over the input value `x`. Same semantics as backend-cpu's
 * unary.ts (NaN through relu and clip, half-to-even round, PyTorch's softplus threshold).
 */
import {
  KernelName,
  type CastAttrs,
  type ClipAttrs,
  type DType,
  type EluAttrs,
  type GeluAttrs,
  type LeakyReluAttrs,
  type SoftplusAttrs,
} from '@nn/tensor';
import { lit, type KernelSource } from '../codegen.js';
import { erfc, expm1, log1p, roundHalfEven, sigmoid, tanh } from '../math.js';
import type { GpujsKernel, KernelConfig } from './types.js';

/** Emits the statements of one element's formula and returns its expression. */
export type UnaryExpr<A> = (src: KernelSource, x: string, attrs: A) => string;

/**
 * `passNaN`: on the GL and WebGPU modes, the shader compiler may turn `x < 0 ? 0 : x` into
 * max(x, 0), which drops NaN; those modes therefore pass NaN through explicitly
 * (`x != x` survives compilation). Ops whose NaN result is not NaN (sign, logicalNot,
 * casts) say false.
 */
export function unaryKernel<A = unknown>(label: string, expr: UnaryExpr<A>, outDType?: DType, passNaN = true): GpujsKernel<A> {
  return ({ inputs: { x }, attrs, backend }) =>
    backend.compute({
      label,
      shape: x.shape,
      dtype: outDType ?? x.dtype,
      inputs: [x],
      body: (src, [ref]) => {
        const v = src.let(src.readSame(ref));
        const value = expr(src, v, attrs);
        return passNaN && !src.native ? `${v} != ${v} ? ${v} : (${value})` : value;
      },
    });
}

const unary = <A = unknown>(kernelName: string, expr: UnaryExpr<A>, outDType?: DType, passNaN = true): KernelConfig => ({
  kernelName,
  kernelFunc: unaryKernel(kernelName, expr, outDType, passNaN),
});

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** log(1 + exp(beta x)) / beta, or x past the threshold; the log1p form never overflows. */
const softplus: UnaryExpr<SoftplusAttrs> = (src, x, { beta, threshold }) => {
  const bx = src.let(`${lit(beta)} * ${x}`);
  const soft = log1p(src, `Math.exp(-Math.abs(${bx}))`);
  return `${bx} > ${lit(threshold)} ? ${x} : (Math.max(${bx}, 0.0) + ${soft}) / ${lit(beta)}`;
};

/** Two comparisons that let NaN through; a missing (infinite) bound is left out. */
const clip: UnaryExpr<ClipAttrs> = (src, x, { min, max }) => {
  let v = x;
  if (min > -Infinity) v = src.let(`${v} < ${lit(min)} ? ${lit(min)} : ${v}`);
  if (max < Infinity) v = src.let(`${v} > ${lit(max)} ? ${lit(max)} : ${v}`);
  return v;
};

/** float -> int32 truncates toward zero, anything -> bool tests for nonzero; the rest keep values. */
const cast: GpujsKernel<CastAttrs> = (args) => {
  const { inputs: { x }, attrs: { dtype } } = args;
  if (dtype === x.dtype) return { dataId: x.dataId, shape: x.shape, dtype };
  const expr: UnaryExpr<CastAttrs> =
    dtype === 'bool'
      ? (_src, v) => `${v} != 0.0 ? 1.0 : 0.0`
      : dtype === 'int32' && x.dtype === 'float32'
        ? (_src, v) => `${v} < 0.0 ? Math.ceil(${v}) : Math.floor(${v})`
        : (_src, v) => v;
  return unaryKernel(`Cast(${x.dtype}->${dtype})`, expr, dtype, false)(args);
};

export const unaryKernels: KernelConfig[] = [
  unary(KernelName.Neg, (_src, x) => `-${x}`),
  unary(KernelName.Abs, (_src, x) => `Math.abs(${x})`),
  unary(KernelName.Exp, (_src, x) => `Math.exp(${x})`),
  unary(KernelName.Log, (_src, x) => `Math.log(${x})`),
  unary(KernelName.Log1p, (src, x) => log1p(src, x)),
  unary(KernelName.Sqrt, (_src, x) => `Math.sqrt(${x})`),
  unary(KernelName.Rsqrt, (_src, x) => `1.0 / Math.sqrt(${x})`),
  unary(KernelName.Square, (_src, x) => `${x} * ${x}`),
  unary(KernelName.Sin, (_src, x) => `Math.sin(${x})`),
  unary(KernelName.Cos, (_src, x) => `Math.cos(${x})`),
  unary(KernelName.Sign, (_src, x) => `${x} > 0.0 ? 1.0 : (${x} < 0.0 ? -1.0 : 0.0)`, undefined, false), // NaN -> 0, as torch.sign
  unary(KernelName.Floor, (_src, x) => `Math.floor(${x})`),
  unary(KernelName.Ceil, (_src, x) => `Math.ceil(${x})`),
  unary(KernelName.Round, (src, x) => roundHalfEven(src, x)),
  unary(KernelName.Sigmoid, (src, x) => sigmoid(src, x)),
  unary(KernelName.Tanh, (src, x) => tanh(src, x)),
  unary(KernelName.Relu, (_src, x) => `${x} < 0.0 ? 0.0 : ${x}`),
  unary<LeakyReluAttrs>(KernelName.LeakyRelu, (_src, x, { negativeSlope }) => `${x} > 0.0 ? ${x} : ${x} * ${lit(negativeSlope)}`),
  unary<EluAttrs>(KernelName.Elu, (src, x, { alpha }) => `${x} > 0.0 ? ${x} : ${lit(alpha)} * ${expm1(src, `Math.min(${x}, 0.0)`)}`),
  // gelu(-Infinity) is 0, not -Infinity · 0.
  unary<GeluAttrs>(KernelName.Gelu, (src, x, { approximate }) =>
    approximate === 'tanh'
      ? `${x} < -3.0e38 ? 0.0 : ${x} * ${sigmoid(src, `${lit(2 * SQRT_2_OVER_PI)} * (${x} + 0.044715 * ${x} * ${x} * ${x})`)}`
      : `${x} < -3.0e38 ? 0.0 : 0.5 * ${x} * ${erfc(src, `-${x} * ${lit(SQRT1_2)}`)}`,
  ),
  unary<SoftplusAttrs>(KernelName.Softplus, softplus),
  unary<ClipAttrs>(KernelName.Clip, clip),
  unary(KernelName.LogicalNot, (_src, x) => `${x} == 0.0 ? 1.0 : 0.0`, 'bool', false),
  { kernelName: KernelName.Cast, kernelFunc: cast },
];
