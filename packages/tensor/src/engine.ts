/**
 * The engine: registered backends and the active one, every tensor's buffer and its
 * reference count, tidy scopes, and the kernel-run hook that autograd listens to.
 */
import type { Backend, BackendFactory, BackendMemory, DataId, KernelArgs, KernelFunc, TensorInfo } from './backend.js';
import { otherCopiesNote, signCopy } from './copies.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { formatShape, sizeFromShape, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

interface DataRecord {
  backend: Backend;
  refCount: number;
  dtype: DType;
  size: number;
}

/** What listeners hear about each kernel run. */
export interface KernelRun {
  kernelName: string;
  inputs: Record<string, Tensor>;
  attrs: Record<string, unknown>;
  outputs: Tensor[];
}
export type KernelListener = (run: KernelRun) => void;

/** Anything a tidy function may return: the tensors in it survive the scope. */
export type TensorContainer =
  | void
  | undefined
  | null
  | number
  | string
  | boolean
  | Tensor
  | readonly TensorContainer[]
  | { [key: string]: TensorContainer };

export interface MemoryInfo {
  /** Live tensor handles (disposed and garbage-collected ones no longer count). */
  numTensors: number;
  /** Distinct buffers (handles may share one, e.g. after reshape). */
  numDataIds: number;
  numBytes: number;
  /** Per registered backend that has been initialised. */
  backends: Record<string, BackendMemory>;
}

/** Handles waiting for registration with the garbage collector, at most (see collectWhenUnreachable). */
const MAX_UNREGISTERED = 4096;

interface Registration {
  factory: BackendFactory;
  priority: number;
}

export class Engine {
  private readonly registry = new Map<string, Registration>();
  private readonly instances = new Map<string, Backend>();
  private activeName: string | null = null;
  private readonly records = new Map<DataId, DataRecord>();
  private numTensors = 0;
  private nextTensorId = 0;
  private readonly scopes: Tensor[][] = [];
  private readonly listeners = new Set<KernelListener>();
  private readonly disposeListeners = new Set<(tensor: Tensor) => void>();
  /**
   * Drops a handle's reference when its Tensor object is garbage-collected without
   * dispose(), so a loop written as in PyTorch (no tidy) does not grow. The held value is
   * the data id, never the tensor; dispose() unregisters, so a handle is released once.
   * tidy/dispose stay the exact way: collection comes whenever the JavaScript GC runs.
   * Registering costs about as much as a small op, so a tensor made inside tidy registers
   * only if it leaves every scope (returned to the top, or kept): tidy loops pay nothing.
   */
  private readonly unregistered: Tensor[] = [];
  private readonly collected = new FinalizationRegistry<DataId>((dataId) => {
    this.numTensors--;
    this.release(dataId);
  });

  // --- backends -----------------------------------------------------------------------

  /** Registers a backend factory under `name`; the highest priority becomes the default. */
  registerBackend(name: string, factory: BackendFactory, priority = 1): void {
    if (this.registry.has(name)) return;
    this.registry.set(name, { factory, priority });
  }

  /** Forgets a backend; tensors still stored on it become unusable. */
  removeBackend(name: string): void {
    const instance = this.instances.get(name);
    instance?.destroy?.();
    this.instances.delete(name);
    this.registry.delete(name);
    if (this.activeName === name) this.activeName = null;
  }

  registeredBackends(): string[] {
    return [...this.registry.keys()];
  }

  /** Makes `name` the active backend, initialising it first (GPU backends start asynchronously). */
  async setBackend(name: string): Promise<void> {
    await this.initBackend(name);
    this.activeName = name;
  }

  /** Makes an already initialised (or synchronously initialisable) backend active. */
  setBackendSync(name: string): void {
    const instance = this.instances.get(name) ?? this.initBackendSync(name);
    if (!instance) throw new Error(`setBackend: backend '${name}' initialises asynchronously; use await setBackend('${name}')`);
    this.activeName = name;
  }

  async initBackend(name: string): Promise<Backend> {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const reg = this.registry.get(name);
    if (!reg) throw new Error(this.unknownBackendMessage(name));
    const backend = await reg.factory();
    this.instances.set(name, backend);
    return backend;
  }

  /** The active backend, choosing and initialising the default one on first use. */
  get backend(): Backend {
    if (this.activeName === null) this.activeName = this.chooseDefault();
    const instance = this.instances.get(this.activeName) ?? this.initBackendSync(this.activeName);
    if (!instance) throw new Error(`backend '${this.activeName}' is not initialised yet: await setBackend('${this.activeName}') first`);
    return instance;
  }

  get backendName(): string {
    void this.backend;
    return this.activeName!;
  }

  /** The active backend's name, or null before one is chosen (unlike backendName, chooses none). */
  get activeBackendName(): string | null {
    return this.activeName;
  }

  /** Goes back to a backend that was active before (or to none, to choose the default on next use). */
  restoreActiveBackend(name: string | null): void {
    if (name === null) this.activeName = null;
    else this.setBackendSync(name);
  }

  findBackend(name: string): Backend | undefined {
    return this.instances.get(name);
  }

  private initBackendSync(name: string): Backend | undefined {
    const reg = this.registry.get(name);
    if (!reg) throw new Error(this.unknownBackendMessage(name));
    const made = reg.factory();
    if (made instanceof Promise) {
      // Keep the promise's result for a later setBackend; there is nothing to use now.
      void made.then((b) => this.instances.set(name, b));
      return undefined;
    }
    this.instances.set(name, made);
    return made;
  }

  private chooseDefault(): string {
    let best: string | null = null;
    let bestPriority = -Infinity;
    for (const [name, reg] of this.registry) {
      if (reg.priority > bestPriority) {
        best = name;
        bestPriority = reg.priority;
      }
    }
    if (best === null) {
      const copies = otherCopiesNote(thisCopy);
      if (copies) throw new Error(`no backend is registered in this copy of @nn/tensor: ${copies}`);
      throw new Error("no backend is registered: import '@nn/backend-cpu' (or another backend) before creating tensors");
    }
    return best;
  }

  private unknownBackendMessage(name: string): string {
    const known = this.registeredBackends();
    const copies = otherCopiesNote(thisCopy);
    if (copies) return `backend '${name}' is not registered in this copy of @nn/tensor (registered: ${known.length ? known.join(', ') : 'none'}): ${copies}`;
    return `backend '${name}' is not registered (registered: ${known.length ? known.join(', ') : 'none'}); import its package, e.g. '@nn/backend-${name}'`;
  }

  // --- tensors and their data ---------------------------------------------------------------

  /** A new tensor holding a copy-free handle on `values`, written to the active backend. */
  makeTensor(values: TypedArray, shape: Shape, dtype: DType): Tensor {
    const backend = this.backend;
    const dataId = backend.write(values, shape, dtype);
    return this.makeTensorFromInfo({ dataId, shape, dtype }, backend);
  }

  /** Wraps a kernel output (or an existing buffer) in a new handle, counting a reference. */
  makeTensorFromInfo(info: TensorInfo, backend: Backend = this.backend): Tensor {
    const record = this.records.get(info.dataId);
    if (record) {
      record.refCount++;
    } else {
      this.records.set(info.dataId, { backend, refCount: 1, dtype: info.dtype, size: sizeFromShape(info.shape) });
    }
    const tensor = new Tensor(info.shape, info.dtype, info.dataId, this.nextTensorId++);
    this.numTensors++;
    this.track(tensor);
    return tensor;
  }

  /** Another handle on the same buffer, not owned by any tidy scope (for tapes and caches). */
  share(tensor: Tensor): Tensor {
    this.assertLive(tensor, 'share');
    const record = this.records.get(tensor.dataId)!;
    record.refCount++;
    const handle = new Tensor(tensor.shape, tensor.dtype, tensor.dataId, this.nextTensorId++);
    handle.kept = true;
    this.numTensors++;
    this.collectWhenUnreachable(handle);
    return handle;
  }

  disposeTensor(tensor: Tensor): void {
    if (tensor.isDisposed) return;
    tensor.isDisposed = true;
    this.numTensors--;
    if (this.disposeListeners.size > 0) for (const listener of this.disposeListeners) listener(tensor);
    this.collected.unregister(tensor);
    this.release(tensor.dataId);
  }

  /** Drops one reference to a buffer; the backend frees it with the last one. */
  private release(dataId: DataId): void {
    const record = this.records.get(dataId);
    if (!record) return;
    record.refCount--;
    if (record.refCount === 0) {
      record.backend.dispose(dataId);
      this.records.delete(dataId);
    }
  }

  /**
   * Points `target` at `value`'s buffer (in place, for parameters and running statistics
   * that change between steps); the old buffer loses a reference. Shapes and dtypes must agree.
   */
  assign(target: Tensor, value: Tensor): void {
    this.assertLive(target, 'assign');
    this.assertLive(value, 'assign');
    if (target.dtype !== value.dtype || target.shape.length !== value.shape.length || target.shape.some((d, i) => d !== value.shape[i])) {
      throw new Error(
        `assign: value of shape [${value.shape.join(',')}] ${value.dtype} does not match target [${target.shape.join(',')}] ${target.dtype}`,
      );
    }
    if (target.dataId === value.dataId) return;
    this.records.get(value.dataId)!.refCount++;
    this.release(target.dataId);
    target.dataId = value.dataId;
    // A registered handle's entry names the buffer it holds now (one still in a scope registers later).
    if (this.collected.unregister(target)) this.collected.register(target, value.dataId, target);
  }

  /** The backend that holds `tensor`'s data now. */
  backendOf(tensor: Tensor): Backend {
    this.assertLive(tensor, 'backendOf');
    return this.records.get(tensor.dataId)!.backend;
  }

  readSync(tensor: Tensor): TypedArray {
    this.assertLive(tensor, 'dataSync');
    return this.records.get(tensor.dataId)!.backend.readSync(tensor.dataId);
  }

  /** Whether `dataSync()` can read `tensor` where it lies now (false for device results on WebGPU). */
  canReadSync(tensor: Tensor): boolean {
    this.assertLive(tensor, 'canReadSync');
    const record = this.records.get(tensor.dataId)!;
    return record.backend.canReadSync?.(tensor.dataId) ?? true;
  }

  read(tensor: Tensor): Promise<TypedArray> {
    this.assertLive(tensor, 'data');
    return this.records.get(tensor.dataId)!.backend.read(tensor.dataId);
  }

  /** Moves a buffer to `target` in place: every handle on it follows. */
  moveData(dataId: DataId, target: Backend): void {
    const record = this.records.get(dataId);
    if (!record || record.backend === target) return;
    const values = record.backend.readSync(dataId);
    record.backend.dispose(dataId);
    target.write(values, [record.size], record.dtype, dataId);
    record.backend = target;
  }

  private assertLive(tensor: Tensor, op: string): void {
    if (tensor.isDisposed) throw new Error(`${op}: tensor ${tensor.id} (shape [${tensor.shape.join(',')}]) has been disposed`);
  }

  // --- kernels ---------------------------------------------------------------------------

  /**
   * Runs a kernel by name on the active backend. Inputs stored on another backend move here
   * first. Ops call this after checking their arguments.
   */
  runKernel(kernelName: string, inputs: Record<string, Tensor>, attrs: object = {}): Tensor[] {
    const backend = this.backend;
    const kernel: KernelFunc | undefined = backend.kernels.get(kernelName);
    if (!kernel) throw new Error(`kernel '${kernelName}' is not implemented by backend '${backend.name}'`);
    const infos: Record<string, TensorInfo> = {};
    for (const key of Object.keys(inputs)) {
      const t = inputs[key];
      this.assertLive(t, kernelName);
      const record = this.records.get(t.dataId)!;
      // A shape-only backend reads shapes alone: the data stays where it is (a model's weights).
      if (record.backend !== backend && !backend.shapeOnly) this.moveData(t.dataId, backend);
      infos[key] = t;
    }
    const result = runGuarded(kernel, { inputs: infos, attrs, backend }, kernelName);
    const outputs = (Array.isArray(result) ? result : [result]).map((info) => this.makeTensorFromInfo(info, backend));
    if (this.listeners.size > 0) {
      const run: KernelRun = { kernelName, inputs, attrs: attrs as Record<string, unknown>, outputs };
      for (const listener of this.listeners) listener(run);
    }
    return outputs;
  }

  /** Listens to every kernel run; returns the function that stops listening. */
  onKernelRun(listener: KernelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Listens to every handle's dispose() (not to garbage collection, which a
   * FinalizationRegistry of the listener's own sees); returns the function that stops listening.
   */
  onDispose(listener: (tensor: Tensor) => void): () => void {
    this.disposeListeners.add(listener);
    return () => this.disposeListeners.delete(listener);
  }

  // --- memory ----------------------------------------------------------------------------

  /** Runs `fn` and frees every tensor it made, except those it returns and those kept. */
  tidy<T extends TensorContainer>(fn: () => T): T {
    if (typeof fn !== 'function') throw new Error('tidy: expected a function');
    const scope: Tensor[] = [];
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.endScope(scope, undefined);
      throw error;
    }
    if (result instanceof Promise) {
      this.endScope(scope, undefined);
      throw new Error('tidy: the function returned a Promise; tidy only works with synchronous functions');
    }
    this.endScope(scope, result);
    return result;
  }

  private endScope(scope: Tensor[], result: TensorContainer): void {
    const popped = this.scopes.pop();
    if (popped !== scope) throw new Error('tidy: scopes were closed out of order');
    const survivors = new Set<Tensor>();
    collectTensors(result, survivors);
    const parent = this.scopes.at(-1);
    for (const t of scope) {
      if (t.isDisposed) continue;
      if (survivors.has(t)) {
        if (parent) parent.push(t);
        else this.collectWhenUnreachable(t);
      } else if (t.kept) {
        this.collectWhenUnreachable(t);
      } else {
        this.disposeTensor(t);
      }
    }
  }

  /** A new handle belongs to the innermost tidy scope, or, outside tidy, to the garbage collector. */
  private track(tensor: Tensor): void {
    const scope = this.scopes.at(-1);
    if (scope) scope.push(tensor);
    else this.collectWhenUnreachable(tensor);
  }

  /**
   * Called once per handle, when it leaves (or never enters) tidy's care. Registration waits
   * in `unregistered` until the current job ends (or the list is long): a handle disposed
   * by then (add(a, b).dispose()) never costs one. Finalizers only run between tasks, so
   * registering at the end of the job frees nothing later than registering at once.
   */
  private collectWhenUnreachable(tensor: Tensor): void {
    this.unregistered.push(tensor);
    if (this.unregistered.length >= MAX_UNREGISTERED) this.registerPending();
    else if (this.unregistered.length === 1) void Promise.resolve().then(() => this.registerPending());
  }

  private registerPending(): void {
    for (const t of this.unregistered) if (!t.isDisposed) this.collected.register(t, t.dataId, t);
    this.unregistered.length = 0;
  }

  /** Exempts `tensor` from every tidy scope; free it with dispose(). */
  keep<T extends Tensor>(tensor: T): T {
    tensor.kept = true;
    return tensor;
  }

  memory(): MemoryInfo {
    let numBytes = 0;
    for (const record of this.records.values()) numBytes += record.size * bytesPerElement(record.dtype);
    const backends: Record<string, BackendMemory> = {};
    for (const [name, backend] of this.instances) backends[name] = backend.memory();
    return { numTensors: this.numTensors, numDataIds: this.records.size, numBytes, backends };
  }
}

/**
 * Runs a kernel, naming it in an allocation failure (a RangeError from a typed array or
 * ArrayBuffer too large for this machine) that the op's size checks did not foresee.
 */
function runGuarded(kernel: KernelFunc, args: KernelArgs, kernelName: string): TensorInfo | TensorInfo[] {
  try {
    return kernel(args);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const shapes = Object.entries(args.inputs).map(([name, t]) => `${name} ${formatShape(t.shape)}`);
    throw new Error(`${kernelName}: backend '${args.backend.name}' failed for inputs ${shapes.join(', ')}: ${error.message}`, { cause: error });
  }
}

/** Finds every tensor in a container; `seen` guards against cycles in returned objects. */
function collectTensors(container: TensorContainer, into: Set<Tensor>, seen = new Set<object>()): void {
  if (container == null || typeof container !== 'object') return;
  if (container instanceof Tensor) {
    into.add(container);
    return;
  }
  if (seen.has(container)) return;
  seen.add(container);
  if (Array.isArray(container)) {
    for (const item of container as readonly TensorContainer[]) collectTensors(item, into, seen);
  } else {
    for (const value of Object.values(container)) collectTensors(value, into, seen);
  }
}

let globalEngine: Engine | null = null;
const thisCopy = signCopy(() => globalEngine?.registeredBackends() ?? []);

/** The process-wide engine. */
export function engine(): Engine {
  globalEngine ??= new Engine();
  return globalEngine;
}

export function registerBackend(name: string, factory: BackendFactory, priority = 1): void {
  engine().registerBackend(name, factory, priority);
}
export function setBackend(name: string): Promise<void> {
  return engine().setBackend(name);
}
export function getBackend(): string {
  return engine().backendName;
}
export function tidy<T extends TensorContainer>(fn: () => T): T {
  return engine().tidy(fn);
}
export function keep<T extends Tensor>(tensor: T): T {
  return engine().keep(tensor);
}
export function dispose(container: TensorContainer): void {
  const all = new Set<Tensor>();
  collectTensors(container, all);
  for (const t of all) engine().disposeTensor(t);
}
export function assign(target: Tensor, value: Tensor): void {
  engine().assign(target, value);
}
export function memory(): MemoryInfo {
  return engine().memory();
}
