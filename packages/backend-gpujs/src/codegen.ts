/**
 * Builds gpu.js kernel sources. A kernel computes one output element per thread; the
 * thread's flat output index is `i`, and every tensor argument is read through its 2-D
 * layout (layout.ts). All shapes, strides and attributes are baked into the source as
 * literals, so the source itself is the cache key of the compiled kernel and every loop
 * has a constant trip count (GLSL needs one).
 *
 * Integer arithmetic happens in float32 on most modes, and a GPU's division need not be
 * correctly rounded, so every quotient is corrected by one step after the floor
 * (`divmod`): exact for all operands below 2^24.
 */
import type { Layout } from './layout.js';

/** A float literal that every mode parses as a float (gpu.js types `3` as an integer). */
export function lit(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`gpujs codegen: ${value} cannot be written as a literal`);
  if (Object.is(value, -0)) return '0.0';
  let text = String(value);
  if (!text.includes('.') && !text.includes('e')) text += '.0';
  else if (text.includes('e') && !text.split('e')[0].includes('.')) text = text.replace('e', '.0e');
  return value < 0 ? `(${text})` : text;
}

/**
 * Any float, as source text: infinities and NaN come from runtime zeros (i - i, i being the
 * output index), because GLSL has no literal for them and WGSL rejects 1.0 / 0.0.
 */
export function constant(value: number): string {
  if (Number.isNaN(value)) return '((i - i) / (i - i))';
  if (value === Infinity) return '(1.0 / (i - i))';
  if (value === -Infinity) return '(-1.0 / (i - i))';
  return lit(value);
}

export interface TensorRef {
  /** Argument name in the kernel source. */
  name: string;
  layout: Layout;
}

export type KernelArg = { kind: 'tensor'; index: number } | { kind: 'table'; values: Float32Array };

export class KernelSource {
  private readonly lines: string[] = [];
  private readonly params: string[] = [];
  readonly args: KernelArg[] = [];
  private counter = 0;
  private depth = 1;
  /** Longest constant loop emitted; GL modes unroll dynamic loops up to this. */
  loopMax = 1;

  /**
   * `out` is the layout of the output; the flat output index is named `i`. `native` says
   * whether Math.tanh/expm1/log1p exist and run in double precision (webasm, cpu); the GL
   * and WebGPU modes get formulas built from exp and log instead (math.ts).
   */
  constructor(
    readonly out: Layout,
    readonly native = true,
    /** GL modes read a four-channel texel into a local first (`const v = t[y][x]; v[0]`); wasm indexes it in place. */
    readonly glVectors = false,
  ) {
    const w = lit(out.width);
    const flat = `this.thread.y * ${w} + this.thread.x`;
    // Padding threads of the last row read like the last element, so no read goes out of range.
    this.line(out.width * out.height > out.size ? `const i = Math.min(${flat}, ${lit(out.size - 1)});` : `const i = ${flat};`);
  }

  /** Declares the next tensor input (the kernel's `tensorIndex`-th input tensor). */
  tensor(layout: Layout, tensorIndex: number): TensorRef {
    const name = `x${this.params.length}`;
    this.params.push(name);
    this.args.push({ kind: 'tensor', index: tensorIndex });
    return { name, layout };
  }

  /** A small table of constants (derived from shapes and attributes only), indexed 1-D. */
  table(values: Float32Array): string {
    const name = `t${this.params.length}`;
    this.params.push(name);
    this.args.push({ kind: 'table', values });
    return name;
  }

  line(text: string): void {
    this.lines.push('  '.repeat(this.depth) + text);
  }

  /** A fresh variable name. */
  name(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  /** A fresh variable holding `expr`; returns its name. */
  let(expr: string, prefix = 'v'): string {
    const name = this.name(prefix);
    this.line(`let ${name} = ${expr};`);
    return name;
  }

  /** `expr` itself when it is a plain name, else a fresh variable holding it. */
  bind(expr: string): string {
    return /^[A-Za-z_]\w*$/.test(expr) ? expr : this.let(expr);
  }

  /** [floor(expr / d), expr mod d] for 0 <= expr < 2^24, exact on every mode. */
  divmod(expr: string, d: number): [string, string] {
    if (d === 1) return [expr, '0.0'];
    const q = this.let(`Math.floor((${expr}) / ${lit(d)})`, 'q');
    const m = this.let(`(${expr}) - ${q} * ${lit(d)}`, 'm');
    this.line(`if (${m} < 0.0) { ${q} = ${q} - 1.0; ${m} = ${m} + ${lit(d)}; }`);
    this.line(`if (${m} >= ${lit(d)}) { ${q} = ${q} + 1.0; ${m} = ${m} - ${lit(d)}; }`);
    return [q, m];
  }

  /** Row-major coordinates of flat index `expr` in `shape` ('0.0' along size-1 axes). */
  coords(expr: string, shape: readonly number[]): string[] {
    const out = new Array<string>(shape.length).fill('0.0');
    let rest = expr;
    const first = shape.findIndex((d) => d !== 1);
    if (first < 0) return out;
    for (let axis = shape.length - 1; axis > first; axis--) {
      if (shape[axis] === 1) continue;
      const [q, m] = this.divmod(rest, shape[axis]);
      out[axis] = m;
      rest = q;
    }
    // The outermost non-unit axis takes what is left: it is already below its size.
    out[first] = rest;
    return out;
  }

  /** The value of `ref` at flat index `expr`, read through its layout into a fresh variable. */
  read(ref: TensorRef, expr: string): string {
    const { width, height, size } = ref.layout;
    if (size === 1) return this.let(`${ref.name}[0][0]`);
    // A variable, not the expression: gpu.js's GL code has no texture read for literal arithmetic like `0.0 + 5.0`.
    if (height === 1) return this.let(`${ref.name}[0][${this.bind(expr)}]`);
    const [row, col] = this.divmod(expr, width);
    return this.let(`${ref.name}[${row}][${col}]`);
  }

  /**
   * `ref` at flat index `expr` where the flag `ok` (a name holding 1.0 or 0.0) is set, else
   * `otherwise`: a thread whose flag is off reads element 0 instead, so no read leaves the buffer.
   */
  readIf(ref: TensorRef, ok: string, expr: string, otherwise = '0.0'): string {
    const at = this.let(`${ok} == 1.0 ? ${expr} : 0.0`);
    return this.let(`${ok} == 1.0 ? ${this.read(ref, at)} : ${otherwise}`);
  }

  /** The value of `ref` at this thread's own output position (same number of elements as the output). */
  readSame(ref: TensorRef): string {
    if (ref.layout.size !== this.out.size) throw new Error('gpujs codegen: readSame needs an input as large as the output');
    if (ref.layout.size === 1) return `${ref.name}[0][0]`;
    if (ref.layout.width === this.out.width && ref.layout.height === this.out.height) return `${ref.name}[this.thread.y][this.thread.x]`;
    return this.read(ref, 'i');
  }

  /** Opens `for (let v = 0; v < count; v++) {`; close it with `end()`. */
  loop(count: number, prefix = 'k'): string {
    const name = this.name(prefix);
    this.loopMax = Math.max(this.loopMax, count);
    this.line(`for (let ${name} = 0; ${name} < ${count}; ${name}++) {`);
    this.depth++;
    return name;
  }

  /** Opens a block: `if (cond) {`. */
  open(head: string): void {
    this.line(`${head} {`);
    this.depth++;
  }

  end(): void {
    this.depth--;
    this.line('}');
  }

  /** The kernel function's source, returning `expr`. */
  build(expr: string): string {
    return `function(${this.params.join(', ')}) {\n${this.lines.join('\n')}\n  return ${expr};\n}`;
  }
}

/** Row-major strides of `shape`. */
export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** Σ coord[k] * stride[k] as source text, skipping zero terms. */
export function dot(coords: readonly string[], strideList: readonly number[]): string {
  const terms: string[] = [];
  for (let k = 0; k < coords.length; k++) {
    if (strideList[k] === 0 || coords[k] === '0.0') continue;
    terms.push(strideList[k] === 1 ? coords[k] : `${coords[k]} * ${lit(strideList[k])}`);
  }
  return terms.length === 0 ? '0.0' : terms.join(' + ');
}
