/** Shape arithmetic shared by every op: sizes, strides, axes and broadcasting. */
export type Shape = readonly number[];

export function sizeFromShape(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** True for an array whose items are all integers (a shape, axes, an index list). */
export function isIntArray(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v));
}

/**
 * The most elements a tensor may have: 2^31 - 1, so every flat index is an int32 (as in
 * kernels and shaders that index with 32-bit integers) and the largest buffer, 8 GiB of
 * float32, is one that a typed array can hold.
 */
export const MAX_TENSOR_SIZE = 2 ** 31 - 1;

/**
 * Checks, before anything is allocated, that a tensor of `shape` may exist:
 * `zeros: shape [1000000000000] has 1e12 elements, more than the 2147483647 a tensor can hold`.
 */
export function assertTensorSize(op: string, shape: Shape, what = 'shape'): void {
  const size = sizeFromShape(shape);
  if (size > MAX_TENSOR_SIZE) {
    throw new Error(`${op}: ${what} ${formatShape(shape)} has ${formatCount(size)} elements, more than the ${MAX_TENSOR_SIZE} a tensor can hold`);
  }
}

/** 1e12 rather than 1000000000000 where that is exact; other counts in full. */
function formatCount(n: number): string {
  const short = n.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return n >= 1e9 && Number(short) === n ? short : String(n);
}

/** Checks that `shape` is a list of non-negative integers with at most MAX_TENSOR_SIZE elements. */
export function assertValidShape(op: string, shape: Shape, what = 'shape'): void {
  if (!Array.isArray(shape)) throw new Error(`${op}: ${what} must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: ${what} ${formatShape(shape)} has an invalid dimension ${String(d)}`);
    }
  }
  assertTensorSize(op, shape, what);
}

/** Resolves a possibly negative axis against `rank`, as PyTorch does. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new Error(`${op}: axis ${String(axis)} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + r : axis;
}

/** Resolves an axis argument (one, several, or all when undefined) to sorted unique axes. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const resolved = list.map((a) => normalizeAxis(op, a, rank));
  const unique = new Set(resolved);
  if (unique.size !== resolved.length) throw new Error(`${op}: axis ${formatShape(list)} repeats an axis`);
  return [...unique].sort((a, b) => a - b);
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes if they do not broadcast. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  assertTensorSize(op, out, 'result shape');
  return out;
}

/**
 * The axes of `outShape` along which `inShape` was broadcast (size 1 or missing): summing a
 * gradient over them and reshaping gives the gradient for the smaller operand.
 */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    const d = i < offset ? 1 : inShape[i - offset];
    if (d === 1 && outShape[i] !== 1) axes.push(i);
  }
  return axes;
}

/** Shape after reducing `axes` of `shape`, keeping them as size 1 when `keepDim`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDim) out.push(1);
    } else {
      out.push(shape[i]);
    }
  }
  return out;
}
