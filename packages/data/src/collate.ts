/**
 * Collation: turning a list of dataset items into one batch, as torch's default_collate
 * does. Tensors are stacked along a new first axis; numbers and booleans become a 1-d
 * tensor; typed arrays become rows of a 2-d tensor; strings stay a list; arrays (tuples)
 * and plain objects are collated position by position and key by key.
 */
import { stack, tensor, Tensor, tidy, type DType, type TensorContainer } from '@nn/tensor';

/** What defaultCollate makes of a list of items of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends ArrayBufferView
      ? Tensor
      : T extends string
        ? string[]
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { -readonly [K in keyof T]: Collated<T[K]> }
            : never;

/** Combines a batch's items into its batch value. */
export type CollateFn<T, B> = (items: readonly T[]) => B;

/**
 * Stacks items into batch tensors. The result is new: the items' own tensors are left
 * alone (the DataLoader disposes them after collating, see loader.ts).
 *   defaultCollate([[x0, 3], [x1, 5]])  // [stack([x0, x1]), tensor([3, 5])]
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new Error('collate: cannot collate an empty batch');
  // tidy: if a later field fails its check, the batch tensors already made are freed.
  return tidy(() => collateAt(items as readonly unknown[], '') as TensorContainer) as Collated<T>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(',')}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Float32Array and Int32Array keep their dtype; other typed arrays (bytes, ...) become float32. */
function dtypeOfView(view: ArrayBufferView): DType {
  return view instanceof Int32Array ? 'int32' : 'float32';
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const at = path === '' ? '' : ` at ${path}`;
  const first = items[0];
  const mismatch = (i: number, what: string): Error =>
    new Error(`collate: item ${i}${at} is ${what}, expected ${describe(first)} like item 0`);

  if (first instanceof Tensor) {
    items.forEach((item, i) => {
      if (!(item instanceof Tensor)) throw mismatch(i, describe(item));
      if (item.dtype !== first.dtype) throw mismatch(i, `a ${item.dtype} tensor`);
      if (item.shape.length !== first.shape.length || item.shape.some((d, k) => d !== first.shape[k])) throw mismatch(i, describe(item));
    });
    return stack(items as Tensor[]);
  }
  if (typeof first === 'number' || typeof first === 'boolean') {
    items.forEach((item, i) => {
      if (typeof item !== typeof first) throw mismatch(i, describe(item));
    });
    return tensor(items as number[] | boolean[]);
  }
  if (ArrayBuffer.isView(first)) {
    const ctor = first.constructor;
    const length = (first as unknown as ArrayLike<number>).length;
    const dtype = dtypeOfView(first);
    const flat = dtype === 'int32' ? new Int32Array(items.length * length) : new Float32Array(items.length * length);
    items.forEach((item, i) => {
      if (!ArrayBuffer.isView(item) || item.constructor !== ctor) throw mismatch(i, describe(item));
      const values = item as unknown as ArrayLike<number>;
      if (values.length !== length) throw mismatch(i, `a ${ctor.name} of length ${values.length}`);
      flat.set(values, i * length);
    });
    return tensor(flat, [items.length, length], dtype);
  }
  if (typeof first === 'string') {
    items.forEach((item, i) => {
      if (typeof item !== 'string') throw mismatch(i, describe(item));
    });
    return [...(items as string[])];
  }
  if (Array.isArray(first)) {
    items.forEach((item, i) => {
      if (!Array.isArray(item) || item.length !== first.length) throw mismatch(i, describe(item));
    });
    return first.map((_, k) => collateAt(items.map((item) => (item as unknown[])[k]), `${path}[${k}]`));
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    items.forEach((item, i) => {
      if (!isPlainObject(item)) throw mismatch(i, describe(item));
      const itemKeys = Object.keys(item);
      if (itemKeys.length !== keys.length || keys.some((k) => !(k in item))) {
        throw new Error(`collate: item ${i}${at} has keys {${itemKeys.join(', ')}}, expected {${keys.join(', ')}} like item 0`);
      }
    });
    for (const key of keys) out[key] = collateAt(items.map((item) => (item as Record<string, unknown>)[key]), `${path}.${key}`);
    return out;
  }
  throw new Error(
    `collate: cannot collate ${describe(first)}${at}; expected tensors, numbers, booleans, typed arrays, strings, arrays or plain objects`,
  );
}

/** Every tensor inside a nested value (arrays, plain objects). */
export function tensorsIn(value: unknown, into: Set<Tensor> = new Set()): Set<Tensor> {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, into);
  else if (isPlainObject(value)) for (const v of Object.values(value)) tensorsIn(v, into);
  return into;
}

/** Disposes the items' tensors, except any that the batch itself holds (a collate may pass one through). */
export function disposeItems(items: readonly unknown[], batch: unknown): void {
  const keepers = tensorsIn(batch);
  for (const t of tensorsIn(items)) if (!keepers.has(t) && !t.isDisposed) t.dispose();
}
