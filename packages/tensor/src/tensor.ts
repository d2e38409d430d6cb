/**
 * Tensor: an immutable handle on a buffer owned by one backend. Ops are plain functions
 * (ops/*.ts); each op file also installs itself as a method here, so `add(a, b)` and
 * `a.add(b)` are the same call.
 */
import type { DataId } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { engine } from './engine.js';
import { formatTensor } from './format.js';
import { sizeFromShape, type Shape } from './shape.js';

/** Nested JavaScript arrays, as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /**
   * The buffer's key on its backend; shared by handles made by reshape-like kernels. Only
   * the engine changes it (`assign`, used for parameters that optimizers update).
   */
  dataId: DataId;
  /** Exempt from tidy scopes (see keep()). */
  kept = false;
  isDisposed = false;
  /** Set on leaf tensors whose gradient backward() should compute (see @nn/autograd). */
  requiresGrad = false;
  /** The gradient accumulated by backward(), or null. */
  grad: Tensor | null = null;

  constructor(shape: Shape, dtype: DType, dataId: DataId, id: number) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeFromShape(shape);
    this.dataId = dataId;
    this.id = id;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The values, flat in row-major order (a copy the caller may keep). */
  data(): Promise<TypedArray> {
    return engine().read(this);
  }

  /** The values, synchronously (blocks on GPU backends until the device has finished). */
  dataSync(): TypedArray {
    return engine().readSync(this);
  }

  /** Nested arrays of numbers (booleans for bool tensors); a plain number for a 0-d tensor. */
  toArray(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape [${this.shape.join(',')}] has ${this.size} elements, not 1`);
    return this.dataSync()[0];
  }

  /** Frees the handle; the buffer goes when its last handle goes. */
  dispose(): void {
    engine().disposeTensor(this);
  }

  /** PyTorch-like text: `tensor([[1., 2.], [3., 4.]])`. */
  toString(): string {
    if (this.isDisposed) return `tensor(<disposed>, shape=[${this.shape.join(', ')}])`;
    return formatTensor(this.dataSync(), this.shape, this.dtype);
  }

  /** Node's console.log uses this. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function toNested(values: TypedArray, shape: Shape, dtype: DType): NestedArray {
  const cast = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return cast(values[0]);
  const build = (offset: number, axis: number): NestedArray[] => {
    const n = shape[axis];
    const out: NestedArray[] = new Array<NestedArray>(n);
    if (axis === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = cast(values[offset + i]);
      return out;
    }
    let stride = 1;
    for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
    for (let i = 0; i < n; i++) out[i] = build(offset + i * stride, axis + 1);
    return out;
  };
  return build(0, 0);
}
