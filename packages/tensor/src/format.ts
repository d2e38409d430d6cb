/**
 * PyTorch's printing (torch/_tensor_str.py, default print options), so that a printout
 * compares with PyTorch's at a glance: one formatter chosen over the whole tensor (integer,
 * fixed with 4 decimals, or scientific), every element padded to that formatter's common
 * width, rows wrapped at 80 columns, and tensors past 1000 elements summarised to 3 items
 * at each edge. Numbers round half to even on their exact value, as Python's format does.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = 'tensor(';

export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  const indent = PREFIX.length;
  const suffixes: string[] = [];
  let body: string;
  if (values.length === 0) {
    // An empty tensor has no values to show its shape or dtype, so both are spelled out.
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    if (dtype !== 'float32') suffixes.push(`dtype=${dtype}`);
    body = '[]';
  } else {
    // int32 is our only integer dtype, so it plays int64's part but is still named, as
    // PyTorch names every non-default dtype.
    if (dtype === 'int32') suffixes.push('dtype=int32');
    const summarise = values.length > THRESHOLD;
    const formatter = new Formatter(summarise ? summarisedValues(values, shape) : values, dtype);
    body = formatNested(values, shape, 0, 0, indent, summarise, formatter);
  }
  return addSuffixes(PREFIX + body, suffixes, indent);
}

/** One formatter for the whole tensor: its mode and the width every element is padded to. */
class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  readonly width: number = 1;

  constructor(values: ArrayLike<number>, private readonly dtype: DType) {
    this.floating = dtype === 'float32';
    let width = 1;
    if (!this.floating) {
      for (let i = 0; i < values.length; i++) width = Math.max(width, this.plain(values[i]).length);
      this.width = width;
      return;
    }
    // Mode and width come from the finite non-zero values only.
    let min = Infinity;
    let max = 0;
    const nonzero: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || v === 0) continue;
      nonzero.push(v);
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    if (nonzero.length === 0) return;
    this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
    for (const v of nonzero) {
      const text = this.sciMode ? formatExponential(v, PRECISION) : this.intMode ? `${formatFixed(v, 0)}.` : formatFixed(v, PRECISION);
      width = Math.max(width, text.length);
    }
    this.width = width;
  }

  format(v: number): string {
    return this.raw(v).padStart(this.width);
  }

  private raw(v: number): string {
    if (!this.floating) return this.plain(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (this.sciMode) return formatExponential(v, PRECISION);
    if (this.intMode) return `${formatFixed(v, 0)}.`;
    return formatFixed(v, PRECISION);
  }

  private plain(v: number): string {
    return this.dtype === 'bool' ? (v ? 'True' : 'False') : String(v);
  }
}

function formatNested(
  values: TypedArray,
  shape: Shape,
  axis: number,
  offset: number,
  indent: number,
  summarise: boolean,
  formatter: Formatter,
): string {
  if (axis === shape.length) return formatter.format(values[offset]);
  const n = shape[axis];
  let stride = 1;
  for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
  const elided = summarise && n > 2 * EDGE_ITEMS;
  const indices: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    if (elided && i === EDGE_ITEMS) {
      indices.push(null);
      i = n - EDGE_ITEMS - 1;
    } else {
      indices.push(i);
    }
  }
  if (axis === shape.length - 1) {
    // A row wraps so that no line passes LINE_WIDTH; the elision mark counts as one item.
    const items = indices.map((i) => (i === null ? ' ...' : formatter.format(values[offset + i])));
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (formatter.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const slices = indices.map((i) =>
    i === null ? '...' : formatNested(values, shape, axis + 1, offset + i * stride, indent + 1, summarise, formatter),
  );
  return `[${slices.join(`,${'\n'.repeat(shape.length - 1 - axis)}${' '.repeat(indent + 1)}`)}]`;
}

/** The values a summarised printout shows (the edge items of every axis): they alone set the formatter. */
function summarisedValues(values: TypedArray, shape: Shape): number[] {
  const out: number[] = [];
  const visit = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(values[offset]);
      return;
    }
    const n = shape[axis];
    let stride = 1;
    for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
    for (let i = 0; i < n; i++) {
      if (n > 2 * EDGE_ITEMS && i === EDGE_ITEMS) i = n - EDGE_ITEMS;
      visit(axis + 1, offset + i * stride);
    }
  };
  visit(0, 0);
  return out;
}

function addSuffixes(text: string, suffixes: string[], indent: number): string {
  // Mirrors PyTorch's _add_suffixes, including its count of the last line's length.
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  let out = text;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLength = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLength += suffix.length + 2;
    }
  }
  return `${out})`;
}

// --- exact decimal rounding ---------------------------------------------------------------
// JavaScript's toFixed/toExponential round ties away from zero; Python's format rounds the
// exact binary value half to even (1.03125 -> '1.0312'). Both are computed from the exact
// decimal expansion of the double: x = digits * 10^-scale.

interface ExactDecimal {
  negative: boolean;
  digits: bigint;
  scale: number;
}

const exactView = new DataView(new ArrayBuffer(8));

function exactDecimal(x: number): ExactDecimal {
  exactView.setFloat64(0, x);
  const hi = exactView.getUint32(0);
  const lo = exactView.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  // mantissa * 2^exponent = mantissa * 5^-exponent * 10^exponent when exponent < 0.
  if (exponent >= 0) return { negative, digits: mantissa << BigInt(exponent), scale: 0 };
  return { negative, digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** n / 10^drop rounded half to even. */
function divideRoundHalfEven(n: bigint, drop: number): bigint {
  if (drop <= 0) return n * 10n ** BigInt(-drop);
  const divisor = 10n ** BigInt(drop);
  const quotient = n / divisor;
  const twiceRemainder = (n % divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/** Python's '{:.Nf}'.format(x) for finite x. */
export function formatFixed(x: number, decimals: number): string {
  const { negative, digits, scale } = exactDecimal(x);
  const rounded = divideRoundHalfEven(digits, scale - decimals).toString().padStart(decimals + 1, '0');
  const whole = rounded.slice(0, rounded.length - decimals);
  const text = decimals > 0 ? `${whole}.${rounded.slice(rounded.length - decimals)}` : whole;
  return negative ? `-${text}` : text;
}

/** Python's '{:.Ne}'.format(x) for finite x: the exponent has a sign and at least two digits. */
export function formatExponential(x: number, decimals: number): string {
  const { negative, digits, scale } = exactDecimal(x);
  let mantissa: string;
  let exponent: number;
  if (digits === 0n) {
    mantissa = '0'.repeat(decimals + 1);
    exponent = 0;
  } else {
    const length = digits.toString().length;
    exponent = length - 1 - scale;
    mantissa = divideRoundHalfEven(digits, length - (decimals + 1)).toString();
    if (mantissa.length > decimals + 1) {
      // Rounding carried into a new digit (9.99995 -> 10.0000).
      mantissa = mantissa.slice(0, decimals + 1);
      exponent++;
    }
  }
  const fraction = decimals > 0 ? `.${mantissa.slice(1)}` : '';
  const exponentText = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${negative ? '-' : ''}${mantissa[0]}${fraction}e${exponentText}`;
}
