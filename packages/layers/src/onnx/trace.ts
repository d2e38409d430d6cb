/**
 * Tracing: runs a module's forward once while listening to the engine, and keeps, for
 * every kernel run, its name, attributes, the module that ran it and which earlier values
 * it read. A value is a graph input, a parameter or buffer (by its state-dict name), a
 * constant made inside forward (its numbers are read now), or a kernel's output. Only this
 * metadata outlives the forward pass: its tensors are freed by tidy.
 */
import { noGrad } from '@nn/autograd';
import { engine, Tensor, type DataId, type DType, type TypedArray } from '@nn/tensor';
import type { AnyModule } from '../module.js';
import { moduleRun } from './modules.js';

export type ValueSource =
  | { kind: 'input'; index: number }
  | { kind: 'parameter'; name: string; tensor: Tensor }
  | { kind: 'constant'; values: TypedArray }
  | { kind: 'kernel'; run: number; output: number };

export interface TracedValue {
  shape: number[];
  dtype: DType;
  source: ValueSource;
}

export interface TracedRun {
  kernelName: string;
  attrs: Record<string, unknown>;
  /** Input keys as the kernel names them ('x', 'weight', 'x0', ...) with value ids. */
  inputs: [string, number][];
  outputs: number[];
  /** The dotted path of the innermost module whose forward ran the kernel ('' for the root). */
  modulePath: string;
  moduleType: string;
}

export interface Trace {
  values: TracedValue[];
  runs: TracedRun[];
  /** The forward result's tensors, flattened (arrays in order, objects by key). */
  outputs: number[];
}

/** Flattens what forward returned into its tensors, naming the first thing that is not one. */
export function flattenOutputs(value: unknown, where = 'output'): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap((v, i) => flattenOutputs(v, `${where}[${i}]`));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([k, v]) => flattenOutputs(v, `${where}.${k}`));
  }
  throw new Error(`exportOnnx: forward returned ${value === null ? 'null' : typeof value} at ${where}; only tensors, arrays and plain objects of tensors can be graph outputs`);
}

/** The modules whose forward is running, innermost last, and the tracer's hooks on their calls. */
export interface ModuleCalls {
  frames: [path: string, type: string][];
  /** Called as a module's forward starts; what it returns is handed to `exit`. */
  enter: (() => number) | null;
  exit: ((module: AnyModule, args: unknown[], result: unknown, entered: number) => void) | null;
}

/**
 * Makes every module's forward tell `calls` when it runs, so that a kernel run knows its
 * module path and a module can be exported as one node. Returns the function that undoes it.
 */
export function instrumentForwards(module: AnyModule, calls: ModuleCalls): () => void {
  const restore: (() => void)[] = [];
  for (const [path, m] of module.namedModules()) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const original = Reflect.get(m, 'forward') as (...args: unknown[]) => unknown;
    const wrapped = (...args: unknown[]): unknown => {
      calls.frames.push([path, m.constructor.name]);
      const entered = calls.enter?.() ?? 0;
      try {
        const result = original.apply(m, args);
        calls.exit?.(m, args, result, entered);
        return result;
      } finally {
        calls.frames.pop();
      }
    };
    Object.defineProperty(m, 'forward', { value: wrapped, configurable: true, writable: true });
    restore.push(() => {
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    });
  }
  return () => {
    for (const undo of restore) undo();
  };
}

/** Runs `forward(inputs)` without a tape and returns its trace. */
export function traceForward(
  forward: (inputs: Tensor[]) => unknown,
  inputs: Tensor[],
  stateNames: ReadonlyMap<Tensor, string>,
  calls: ModuleCalls,
): Trace {
  const values: TracedValue[] = [];
  const runs: TracedRun[] = [];
  const ids = new Map<Tensor, number>();
  // A handle made without a kernel (engine().share) still names a known buffer.
  const byData = new Map<DataId, number>();
  const stateByData = new Map<DataId, [Tensor, string]>();
  for (const [t, name] of stateNames) stateByData.set(t.dataId, [t, name]);

  const add = (t: Tensor, source: ValueSource): number => {
    const id = values.length;
    values.push({ shape: [...t.shape], dtype: t.dtype, source });
    ids.set(t, id);
    if (source.kind !== 'constant') byData.set(t.dataId, id);
    return id;
  };
  const resolve = (t: Tensor): number => {
    const known = ids.get(t);
    if (known !== undefined) return known;
    const name = stateNames.get(t);
    if (name !== undefined) return add(t, { kind: 'parameter', name, tensor: t });
    const sameData = byData.get(t.dataId);
    if (sameData !== undefined) {
      const v = values[sameData];
      if (v.dtype === t.dtype && v.shape.length === t.shape.length && v.shape.every((d, i) => d === t.shape[i])) return sameData;
    }
    const state = stateByData.get(t.dataId);
    if (state && state[0].dtype === t.dtype) return add(t, { kind: 'parameter', name: state[1], tensor: state[0] });
    return add(t, { kind: 'constant', values: t.dataSync().slice() });
  };

  inputs.forEach((t, index) => add(t, { kind: 'input', index }));
  let outputs: number[] = [];
  const stop = engine().onKernelRun((run) => {
    const [modulePath, moduleType] = calls.frames.at(-1) ?? ['', ''];
    const runIndex = runs.length;
    const inputIds = Object.entries(run.inputs).map(([key, t]): [string, number] => [key, resolve(t)]);
    const outputIds = run.outputs.map((t, output) => add(t, { kind: 'kernel', run: runIndex, output }));
    runs.push({ kernelName: run.kernelName, attrs: run.attrs, inputs: inputIds, outputs: outputIds, modulePath, moduleType });
  });
  calls.enter = () => runs.length;
  // A module exported as one node takes over the run that made its result; the runs before it
  // inside the module then feed nothing and are left out of the graph.
  calls.exit = (module, args, result, entered) => {
    const fused = moduleRun(module, args);
    const y = result instanceof Tensor ? ids.get(result) : undefined;
    if (!fused || y === undefined) return;
    const source = values[y].source;
    if (source.kind !== 'kernel' || source.run < entered || source.output !== 0 || runs[source.run].outputs.length !== 1) return;
    const run = runs[source.run];
    runs[source.run] = { ...run, kernelName: fused.kernelName, attrs: fused.attrs, inputs: fused.inputs.map(([key, t]) => [key, resolve(t)]) };
  };
  try {
    noGrad(() =>
      engine().tidy(() => {
        outputs = flattenOutputs(forward(inputs)).map(resolve);
      }),
    );
  } finally {
    stop();
    calls.enter = null;
    calls.exit = null;
  }
  return { values, runs, outputs };
}
