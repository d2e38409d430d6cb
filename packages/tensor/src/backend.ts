/**
 * The backend interface: storage plus a table of kernels by name. Backends import only
 * this package; ops never import a backend.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** Opaque key of one buffer on one backend. The engine moves it between backends in place. */
export type DataId = object;

/** What a kernel sees of a tensor: its data id, shape and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type NamedTensorInfos = Record<string, TensorInfo>;

export interface KernelArgs<B extends Backend = Backend, A = unknown> {
  inputs: NamedTensorInfos;
  attrs: A;
  backend: B;
}

/**
 * A kernel computes outputs from valid inputs (the op has checked them). It returns new
 * tensor infos; it may return an input's dataId (reshape does) and the engine then counts
 * one more reference to it.
 */
export type KernelFunc<B extends Backend = Backend, A = unknown> = (args: KernelArgs<B, A>) => TensorInfo | TensorInfo[];

export interface BackendMemory {
  /** Buffers this backend holds. */
  numDataIds: number;
  /** Bytes those buffers take. */
  numBytes: number;
  /** Backend-specific counts (e.g. live textures on a GPU backend). */
  [key: string]: number;
}

export interface Backend {
  readonly name: string;
  /**
   * A backend whose kernels read only shapes and dtypes (the 'meta' backend): the engine
   * leaves inputs stored on other backends where they are instead of moving them.
   */
  readonly shapeOnly?: boolean;
  /** Stores `values` and returns the id of the new buffer; with `dataId`, stores under that id (used for moves). */
  write(values: TypedArray, shape: Shape, dtype: DType, dataId?: DataId): DataId;
  read(dataId: DataId): Promise<TypedArray>;
  readSync(dataId: DataId): TypedArray;
  /**
   * Whether `readSync` can read this buffer (default: yes). WebGPU cannot read back a
   * device-computed buffer synchronously, so ops that would check index values on the host
   * skip that check there (see assertIndicesInRange).
   */
  canReadSync?(dataId: DataId): boolean;
  dispose(dataId: DataId): void;
  memory(): BackendMemory;
  /** Kernels by kernel name (see KernelName). */
  readonly kernels: ReadonlyMap<string, KernelFunc>;
  /** Frees everything the backend owns. */
  destroy?(): void;
}

export interface BackendFactory {
  (): Backend | Promise<Backend>;
}
