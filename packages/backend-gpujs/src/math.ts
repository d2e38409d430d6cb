/**
 * Math the kernels need beyond gpu.js's common subset, written as source-emitting helpers.
 * On webasm and cpu, Math.tanh/expm1/log1p/pow are JavaScript's (double precision); on the
 * GL and WebGPU modes they are built from exp and log with the usual accuracy tricks, and
 * pow handles negative bases itself (GLSL's pow is undefined there).
 */
import { lit, type KernelSource } from './codegen.js';

/** e^x - 1, accurate near 0 (Kahan: (u - 1) * x / log(u) with u = e^x). */
export function expm1(src: KernelSource, x: string): string {
  x = src.bind(x);
  if (src.native) return `Math.expm1(${x})`;
  const u = src.let(`Math.exp(${x})`);
  return src.let(`${u} == 1.0 ? ${x} : (${u} - 1.0 == -1.0 ? -1.0 : (${u} > 3.0e38 ? ${u} : (${u} - 1.0) * ${x} / Math.log(${u})))`);
}

/** log(1 + x), accurate near 0 (Goldberg: log(u) * x / (u - 1) with u = 1 + x). */
export function log1p(src: KernelSource, x: string): string {
  x = src.bind(x);
  if (src.native) return `Math.log1p(${x})`;
  const u = src.let(`1.0 + ${x}`);
  return src.let(`${u} == 1.0 ? ${x} : (${u} > 3.0e38 ? ${u} : Math.log(${u}) * ${x} / (${u} - 1.0))`);
}

/** 1 / (1 + e^-x) without overflow: exp only of non-positive numbers. */
export function sigmoid(src: KernelSource, x: string): string {
  x = src.bind(x);
  const e = src.let(`Math.exp(-Math.abs(${x}))`);
  return src.let(`${x} >= 0.0 ? 1.0 / (1.0 + ${e}) : ${e} / (1.0 + ${e})`);
}

export function tanh(src: KernelSource, x: string): string {
  x = src.bind(x);
  if (src.native) return `Math.tanh(${x})`;
  // tanh|x| = -expm1(-2|x|) / (2 + expm1(-2|x|)), with the sign put back.
  const m = expm1(src, `-2.0 * Math.abs(${x})`);
  const t = src.let(`-${m} / (2.0 + ${m})`);
  return src.let(`${x} < 0.0 ? -${t} : ${t}`);
}

/** C's pow, as PyTorch: pow(1, y) = 1, pow(-1, ±inf) = 1, negative bases to integer powers. */
export function pow(src: KernelSource, a: string, b: string): string {
  a = src.bind(a);
  b = src.bind(b);
  if (src.native) {
    return src.let(`${a} == 1.0 ? 1.0 : (${a} == -1.0 && Math.abs(${b}) > 3.0e38 ? 1.0 : Math.pow(${a}, ${b}))`);
  }
  // Infinity and NaN come from runtime zeros: WGSL rejects a literal division by zero.
  const mag = src.let(`Math.abs(${a}) == 0.0 ? (${b} > 0.0 ? 0.0 : (${b} == 0.0 ? 1.0 : 1.0 / (${a} - ${a}))) : Math.exp(${b} * Math.log(Math.abs(${a})))`);
  const isInt = src.let(`Math.floor(${b}) == ${b} ? 1.0 : 0.0`);
  const odd = src.let(`${isInt} == 1.0 && Math.abs(${b} - 2.0 * Math.floor(${b} * 0.5)) == 1.0 ? 1.0 : 0.0`);
  return src.let(
    `${a} == 1.0 || ${b} == 0.0 || (${a} == -1.0 && Math.abs(${b}) > 3.0e38) ? 1.0 : (${a} < 0.0 ? (${isInt} == 1.0 ? (${odd} == 1.0 ? -${mag} : ${mag}) : (${a} - ${a}) / (${a} - ${a})) : ${mag})`,
  );
}

/** Half to even, as torch.round; x - floor(x) is exact in float32. */
export function roundHalfEven(src: KernelSource, x: string): string {
  x = src.bind(x);
  const f = src.let(`Math.floor(${x})`);
  const d = src.let(`${x} - ${f}`);
  const even = src.let(`${f} - 2.0 * Math.floor(${f} * 0.5) == 0.0 ? ${f} : ${f} + 1.0`);
  return src.let(`${d} > 0.5 ? ${f} + 1.0 : (${d} < 0.5 ? ${f} : ${even})`);
}

// erfc as backend-cpu computes it (its erf.ts has the derivation): the Maclaurin series of
// erf for |x| < 1 and a Chebyshev fit of x·erfc(x)·e^(x²) in 2/x - 1 for x >= 1.
const TAYLOR: number[] = (() => {
  const c: number[] = [];
  let factorial = 1;
  for (let n = 0; n < 16; n++) {
    if (n > 0) factorial *= n;
    c.push((n % 2 === 0 ? 2 : -2) / Math.sqrt(Math.PI) / (factorial * (2 * n + 1)));
  }
  return c;
})();

const CHEBYSHEV = [
  0.5039781175024709, -0.07211219804839036, -0.007495316026857835, 0.0038380518956880167, -0.0006410126699712721,
  -1.5540548808680684e-5, 4.3230243103417636e-5, -1.3769374461213056e-5, 1.8747983565296518e-6, 3.607258014858348e-7,
  -3.034437700955774e-7, 9.587269442042438e-8, -1.3583620677240987e-8, -3.2193765263391788e-9, 2.8784081517574375e-9,
  -1.0475440798500918e-9, 2.2465961878743872e-10,
];

export function erfc(src: KernelSource, x: string): string {
  x = src.bind(x);
  // Series part (used for |x| < 1), on x clamped into that range so it never overflows.
  const s = src.let(`Math.min(Math.max(${x}, -1.0), 1.0)`);
  const s2 = src.let(`${s} * ${s}`);
  let horner = lit(TAYLOR[TAYLOR.length - 1]);
  const acc = src.let(horner);
  for (let n = TAYLOR.length - 2; n >= 0; n--) src.line(`${acc} = ${acc} * ${s2} + ${lit(TAYLOR[n])};`);
  horner = acc;
  const small = src.let(`1.0 - ${s} * ${horner}`);
  // Tail part (used for |x| >= 1), on |x| clamped to at least 1.
  const z = src.let(`Math.max(Math.abs(${x}), 1.0)`);
  const t = src.let(`2.0 / ${z} - 1.0`);
  const b1 = src.let('0.0');
  const b2 = src.let('0.0');
  for (let j = CHEBYSHEV.length - 1; j > 0; j--) {
    const b0 = src.let(`2.0 * ${t} * ${b1} - ${b2} + ${lit(CHEBYSHEV[j])}`);
    src.line(`${b2} = ${b1};`);
    src.line(`${b1} = ${b0};`);
  }
  const tail = src.let(`Math.exp(-${z} * ${z}) / ${z} * (${t} * ${b1} - ${b2} + ${lit(CHEBYSHEV[0])})`);
  return src.let(`${x} >= 1.0 ? ${tail} : (${x} <= -1.0 ? 2.0 - ${tail} : ${small})`);
}
