/** A storage-only backend for tests of the engine and of op checks: no arithmetic, one Reshape kernel. */
import type { Backend, DataId, KernelFunc } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { KernelName } from '../kernel_names.js';

export class StoreBackend implements Backend {
  readonly store = new Map<DataId, TypedArray>();
  readonly kernels = new Map<string, KernelFunc>([
    [KernelName.Reshape, ({ inputs: { x }, attrs }) => ({ dataId: x.dataId, shape: (attrs as { shape: number[] }).shape, dtype: x.dtype })],
  ]);
  /** Buffers freed so far; a second dispose of one buffer throws. */
  disposed = 0;

  constructor(readonly name = 'store') {}

  write(values: TypedArray, _shape: readonly number[], _dtype: DType, dataId: DataId = {}): DataId {
    this.store.set(dataId, values);
    return dataId;
  }
  readSync(dataId: DataId): TypedArray {
    return this.store.get(dataId)!.slice();
  }
  read(dataId: DataId): Promise<TypedArray> {
    return Promise.resolve(this.readSync(dataId));
  }
  dispose(dataId: DataId): void {
    if (!this.store.delete(dataId)) throw new Error(`${this.name} backend: buffer disposed twice`);
    this.disposed++;
  }
  memory(): { numDataIds: number; numBytes: number } {
    return { numDataIds: this.store.size, numBytes: [...this.store.values()].reduce((n, v) => n + v.byteLength, 0) };
  }
}
