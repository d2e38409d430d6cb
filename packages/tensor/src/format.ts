/** PyTorch's printing: fixed or scientific notation chosen over the whole tensor, summarised past 1000 elements. */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  const summarise = values.length > SUMMARY_THRESHOLD;
  const fmt = makeFormatter(values, dtype);
  const prefix = 'tensor(';
  const body = shape.length === 0 ? fmt(values[0]) : formatAxis(values, shape, 0, 0, fmt, summarise, prefix.length);
  const suffix = dtype === 'int32' ? ', dtype=int32' : '';
  return `${prefix}${body}${suffix})`;
}

function makeFormatter(values: TypedArray, dtype: DType): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  let allIntegers = true;
  let maxAbs = 0;
  let minAbs = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allIntegers = false;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a !== 0 && a < minAbs) minAbs = a;
  }
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  if (allIntegers && maxAbs < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  const scientific = maxAbs >= 1e8 || (minAbs !== Infinity && maxAbs / minAbs > 1000 && minAbs < 1e-4);
  if (scientific) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}

function formatAxis(
  values: TypedArray,
  shape: Shape,
  axis: number,
  offset: number,
  fmt: (v: number) => string,
  summarise: boolean,
  indent: number,
): string {
  const n = shape[axis];
  let stride = 1;
  for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
  const indices: (number | null)[] = [];
  if (summarise && n > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++) indices.push(i);
    indices.push(null);
    for (let i = n - EDGE_ITEMS; i < n; i++) indices.push(i);
  } else {
    for (let i = 0; i < n; i++) indices.push(i);
  }
  if (axis === shape.length - 1) {
    const items = indices.map((i) => (i === null ? '...' : fmt(values[offset + i])));
    const width = Math.max(...items.map((s) => s.length));
    return `[${items.map((s) => s.padStart(width)).join(', ')}]`;
  }
  const separator = `,${'\n'.repeat(shape.length - 1 - axis)}${' '.repeat(indent + axis + 1)}`;
  const items = indices.map((i) =>
    i === null ? '...' : formatAxis(values, shape, axis + 1, offset + i * stride, fmt, summarise, indent),
  );
  return `[${items.join(separator)}]`;
}
