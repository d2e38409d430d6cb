/**
 * The gpu.js side: one GPU instance in one mode, the compiled-kernel cache, uploads and
 * readbacks. What a tensor holds on the device depends on the mode: a texture on the GL
 * modes, a buffer handle on WebGPU (behind a promise: WebGPU kernels answer
 * asynchronously), and rows of floats on webasm and cpu, whose "device" is this
 * process's memory.
 *
 * gpu.js falls back to its CPU kernel without failing when a mode cannot take a kernel;
 * every compiled kernel is checked after its first run, and one that did not run in the
 * chosen mode is an error naming the kernel and the mode.
 */
import * as gpujs from 'gpu.js';
import { layoutFor, type Layout } from './layout.js';

export const MODES = ['webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm', 'cpu'] as const;
export type GpujsMode = (typeof MODES)[number];
export type GpujsModeOption = GpujsMode | 'auto';

/**
 * Synchronous modes in the order `auto` tries them (and prefers on a tie): a GL context
 * usually outranks wasm (SIMD on one core), which outranks the plain-JavaScript cpu mode.
 * WebGPU is taken only when asked for, because it has no synchronous readback (dataSync()
 * cannot work).
 */
export const AUTO_ORDER: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

// gpu.js's typings miss `input` as a value and some kernel settings; these are the parts used here.
type InputFn = (values: Float32Array, size: number[]) => unknown;
type CreateKernel = (source: string, settings: Record<string, unknown>) => unknown;
const { GPU } = gpujs;
const input = (gpujs as unknown as { input: InputFn }).input;

/** What a tensor holds on the device (opaque outside this file). */
export type DeviceValue = object;

interface GpuTexture {
  toArray(): unknown;
  delete(): void;
}

/** A compiled gpu.js kernel as this file uses it. */
interface CompiledKernel {
  (...args: unknown[]): unknown;
  kernel?: { constructor: { mode?: string }; fallbackReason?: string | null };
  destroy(removeCanvasReferences?: boolean): void;
}

interface CacheEntry {
  run: CompiledKernel;
  checked: boolean;
}

/** A kernel to run: source from codegen.ts, its output layout, and its arguments in order. */
export interface Launch {
  /** For error messages: the kernel name (and stage). */
  label: string;
  source: string;
  out: Layout;
  args: DeviceValue[];
  /** The sizes of the arguments: gpu.js bakes them into the compiled kernel, so they are part of its key. */
  argSizes: string;
  loopMax: number;
  /** 'Array(4)' for kernels that return four values per thread (tiles); one float otherwise. */
  returnType?: 'Array(4)';
}

const GL_MODES = new Set<GpujsMode>(['webgl2', 'webgl', 'headlessgl']);

export interface DeviceOptions {
  /** Most compiled kernels kept; the least recently used is destroyed past it. */
  maxCachedKernels?: number;
}

export class Device {
  readonly gpu: gpujs.GPU;
  readonly maxTextureSize: number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxCachedKernels: number;
  /** Live device buffers this device made and has not deleted. */
  liveBuffers = 0;
  /** WebGPU: per value, the kernels launched with it that may not have been submitted yet. */
  private readonly pending = new Map<DeviceValue, Promise<unknown>>();

  constructor(
    readonly mode: GpujsMode,
    options: DeviceOptions = {},
  ) {
    this.maxCachedKernels = options.maxCachedKernels ?? 512;
    this.gpu = new GPU({ mode });
    const features = (this.gpu.Kernel as unknown as { features?: { maxTextureSize?: number } } | null)?.features;
    const reported = features?.maxTextureSize;
    // webasm reports Infinity: its buffers are rows in WebAssembly memory, not textures, so only
    // the 2^24-element index limit binds there. layoutFor narrows rows to a smaller GL limit.
    const known = typeof reported === 'number' && reported > 0 && (Number.isFinite(reported) || mode === 'webasm');
    this.maxTextureSize = known ? reported : 16384;
  }

  get isAsync(): boolean {
    return this.mode === 'webgpu';
  }

  /** Whether Math.tanh/expm1/log1p run as JavaScript's, in double precision (see math.ts). */
  get native(): boolean {
    return this.mode === 'webasm' || this.mode === 'cpu';
  }

  get isGL(): boolean {
    return GL_MODES.has(this.mode);
  }

  layout(size: number, what?: string): Layout {
    return layoutFor(size, this.maxTextureSize, what);
  }

  get cachedKernels(): number {
    return this.cache.size;
  }

  clearCache(): void {
    for (const entry of this.cache.values()) entry.run.destroy();
    this.cache.clear();
  }

  destroy(): void {
    this.clearCache();
    void this.gpu.destroy();
  }

  /** Runs a kernel (compiling it on first use); the result may be a promise on WebGPU. */
  run(launch: Launch): DeviceValue {
    const entry = this.kernelFor(launch);
    if (this.isAsync) {
      // WebGPU values are promises of buffer handles: chain the kernel behind its inputs, and
      // keep each input alive until the kernel has been submitted (see delete()).
      const result = Promise.all(launch.args as Promise<unknown>[]).then((args) => entry.run(...args) as Promise<unknown>);
      result.catch(() => undefined); // surfaces where the value is read
      const done = result.then(
        () => undefined,
        () => undefined,
      );
      for (const arg of launch.args) this.pending.set(arg, Promise.all([this.pending.get(arg), done]));
      return this.count(result);
    }
    const result = entry.run(...launch.args);
    if (!entry.checked) {
      assertRanIn(this.mode, entry.run, launch.label, this.gpu.Kernel);
      entry.checked = true;
    }
    return this.count(result);
  }

  /** Stores host values (already float32 and padded to the layout) on the device. */
  upload(values: Float32Array, layout: Layout): DeviceValue {
    if (this.mode === 'cpu' || this.mode === 'webasm') {
      const rows: Float32Array[] = [];
      for (let r = 0; r < layout.height; r++) rows.push(values.slice(r * layout.width, (r + 1) * layout.width));
      this.liveBuffers++;
      return rows;
    }
    const source = 'function(v) {\n  return v[this.thread.y][this.thread.x];\n}';
    return this.run({ label: 'upload', source, out: layout, args: [input(values, [layout.width, layout.height]) as DeviceValue], argSizes: '', loopMax: 1 });
  }

  /** The flat values (padding included) of a device value, synchronously. */
  readSync(value: DeviceValue, layout: Layout): Float32Array {
    if (this.isAsync) {
      throw new Error('gpujs: the webgpu mode has no synchronous readback; use `await tensor.data()` instead of dataSync()');
    }
    return flatten(this.isGL ? (value as GpuTexture).toArray() : value, layout);
  }

  async read(value: DeviceValue, layout: Layout): Promise<Float32Array> {
    if (!this.isAsync) return this.readSync(value, layout);
    const handle = (await (value as Promise<GpuTexture>)) as { toArray(): Promise<unknown> };
    return flatten(await handle.toArray(), layout);
  }

  /** Frees a device value. */
  delete(value: DeviceValue): void {
    this.liveBuffers--;
    if (this.isAsync) {
      const uses = this.pending.get(value);
      this.pending.delete(value);
      void Promise.all([value as Promise<GpuTexture>, uses]).then(
        ([t]) => t.delete(),
        () => undefined,
      );
    } else if (this.isGL) {
      (value as GpuTexture).delete();
    }
  }

  private count(result: unknown): DeviceValue {
    this.liveBuffers++;
    return result as DeviceValue;
  }

  private kernelFor(launch: Launch): CacheEntry {
    const key = `${launch.out.width}x${launch.out.height}${launch.returnType ?? ''}(${launch.argSizes}):${launch.source}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used goes last: Map keeps insertion order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const run = (this.gpu.createKernel as unknown as CreateKernel).call(this.gpu, launch.source, {
      output: [launch.out.width, launch.out.height],
      pipeline: true,
      immutable: true,
      precision: 'single',
      tactic: 'precision',
      loopMaxIterations: Math.max(1000, launch.loopMax + 1),
      dynamicOutput: false,
      dynamicArguments: false,
      // Said, not inferred: gpu.js's GL code can infer a vector from a kernel that reads vector textures.
      returnType: launch.returnType ?? 'Number',
    }) as CompiledKernel;
    if (this.mode === 'webasm' && launch.returnType === 'Array(4)') handVec4OverAsRows(run, launch.out);
    const entry: CacheEntry = { run, checked: false };
    this.cache.set(key, entry);
    if (this.cache.size > this.maxCachedKernels) {
      const oldest = this.cache.keys().next().value!;
      this.cache.get(oldest)!.run.destroy();
      this.cache.delete(oldest);
    }
    return entry;
  }

}

/**
 * On webasm, gpu.js returns a four-channel result as one Float32Array view per texel, and the
 * next kernel copies them in one by one: ~0.5 µs a texel each way, more than the GEMM itself
 * takes at 256². The values already lie in one array, texel by texel, so rows of 4 · width
 * floats over it hold the same memory in the order every consumer reads (flat index
 * 4 · texel + channel) and cost one view per row.
 */
function handVec4OverAsRows(run: CompiledKernel, out: Layout): void {
  const kernel = run.kernel as unknown as { _shapeOutput?: (data: Float32Array) => Float32Array[] } | undefined;
  if (typeof kernel?._shapeOutput !== 'function') return;
  const rowLength = 4 * out.width;
  kernel._shapeOutput = (data) => Array.from({ length: out.height }, (_, y) => data.subarray(y * rowLength, (y + 1) * rowLength));
}

/**
 * Throws unless gpu.js ran `run` with `expected`, the kernel class its GPU instance chose for
 * `mode` (it falls back to its cpu kernel without failing). GL kernels all report mode 'gpu',
 * so the class is compared, not the mode string.
 */
export function assertRanIn(mode: GpujsMode, run: Pick<CompiledKernel, 'kernel'>, label: string, expected: unknown): void {
  const actual = run.kernel?.constructor;
  if (actual !== undefined && actual !== expected) {
    const ran = actual.mode === undefined || actual.mode === 'gpu' ? (actual as { name?: string }).name : actual.mode;
    const reason = run.kernel?.fallbackReason;
    throw new Error(`gpujs: kernel '${label}' cannot run in mode '${mode}' (gpu.js fell back to '${ran}'${reason ? `: ${reason}` : ''})`);
  }
}

/** Rows (or one flat array) from gpu.js as one Float32Array of the layout's padded size. */
function flatten(rows: unknown, layout: Layout): Float32Array {
  const out = new Float32Array(layout.width * layout.height);
  if (rows instanceof Float32Array) {
    out.set(rows.subarray(0, out.length));
    return out;
  }
  const list = rows as ArrayLike<ArrayLike<number>>;
  for (let r = 0; r < layout.height; r++) out.set(list[r], r * layout.width);
  return out;
}

/** True when `mode` works here: a GPU instance opens and a probe kernel runs in it with the right numbers. */
export function probeMode(mode: GpujsMode): boolean {
  return measureMode(mode, 0) !== null;
}

// In browsers and Node ≥ 16 alike; the build's lib (ES2022, no DOM) does not declare it.
declare const performance: { now(): number };

/** The side of the square matmul that `measureMode` times: 2 M multiply-adds. */
const CALIBRATION_SIZE = 128;

/**
 * Milliseconds that `mode` takes for a 128 × 128 × 128 matmul kernel and its readback (the
 * best of `runs` after a compiling run), or null when the mode does not work here: no GPU
 * instance, a fallback to another mode, or wrong numbers. With runs = 0 it only checks.
 */
export function measureMode(mode: GpujsMode, runs = 2): number | null {
  let device: Device | null = null;
  try {
    device = new Device(mode, { maxCachedKernels: 2 });
    if (device.isAsync) return null;
    const n = CALIBRATION_SIZE;
    const layout: Layout = { width: n, height: n, size: n * n };
    // a = all ones; b[k][j] = j, so every output of row-by-column products is n·j.
    const a = device.upload(new Float32Array(n * n).fill(1), layout);
    const b = device.upload(Float32Array.from({ length: n * n }, (_, i) => i % n), layout);
    const launch: Launch = {
      label: `calibration (${mode})`,
      source: `function(a, b) {\n  let s = 0.0;\n  for (let k = 0; k < ${n}; k++) {\n    s += a[this.thread.y][k] * b[k][this.thread.x];\n  }\n  return s;\n}`,
      out: layout,
      args: [a, b],
      argSizes: `${n}x${n},${n}x${n}`,
      loopMax: n,
    };
    const once = (): Float32Array => {
      const y = device!.run(launch);
      const values = device!.readSync(y, layout);
      device!.delete(y);
      return values;
    };
    const first = once();
    if (first[0] !== 0 || first[1] !== n || first[n * n - 1] !== n * (n - 1)) return null;
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      once();
      best = Math.min(best, performance.now() - start);
    }
    device.delete(a);
    device.delete(b);
    return runs === 0 ? 0 : best;
  } catch {
    return null;
  } finally {
    device?.destroy();
  }
}
