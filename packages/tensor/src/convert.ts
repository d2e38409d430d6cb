/** Turning user arguments (numbers, nested arrays, typed arrays, tensors) into tensors. */
import { convertInto, dtypeOfTypedArray, isDType, makeTypedArray, toElement, toInt32, type DType, type TypedArray } from './dtype.js';
import { engine } from './engine.js';
import { assertValidShape, formatShape, sizeFromShape, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

export type NestedNumbers = number | boolean | readonly NestedNumbers[];
export type TensorLike = Tensor | NestedNumbers | TypedArray;

/** The shape of a nested array, checking that it is not ragged. */
export function inferShape(op: string, values: NestedNumbers | TypedArray): number[] {
  if (ArrayBuffer.isView(values)) return [values.length];
  const shape: number[] = [];
  let level: NestedNumbers = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as readonly NestedNumbers[])[0];
  }
  if (Array.isArray(values)) checkRagged(op, values as readonly NestedNumbers[], shape, 0, []);
  return shape;
}

function checkRagged(op: string, values: readonly NestedNumbers[], shape: number[], axis: number, path: number[]): void {
  if (values.length !== shape[axis]) {
    throw new Error(`${op}: ragged nested array: element [${path.join('][')}] has length ${values.length}, expected ${shape[axis]}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const isArr = Array.isArray(v);
    if (axis + 1 < shape.length) {
      if (!isArr) throw new Error(`${op}: ragged nested array: element [${[...path, i].join('][')}] is a scalar, expected an array of length ${shape[axis + 1]}`);
      checkRagged(op, v as readonly NestedNumbers[], shape, axis + 1, [...path, i]);
    } else if (isArr) {
      throw new Error(`${op}: ragged nested array: element [${[...path, i].join('][')}] is an array, expected a scalar`);
    }
  }
}

function flatten(values: NestedNumbers, out: TypedArray, dtype: DType, state: { i: number }, op: string): void {
  if (Array.isArray(values)) {
    for (const v of values as readonly NestedNumbers[]) flatten(v, out, dtype, state, op);
  } else {
    if (typeof values !== 'number' && typeof values !== 'boolean') {
      throw new Error(`${op}: expected numbers or booleans, got ${typeof values} (${String(values)})`);
    }
    out[state.i] = toElement(op, dtype, Number(values), ` at flat index ${state.i}`);
    state.i++;
  }
}

function firstLeaf(values: NestedNumbers): NestedNumbers | undefined {
  let v: NestedNumbers = values;
  while (Array.isArray(v)) {
    if ((v as readonly NestedNumbers[]).length === 0) return undefined;
    v = (v as readonly NestedNumbers[])[0];
  }
  return v;
}

/**
 * Creates a tensor from nested arrays, a typed array or a scalar. Numbers give float32 and
 * booleans bool unless `dtype` says otherwise (PyTorch would give int64 for integer lists;
 * we have no int64, and float32 is what a network wants).
 */
export function tensor(values: NestedNumbers | TypedArray, shape?: Shape, dtype?: DType): Tensor {
  const op = 'tensor';
  if (dtype !== undefined && !isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}'`);
  const inferred = inferShape(op, values);
  const finalShape = shape ?? inferred;
  assertValidShape(op, finalShape);
  const size = sizeFromShape(finalShape);
  const sourceSize = sizeFromShape(inferred);
  if (size !== sourceSize) {
    throw new Error(`${op}: shape ${formatShape(finalShape)} holds ${size} values but ${sourceSize} were given`);
  }
  if (ArrayBuffer.isView(values)) {
    const sourceDType = dtypeOfTypedArray(values);
    const target = dtype ?? sourceDType;
    const copy = makeTypedArray(target, size);
    if (target === sourceDType) copy.set(values);
    else convertInto(op, target, values, copy);
    return engine().makeTensor(copy, finalShape, target);
  }
  const leaf = firstLeaf(values);
  const target = dtype ?? (typeof leaf === 'boolean' ? 'bool' : 'float32');
  const out = makeTypedArray(target, size);
  flatten(values, out, target, { i: 0 }, op);
  return engine().makeTensor(out, finalShape, target);
}

/** 0-d tensor. Written directly: ops convert every JS number argument through here. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  const target = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  if (!isDType(target)) throw new Error(`scalar: unknown dtype '${String(target)}'`);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`scalar: expected a number or boolean, got ${typeof value}`);
  const values = makeTypedArray(target, 1);
  values[0] = toElement('scalar', target, Number(value));
  return engine().makeTensor(values, [], target);
}

/**
 * Converts an op argument. A tensor passes through; a JS number becomes a 0-d tensor of
 * `dtypeHint` (so `x.add(1)` keeps x's dtype where the value fits, as PyTorch does).
 */
export function toTensor(value: TensorLike, op: string, arg: string, dtypeHint?: DType): Tensor {
  if (value instanceof Tensor) {
    if (value.isDisposed) throw new Error(`${op}: argument '${arg}' is a disposed tensor`);
    return value;
  }
  if (typeof value === 'number') {
    const dtype = dtypeHint === 'int32' && !Number.isInteger(value) ? 'float32' : dtypeHint === 'bool' ? 'float32' : (dtypeHint ?? 'float32');
    // An integer next to an int32 tensor must fit it, as in PyTorch (x.add(2 ** 40) is an error).
    if (dtype === 'int32') toInt32(op, value, ` (argument '${arg}')`);
    return scalar(value, dtype);
  }
  if (typeof value === 'boolean') return scalar(value, 'bool');
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    try {
      return tensor(value);
    } catch (error) {
      throw new Error(`${op}: argument '${arg}': ${(error as Error).message}`);
    }
  }
  throw new Error(`${op}: argument '${arg}' must be a Tensor, number, boolean or array, got ${value === null ? 'null' : typeof value}`);
}

/** Throws unless `t` has one of `allowed` dtypes. */
export function assertDType(op: string, arg: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new Error(`${op}: argument '${arg}' has dtype ${t.dtype}, expected ${allowed.join(' or ')}`);
  }
}
