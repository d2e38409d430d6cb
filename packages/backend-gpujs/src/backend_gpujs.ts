/**
 * The gpu.js backend: every buffer lives on the device (device.ts) in a 2-D layout
 * (layout.ts) and kernels are gpu.js kernels generated per kernel name and static shape
 * signature (codegen.ts), compiled once and cached. Values come back to the host only in
 * read/readSync.
 *
 * All dtypes are stored as float32 on the device: int32 values are exact up to 2^24 in
 * magnitude (a larger one is refused where it is written), bool is 0/1. Reading back rounds
 * int32 to the nearest integer.
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
import { KernelSource, type TensorRef } from './codegen.js';
import { AUTO_ORDER, Device, measureMode, type DeviceValue, type GpujsMode } from './device.js';
import { checkOptions, unavailableReason, type GpujsBackendOptions } from './options.js';
import { kernels } from './kernels/index.js';
import { MAX_EXACT_INDEX, type Layout } from './layout.js';

export type { GpujsBackendOptions } from './options.js';


interface Buffer {
  value: DeviceValue | null;
  layout: Layout;
  dtype: DType;
  /** What made the buffer, for kernels that need its history (MaxPool2DGrad reads its pool's window). */
  origin?: unknown;
  /**
   * WebGPU only: the values this buffer was written with from the host. WebGPU cannot read
   * back synchronously, but ops that check values on the host (class indices of a loss,
   * say) read tensors the user made; those can answer from here.
   */
  host?: TypedArray;
}

/** How one output is computed: its shape and dtype, its inputs, and the body that builds the source. */
export interface ComputeSpec {
  label: string;
  shape: Shape;
  dtype: DType;
  inputs: readonly TensorInfo[];
  /** Emits statements into `src` and returns the expression of the output value. */
  body: (src: KernelSource, refs: TensorRef[]) => string;
  /** A layout other than the standard one (kernels that read their own outputs in rows, like matmul's). */
  layout?: Layout;
  /** Four values per thread (an internal tile buffer, read only by the kernel that unpacks it). */
  vec4?: boolean;
}

export class GpujsBackend implements Backend {
  readonly name = 'gpujs';
  readonly kernels: ReadonlyMap<string, KernelFunc> = kernels;
  readonly device: Device;
  private readonly store = new Map<DataId, Buffer>();
  private bytes = 0;

  constructor(options: GpujsBackendOptions = {}) {
    checkOptions(options, 'GpujsBackend');
    const requested = options.mode ?? 'auto';
    let mode = requested;
    if (requested === 'auto') ({ mode, timings: this.autoTimings } = chooseMode());
    else {
      const reason = unavailableReason(requested);
      if (reason !== null) throw new Error(`gpujs: ${reason}`);
    }
    this.device = new Device(mode as GpujsMode, { maxCachedKernels: options.maxCachedKernels });
  }

  /**
   * With mode 'auto': the milliseconds each working mode took for the calibration matmul
   * (128 × 128 × 128 and its readback), from which the fastest was chosen.
   */
  readonly autoTimings: Partial<Record<GpujsMode, number>> = {};

  /** The gpu.js mode that runs the kernels. */
  get mode(): GpujsMode {
    return this.device.mode;
  }

  /** One line naming the gpu.js mode that runs, and with 'auto' what each candidate measured. */
  toString(): string {
    const timings = Object.entries(this.autoTimings).map(([mode, ms]) => `${mode} ${ms.toFixed(1)} ms`);
    return `gpujs backend: gpu.js mode '${this.mode}'${timings.length ? ` (auto-chosen; calibration matmul: ${timings.join(', ')})` : ''}`;
  }

  write(values: TypedArray, shape: Shape, dtype: DType, dataId: DataId = {}): DataId {
    if (dtype === 'int32') checkExactInt32(values);
    const layout = this.device.layout(values.length);
    let value: DeviceValue | null = null;
    if (values.length > 0) {
      const padded = new Float32Array(layout.width * layout.height);
      padded.set(values);
      value = this.device.upload(padded, layout);
    }
    this.store.set(dataId, { value, layout, dtype, ...(this.device.isAsync ? { host: values } : {}) });
    this.bytes += layout.size * 4;
    void shape;
    return dataId;
  }

  readSync(dataId: DataId): TypedArray {
    const buffer = this.buffer(dataId);
    if (buffer.value === null) return makeTypedArray(buffer.dtype, 0);
    if (buffer.host) return buffer.host.slice();
    return toDType(this.device.readSync(buffer.value, buffer.layout), buffer);
  }

  /** False only on WebGPU for a buffer computed on the device (no host copy to read). */
  canReadSync(dataId: DataId): boolean {
    const buffer = this.buffer(dataId);
    return !this.device.isAsync || buffer.value === null || buffer.host !== undefined;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    const buffer = this.buffer(dataId);
    if (buffer.value === null) return makeTypedArray(buffer.dtype, 0);
    return toDType(await this.device.read(buffer.value, buffer.layout), buffer);
  }

  dispose(dataId: DataId): void {
    const buffer = this.store.get(dataId);
    if (!buffer) return;
    if (buffer.value !== null) this.device.delete(buffer.value);
    this.bytes -= buffer.layout.size * 4;
    this.store.delete(dataId);
  }

  memory(): BackendMemory {
    return { numDataIds: this.store.size, numBytes: this.bytes, numTextures: this.device.liveBuffers };
  }

  /** Compiled kernels held in the cache (each GL kernel also holds its last output texture). */
  get cachedKernels(): number {
    return this.device.cachedKernels;
  }

  /** Destroys every compiled kernel; they compile again on next use. */
  clearKernelCache(): void {
    this.device.clearCache();
  }

  destroy(): void {
    for (const buffer of this.store.values()) if (buffer.value !== null) this.device.delete(buffer.value);
    this.store.clear();
    this.bytes = 0;
    this.device.destroy();
  }

  // --- for kernels ---------------------------------------------------------------------

  layoutOf(info: TensorInfo): Layout {
    return this.buffer(info.dataId).layout;
  }

  /** Marks where a buffer came from (see Buffer.origin). */
  setOrigin(info: TensorInfo, origin: unknown): void {
    this.buffer(info.dataId).origin = origin;
  }

  originOf(info: TensorInfo): unknown {
    return this.store.get(info.dataId)?.origin;
  }

  /** Runs one generated kernel and stores its output as a new buffer. */
  compute(spec: ComputeSpec): TensorInfo {
    const size = sizeFromShape(spec.shape);
    const layout = spec.layout ?? this.device.layout(size, `${spec.label} output`);
    const dataId: DataId = {};
    let value: DeviceValue | null = null;
    if (size > 0) {
      const src = new KernelSource(layout, this.device.native, this.device.isGL);
      const refs = spec.inputs.map((info, k) => src.tensor(this.layoutOf(info), k));
      const expr = spec.body(src, refs);
      const args = src.args.map((arg) => (arg.kind === 'table' ? arg.values : this.valueOf(spec.inputs[arg.index])));
      const argSizes = src.args
        .map((arg) => {
          if (arg.kind === 'table') return String(arg.values.length);
          const { width, height } = this.layoutOf(spec.inputs[arg.index]);
          return `${width}x${height}`;
        })
        .join(',');
      value = this.device.run({
        label: spec.label,
        source: src.build(expr),
        out: layout,
        args,
        argSizes,
        loopMax: src.loopMax,
        ...(spec.vec4 ? { returnType: 'Array(4)' as const } : {}),
      });
    }
    this.store.set(dataId, { value, layout, dtype: spec.dtype });
    this.bytes += size * 4;
    return { dataId, shape: [...spec.shape], dtype: spec.dtype };
  }

  /** Frees an intermediate that a multi-pass kernel made with compute(). */
  release(info: TensorInfo): void {
    this.dispose(info.dataId);
  }

  private valueOf(info: TensorInfo): DeviceValue {
    const value = this.buffer(info.dataId).value;
    if (value === null) throw new Error('gpujs: an empty tensor cannot be a kernel argument');
    return value;
  }

  private buffer(dataId: DataId): Buffer {
    const buffer = this.store.get(dataId);
    if (!buffer) throw new Error('gpujs backend: buffer not found (was the tensor disposed?)');
    return buffer;
  }
}

/**
 * int32 values live in float32 here, exact only within ±2^24: a larger one would come back
 * as a neighbour (2^31 - 1 as -2^31 after a round trip), so it is refused, not rounded.
 */
function checkExactInt32(values: TypedArray): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > MAX_EXACT_INDEX || v < -MAX_EXACT_INDEX) {
      throw new Error(
        `gpujs: int32 value ${v} (element ${i}) cannot be held exactly: the gpujs backend stores int32 as float32, exact only within ±${MAX_EXACT_INDEX} (2^24); keep this tensor on the cpu backend`,
      );
    }
  }
}

function toDType(flat: Float32Array, { layout, dtype }: Buffer): TypedArray {
  const values = flat.subarray(0, layout.size);
  if (dtype === 'float32') return values.slice();
  const out = makeTypedArray(dtype, layout.size);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]);
  return out;
}

/**
 * 'auto': of the modes of AUTO_ORDER that work here, the one that runs the calibration matmul
 * fastest. Order alone is not enough: a GL context on a software rasterizer (Mesa's llvmpipe
 * under Xvfb, SwiftShader in a browser without a GPU) works but trains LeNet-5 ten times
 * slower than webasm. The cpu mode is timed only when nothing faster works.
 */
function chooseMode(): { mode: GpujsMode; timings: Partial<Record<GpujsMode, number>> } {
  const timings: Partial<Record<GpujsMode, number>> = {};
  let best: GpujsMode | null = null;
  for (const mode of AUTO_ORDER) {
    if (mode === 'cpu' && best !== null) break;
    const ms = measureMode(mode);
    if (ms === null) continue;
    timings[mode] = ms;
    if (best === null || ms < timings[best]!) best = mode;
  }
  if (best === null) throw new Error(`gpujs: no gpu.js mode works here (tried ${AUTO_ORDER.join(', ')})`);
  return { mode: best, timings };
}
