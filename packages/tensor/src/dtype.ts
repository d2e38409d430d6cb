/** Element types. `float32` is the default, as in PyTorch; `bool` is stored one byte per element. */
export type DType = 'float32' | 'int32' | 'bool';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The typed array that holds each dtype. */
export interface DTypeArrayMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'int32' || value === 'bool';
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** A fresh zero-filled typed array for `size` elements of `dtype`. */
export function makeTypedArray<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as DTypeArrayMap[D];
    case 'int32':
      return new Int32Array(size) as DTypeArrayMap[D];
    case 'bool':
      return new Uint8Array(size) as DTypeArrayMap[D];
    default:
      throw new Error(`unknown dtype '${String(dtype)}'`);
  }
}

export function dtypeOfTypedArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return 'bool';
}

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/**
 * A JS number as an int32 element: truncated toward zero, as PyTorch converts. NaN, ±Infinity
 * and values outside int32's range have no int32 (PyTorch's result is undefined or an
 * overflow error): they are an error naming the op and the value, never a silent 0 or wrap.
 */
export function toInt32(op: string, value: number, where = ''): number {
  // Truncation keeps (INT32_MIN - 1, INT32_MAX + 1) inside the range; NaN fails both tests.
  if (!(value > INT32_MIN - 1 && value < INT32_MAX + 1)) {
    const why = Number.isNaN(value) || !Number.isFinite(value) ? 'has no int32 value' : `is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`;
    throw new Error(`${op}: value ${value}${where} ${why}; use float32 for it`);
  }
  return Math.trunc(value);
}

/** A JS number as an element of `dtype`: int32 checked by toInt32, bool as PyTorch's `!= 0` (NaN is true). */
export function toElement(op: string, dtype: DType, value: number, where = ''): number {
  if (dtype === 'int32') return toInt32(op, value, where);
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  return value;
}

/** Copies numbers into `out`, converting each as toElement does. */
export function convertInto(op: string, dtype: DType, values: ArrayLike<number>, out: TypedArray): void {
  if (dtype === 'float32') {
    out.set(values);
    return;
  }
  for (let i = 0; i < values.length; i++) out[i] = toElement(op, dtype, values[i], ` at flat index ${i}`);
}

/** PyTorch's promotion for the dtypes we have: bool < int32 < float32. */
export function upcastDType(a: DType, b: DType): DType {
  if (a === 'float32' || b === 'float32') return 'float32';
  if (a === 'int32' || b === 'int32') return 'int32';
  return 'bool';
}
