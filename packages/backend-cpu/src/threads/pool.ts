/**
 * The worker pool: threads - 1 workers (worker_threads in Node, Web Workers in browsers) and
 * the calling thread, all running the GEMM kernel on one shared WebAssembly.Memory, with a
 * control block (SharedArrayBuffer) for the job queue and completion (runtime.ts).
 *
 * A job is synchronous, as the backend is: the caller writes the operands into the shared
 * memory, publishes the job, takes tasks like any worker and then waits with Atomics.wait
 * until every task is counted. A worker that has not started yet (browsers start workers
 * asynchronously) or that the OS does not schedule simply takes no task, so a job never waits
 * for a particular worker. Workers are unref'd: they never keep a Node process alive.
 */
import { GEMM_WASM_SHARED_BASE64, GEMM_WASM_SHARED_RELAXED_BASE64 } from '../kernels/gemm_wasm_module.js';
import { decodeBase64, wasmApi, wasmGemmAvailable, wasmGemmRelaxed, type GemmModule, type WasmMemory } from '../kernels/gemm_wasm.js';
import { threadRuntime, type ThreadRuntime } from './runtime.js';
import { workerSource } from './worker_source.js';

/** The shared memory's maximum in 64 KiB pages (1 GiB), as gemm.wat's shared variant declares it (scripts/build-wasm.mjs). */
export const SHARED_MAX_PAGES = 16384;
const PAGE = 65536;

const { CLAIM, DONE, WAKE, STOP, FAILED, COUNT, KIND, DEAD, MESSAGE, TAKEN, SIZE, TASK_BITS, MAX_GENERATION } = threadRuntime().layout;

interface WorkerHandle {
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: boolean }) => WorkerHandle & {
    unref(): void;
    on(event: 'error', listener: (error: unknown) => void): void;
    postMessage(message: unknown): void;
  };
}

interface BrowserScope {
  Worker?: new (url: string) => WorkerHandle & { onerror: ((event: { preventDefault(): void }) => void) | null; postMessage(message: unknown): void };
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string };
  crossOriginIsolated?: boolean;
  process?: { getBuiltinModule?: (id: string) => unknown };
}

/** Why threads cannot run here, or null where they can. */
export function threadsUnavailable(): string | null {
  const scope = globalThis as unknown as BrowserScope;
  if (typeof SharedArrayBuffer === 'undefined' || scope.crossOriginIsolated === false) {
    return 'SharedArrayBuffer is unavailable (a browser page needs cross-origin isolation: Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (!wasmGemmAvailable()) return 'WebAssembly SIMD is unavailable';
  if (!canBlock()) return "Atomics.wait is not allowed on a page's main thread (run the model in a Web Worker to use threads)";
  if (scope.process?.getBuiltinModule === undefined && (scope.Worker === undefined || scope.Blob === undefined || scope.URL === undefined)) {
    return 'this runtime has no way to start a worker (Node needs 20.16 or later)';
  }
  return null;
}

/** Whether this thread may block in Atomics.wait: not on a browser page's main thread. */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  /** Threads taking part in a job: the workers and the calling thread. */
  readonly threads: number;
  private readonly memory: WasmMemory;
  private readonly control: Int32Array;
  /** The kernel instantiated on the shared memory, for the calling thread: its tasks, and the packing it does before a job. */
  readonly kernels: GemmModule;
  private readonly workers: WorkerHandle[] = [];
  private generation = 0;
  private view = new Float32Array(0);
  private readonly dispatched = new Map<string, number>();
  /** What the calling thread runs: the runtime itself (tests pass one evaluated from its source text). */
  private readonly runtime: ThreadRuntime;

  /** Starts threads - 1 workers running `source`; throws where threadsUnavailable() would say why. */
  constructor(threads: number, runtime = threadRuntime(), source = workerSource()) {
    this.runtime = runtime;
    const wasm = wasmApi()!;
    this.threads = threads;
    // The same variant as the single-thread kernel, so one thread and many give the same bits.
    const bytes = decodeBase64(wasmGemmRelaxed() ? GEMM_WASM_SHARED_RELAXED_BASE64 : GEMM_WASM_SHARED_BASE64);
    const kernel = new wasm.Module(bytes);
    this.memory = new wasm.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    this.kernels = new wasm.Instance(kernel, { env: { memory: this.memory } }).exports as unknown as GemmModule;
    this.control = new Int32Array(new SharedArrayBuffer(SIZE * 4));
    for (let thread = 1; thread < threads; thread++) {
      this.workers.push(startWorker(source, { kernel, memory: this.memory, control: this.control.buffer, thread }));
    }
  }

  /** A float32 view on the shared memory, at least `floats` long; null where the memory cannot grow that far. */
  heap(floats: number): Float32Array | null {
    const bytes = floats * 4;
    const have = this.memory.buffer.byteLength;
    if (have < bytes) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > SHARED_MAX_PAGES) return null;
      this.memory.grow(pages);
    }
    if (this.view.length < floats) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /**
   * Runs `count` tasks of job `kind` with `params` (control slots → values) on every thread,
   * the caller included, and returns when all are done. `meanwhile` runs on the calling thread
   * once the workers have the job, before it takes tasks itself (work that does not touch the
   * job's memory, such as copying out the previous job's result). A task that throws does not stop the
   * others; the first error is rethrown here, and the pool stays usable.
   */
  run(kind: number, params: ReadonlyMap<number, number>, count: number, op: string, meanwhile?: () => void): void {
    const ctl = this.control;
    ctl[KIND] = kind;
    for (const [slot, value] of params) ctl[slot] = value;
    ctl[COUNT] = count;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    this.generation = (this.generation % MAX_GENERATION) + 1;
    Atomics.store(ctl, CLAIM, this.generation << TASK_BITS);
    Atomics.store(ctl, WAKE, this.generation);
    Atomics.notify(ctl, WAKE, Math.min(this.workers.length, count - 1));
    this.dispatched.set(op, (this.dispatched.get(op) ?? 0) + count);
    meanwhile?.();
    this.runtime.runTasks(ctl, this.memory, this.kernels, 0, this.generation);
    for (let done = Atomics.load(ctl, DONE); done < count; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error(`${op}: a thread of the cpu backend's pool failed: ${this.failure()}`);
  }

  /**
   * False once a worker has exited (its process.exit, an uncaught error in it): the op it was
   * running threw, and threads.ts replaces the pool before the next op.
   */
  get healthy(): boolean {
    return Atomics.load(this.control, DEAD) === 0;
  }

  /** Stops the workers (they finish the task in hand first). */
  terminate(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, WAKE);
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }

  /** Tasks each thread has run since the pool started (the caller is thread 0): shows the workers take part. */
  tasksTaken(): number[] {
    return Array.from(this.control.subarray(TAKEN, TAKEN + this.threads));
  }

  /** Tasks the pool has been given for jobs named `op` ('gemm', 'conv2d', …): shows which ops use it. */
  tasksDispatched(op: string): number {
    return this.dispatched.get(op) ?? 0;
  }

  private failure(): string {
    let text = '';
    for (let i = MESSAGE; i < TAKEN && this.control[i] !== 0; i++) text += String.fromCharCode(this.control[i]);
    return text;
  }
}

interface WorkerInit {
  kernel: object;
  memory: WasmMemory;
  control: ArrayBufferLike;
  thread: number;
}

function startWorker(source: string, init: WorkerInit): WorkerHandle {
  const scope = globalThis as unknown as BrowserScope;
  const nodeThreads = scope.process?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
  if (nodeThreads !== undefined) {
    const worker = new nodeThreads.Worker(source, { eval: true });
    // A worker that fails to start takes no task; the others (and the caller) do its share.
    worker.on('error', () => undefined);
    worker.unref();
    worker.postMessage(init);
    return worker;
  }
  const url = scope.URL!.createObjectURL(new scope.Blob!([source], { type: 'text/javascript' }));
  const worker = new scope.Worker!(url);
  worker.onerror = (event) => event.preventDefault();
  worker.postMessage(init);
  return worker;
}
