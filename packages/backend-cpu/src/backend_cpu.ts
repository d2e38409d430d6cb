/**
 * The CPU backend: each buffer is a typed array in a map keyed by its data id. Kernels are
 * plain functions over those arrays (kernels/*.ts), with no Node-only API, so the backend
 * runs in browsers too.
 *
 * Freed float32 outputs go to a pool keyed by length (see BufferPool), so a training loop
 * reuses the same arrays instead of allocating and garbage-collecting one per op.
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
import { BufferPool } from './buffer_pool.js';
import { kernels } from './kernels/index.js';

/** The data id of an array allocate() made: its array may go back to the pool when freed. */
class PooledId {}

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly kernels: ReadonlyMap<string, KernelFunc> = kernels;
  private readonly store = new Map<DataId, TypedArray>();
  private bytes = 0;
  /** Freed arrays this backend allocated itself, for allocate() to hand out again. */
  readonly pool = new BufferPool();
  /** Arrays ever written from outside allocate() (a user's, or a kernel's input stored again): never pooled. */
  private readonly foreign = new WeakSet<TypedArray>();
  /** Set while allocate() stores its array through output(), which subclasses may watch. */
  private allocating = false;

  write(values: TypedArray, _shape: Shape, _dtype: DType, dataId?: DataId): DataId {
    const id = dataId ?? (this.allocating ? new PooledId() : {});
    if (!this.allocating) this.foreign.add(values);
    this.store.set(id, values);
    this.bytes += values.byteLength;
    return id;
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
    if (dataId instanceof PooledId && values instanceof Float32Array && !this.foreign.has(values)) this.pool.release(values);
  }

  /** Live buffers only: the pool's arrays hold no tensor (see pooledBytes), so a loop that frees what it makes reads the same before and after. */
  memory(): BackendMemory {
    return { numDataIds: this.store.size, numBytes: this.bytes };
  }

  /** Bytes of freed arrays the pool keeps for reuse (at most POOL_MAX_BYTES). */
  get pooledBytes(): number {
    return this.pool.bytes;
  }

  /** Drops the pooled arrays (the garbage collector may then free them). */
  releasePool(): void {
    this.pool.clear();
  }

  destroy(): void {
    this.store.clear();
    this.pool.clear();
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

  /**
   * An output of `shape` and `dtype`, with its array for the kernel to fill: zeroed, unless
   * `zeroed` is false, for a kernel that writes every element (then it may hold old values).
   */
  allocate<D extends DType>(shape: Shape, dtype: D, zeroed = true): { info: TensorInfo; values: ReturnType<typeof makeTypedArray<D>> } {
    const size = sizeFromShape(shape);
    const reused = dtype === 'float32' ? this.pool.take(size) : undefined;
    if (reused !== undefined && zeroed) reused.fill(0);
    const values = (reused ?? makeTypedArray(dtype, size)) as ReturnType<typeof makeTypedArray<D>>;
    this.allocating = true;
    try {
      return { info: this.output(values, shape, dtype), values };
    } finally {
      this.allocating = false;
    }
  }
}
