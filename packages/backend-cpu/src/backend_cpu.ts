/**
 * The CPU backend: each buffer is a typed array in a map keyed by its data id. Kernels are
 * plain functions over those arrays (kernels/*.ts), with no Node-only API, so the backend
 * runs in browsers too.
 */
import {
  makeTypedArray,
  sizeFromShape,
  type Backend,
  type BackendMemory,
  type DataId,
  type DType,
  type KernelFunc,
  type Shape,
  type TensorInfo,
  type TypedArray,
} from '@nn/tensor';
import { kernels } from './kernels/index.js';

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly kernels: ReadonlyMap<string, KernelFunc> = kernels;
  private readonly store = new Map<DataId, TypedArray>();
  private bytes = 0;

  write(values: TypedArray, _shape: Shape, _dtype: DType, dataId: DataId = {}): DataId {
    this.store.set(dataId, values);
    this.bytes += values.byteLength;
    return dataId;
  }

  /** A copy, so that callers may keep or change it without touching the tensor. */
  readSync(dataId: DataId): TypedArray {
    return this.values(dataId).slice();
  }

  read(dataId: DataId): Promise<TypedArray> {
    return Promise.resolve(this.readSync(dataId));
  }

  dispose(dataId: DataId): void {
    const values = this.store.get(dataId);
    if (!values) return;
    this.bytes -= values.byteLength;
    this.store.delete(dataId);
  }

  memory(): BackendMemory {
    return { numDataIds: this.store.size, numBytes: this.bytes };
  }

  destroy(): void {
    this.store.clear();
    this.bytes = 0;
  }

  /** The array behind a buffer, without a copy: for kernels only, which must not change inputs. */
  values<T extends TypedArray = Float32Array>(dataId: DataId): T {
    const values = this.store.get(dataId);
    if (!values) throw new Error('cpu backend: buffer not found (was the tensor disposed?)');
    return values as T;
  }

  /** Stores a kernel's result and describes it as a kernel output. */
  output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  /** A zeroed output of `shape` and `dtype`, with its array for the kernel to fill. */
  allocate<D extends DType>(shape: Shape, dtype: D): { info: TensorInfo; values: ReturnType<typeof makeTypedArray<D>> } {
    const values = makeTypedArray(dtype, sizeFromShape(shape));
    return { info: this.output(values, shape, dtype), values };
  }
}
