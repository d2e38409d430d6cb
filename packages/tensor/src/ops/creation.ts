/**
 * Factories. They fill a typed array on the JavaScript side and write it to the active
 * backend once, so every backend gets them without a kernel.
 */
import { assertDType } from '../convert.js';
import { isDType, makeTypedArray, toElement, toInt32, type DType } from '../dtype.js';
import { engine } from '../engine.js';
import { getGenerator, type Generator } from '../random.js';
import { assertTensorSize, assertValidShape, sizeFromShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNoExtra, parseOptions } from './options.js';

export interface FactoryOptions {
  dtype?: DType;
}
export interface RandomOptions extends FactoryOptions {
  generator?: Generator;
}

const FACTORY_KEYS = ['dtype'] as const;
const RANDOM_KEYS = ['dtype', 'generator'] as const;

function factoryOptions(op: string, options: FactoryOptions | undefined, extra: readonly unknown[]): FactoryOptions {
  const parsed = parseOptions(op, options, FACTORY_KEYS);
  checkNoExtra(op, extra, FACTORY_KEYS);
  return parsed;
}

function randomOptions(op: string, options: RandomOptions | undefined, extra: readonly unknown[]): RandomOptions {
  const parsed = parseOptions(op, options, RANDOM_KEYS);
  checkNoExtra(op, extra, RANDOM_KEYS);
  return parsed;
}

function checked(op: string, shape: Shape, dtype: DType | undefined): DType {
  assertValidShape(op, shape);
  if (dtype !== undefined && !isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}'`);
  return dtype ?? 'float32';
}

export function full(shape: Shape, value: number | boolean, opts?: FactoryOptions, ...extra: never[]): Tensor {
  const options = factoryOptions('full', opts, extra);
  const dtype = options.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  checked('full', shape, dtype);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`full: value must be a number or boolean, got ${typeof value}`);
  const values = makeTypedArray(dtype, sizeFromShape(shape));
  values.fill(toElement('full', dtype, Number(value)));
  return engine().makeTensor(values, shape, dtype);
}

export function zeros(shape: Shape, opts?: FactoryOptions, ...extra: never[]): Tensor {
  const options = factoryOptions('zeros', opts, extra);
  const dtype = checked('zeros', shape, options.dtype);
  return engine().makeTensor(makeTypedArray(dtype, sizeFromShape(shape)), shape, dtype);
}

export function ones(shape: Shape, opts?: FactoryOptions, ...extra: never[]): Tensor {
  const options = factoryOptions('ones', opts, extra);
  return full(shape, 1, { dtype: checked('ones', shape, options.dtype) });
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, { dtype: t.dtype });
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, { dtype: t.dtype });
}

/** Values start, start+step, ... below end (PyTorch's arange; one argument means [0, end)). */
export function arange(start: number, end?: number, step = 1, opts?: FactoryOptions, ...extra: never[]): Tensor {
  const options = factoryOptions('arange', opts, extra);
  if (end === undefined) [start, end] = [0, start];
  if (![start, end, step].every(Number.isFinite)) throw new Error(`arange: start, end and step must be finite, got ${start}, ${end}, ${step}`);
  if (step === 0) throw new Error('arange: step must not be zero');
  if ((end - start) / step < 0) throw new Error(`arange: step ${step} goes away from end (start ${start}, end ${end})`);
  const n = Math.ceil((end - start) / step);
  assertTensorSize('arange', [n]);
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = options.dtype ?? (allInt ? 'int32' : 'float32');
  if (dtype === 'int32' && n > 0) [start, start + (n - 1) * step].forEach((v) => toInt32('arange', v));
  const values = makeTypedArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return engine().makeTensor(values, [n], dtype);
}

/** `steps` values evenly spaced from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts?: FactoryOptions, ...extra: never[]): Tensor {
  const options = factoryOptions('linspace', opts, extra);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = checked('linspace', [steps], options.dtype);
  if (dtype === 'int32') [start, end].forEach((v) => toInt32('linspace', v));
  const values = makeTypedArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) values[i] = i < half || steps === 1 ? start + i * delta : end - (steps - 1 - i) * delta;
  return engine().makeTensor(values, [steps], dtype);
}

/** Identity matrix, n×m (m defaults to n). */
export function eye(n: number, m = n, opts?: FactoryOptions, ...extra: never[]): Tensor {
  const options = factoryOptions('eye', opts, extra);
  const dtype = checked('eye', [n, m], options.dtype);
  const values = makeTypedArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return engine().makeTensor(values, [n, m], dtype);
}

/** Uniform on [0, 1). */
export function rand(shape: Shape, opts?: RandomOptions, ...extra: never[]): Tensor {
  const options = randomOptions('rand', opts, extra);
  const dtype = checked('rand', shape, options.dtype);
  assertFloat('rand', dtype);
  const gen = options.generator ?? getGenerator();
  const values = makeTypedArray(dtype, sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = gen.nextFloat();
  return engine().makeTensor(values, shape, dtype);
}

/** Standard normal. */
export function randn(shape: Shape, opts?: RandomOptions, ...extra: never[]): Tensor {
  const options = randomOptions('randn', opts, extra);
  const dtype = checked('randn', shape, options.dtype);
  assertFloat('randn', dtype);
  const gen = options.generator ?? getGenerator();
  const values = makeTypedArray(dtype, sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = gen.nextNormal();
  return engine().makeTensor(values, shape, dtype);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: Shape, opts?: RandomOptions, ...extra: never[]): Tensor {
  const options = randomOptions('randint', opts, extra);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  const dtype = checked('randint', shape, options.dtype ?? 'int32');
  if (dtype === 'int32') [low, high - 1].forEach((v) => toInt32('randint', v));
  const gen = options.generator ?? getGenerator();
  const values = makeTypedArray(dtype, sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = gen.nextInt(low, high);
  return engine().makeTensor(values, shape, dtype);
}

/** 1 with probability p (elementwise when p is a tensor), else 0; float32 like p. */
export function bernoulli(p: number | Tensor, shapeOrOptions?: Shape | RandomOptions, maybeOptions?: RandomOptions, ...extra: never[]): Tensor {
  const options = Array.isArray(shapeOrOptions)
    ? randomOptions('bernoulli', maybeOptions, extra)
    : randomOptions('bernoulli', shapeOrOptions as RandomOptions | undefined, maybeOptions === undefined ? extra : [maybeOptions, ...extra]);
  const gen = options.generator ?? getGenerator();
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli: probability must be in [0, 1], got ${p}`);
    const shape = Array.isArray(shapeOrOptions) ? (shapeOrOptions as Shape) : [];
    const dtype = checked('bernoulli', shape, options.dtype);
    const values = makeTypedArray(dtype, sizeFromShape(shape));
    for (let i = 0; i < values.length; i++) values[i] = gen.nextFloat() < p ? 1 : 0;
    return engine().makeTensor(values, shape, dtype);
  }
  assertDType('bernoulli', 'p', p, ['float32']);
  const probs = p.dataSync();
  const values = makeTypedArray(options.dtype ?? 'float32', probs.length);
  for (let i = 0; i < probs.length; i++) {
    const q = probs[i];
    if (!(q >= 0 && q <= 1)) throw new Error(`bernoulli: probability at flat index ${i} is ${q}, outside [0, 1]`);
    values[i] = gen.nextFloat() < q ? 1 : 0;
  }
  return engine().makeTensor(values, p.shape, options.dtype ?? 'float32');
}

function assertFloat(op: string, dtype: DType): void {
  if (dtype !== 'float32') throw new Error(`${op}: dtype must be float32, got ${dtype}`);
}
