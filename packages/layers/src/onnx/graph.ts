/**
 * Builds the ONNX graph from two traces of the same forward pass, one at the example batch
 * size and one at twice it. Kernel runs, inputs and constants must correspond one to one;
 * a number that differs between the two (a Reshape's batch dimension, the rows an LSTM
 * slices out of a batched matmul) is a linear function of the batch size, and becomes a
 * small shape computation from the input's batch dimension, so the graph runs at any batch.
 */
import type { DType, TypedArray } from '@nn/tensor';
import { int, tensorAttr, tensorBytes, type OnnxAttribute, type OnnxElementType, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './proto.js';
import type { Trace, TracedRun, TracedValue } from './trace.js';

export interface BatchInfo {
  /** Which input and axis carry the batch dimension. */
  input: number;
  axis: number;
  /** Batch sizes of the two traces. */
  sizes: [number, number];
}

export interface GraphOptions {
  inputNames: string[];
  outputNames: string[];
  batch: BatchInfo | null;
  /** Per input, its batch axis (null: none). */
  inputBatchAxes: (number | null)[];
  opset: number;
  graphName: string;
}

/** One trace's view of a run, for numbers that may depend on the batch size. */
export interface RunView {
  attrs: Record<string, unknown>;
  inputShape(key: string): number[];
  outputShape(index?: number): number[];
}

/** What a kernel's mapping sees and does. */
export interface KernelContext {
  readonly kernelName: string;
  readonly opset: number;
  /** An attribute; it must be the same at both batch sizes. */
  attr<T>(key: string): T;
  input(key: string): string;
  inputKeys(): string[];
  /** An input's shape (the example trace's); `staticDims` checks the axes that must not vary. */
  shape(key: string): number[];
  staticDims(key: string, axes: readonly number[]): number[];
  dtype(key: string): DType;
  outputDtype(index?: number): DType;
  output(index?: number): string;
  outputUsed(index: number): boolean;
  /** Adds a node and returns its (first) output; without `outputs`, a fresh name. */
  node(opType: string, inputs: string[], attributes?: Record<string, OnnxAttribute>, outputs?: string[]): string;
  /** An int64 vector input, computed from the batch size where it depends on it. */
  int64s(pick: (run: RunView) => readonly number[], use?: 'reshape'): string;
  /** A number of each trace (example batch, then twice it), for mappings that compare them. */
  both<T>(pick: (run: RunView) => T): [T, T];
  /** A scalar constant of input `key`'s dtype. */
  scalarLike(key: string, value: number): string;
  /** A constant initializer. */
  constant(values: readonly number[], dtype: OnnxElementType, dims?: readonly number[]): string;
  fail(why: string): never;
}

/** Adds the nodes of one kernel run (what it returns is ignored). */
export type KernelMapping = (c: KernelContext) => unknown;

const ONNX_TYPE: Record<DType, OnnxElementType> = { float32: 'float32', int32: 'int32', bool: 'bool' };

const sameNumbers = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i]) || v === b[i]);

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers = new Map<string, OnnxTensor>();
  private readonly names = new Map<number, string>();
  private readonly used = new Set<number>();
  private nodeCount = 0;
  private constantCount = 0;
  private batchValue: string | null = null;

  constructor(
    private readonly a: Trace,
    private readonly b: Trace,
    private readonly options: GraphOptions,
  ) {}

  build(mappings: Readonly<Record<string, KernelMapping>>): OnnxGraph {
    this.checkSameStructure();
    const needed = this.neededRuns();
    const graphOutputs = this.nameOutputs();
    for (const v of this.a.outputs) this.used.add(v);
    for (const run of needed) for (const [, v] of this.a.runs[run].inputs) this.used.add(v);
    for (const run of needed) {
      const r = this.a.runs[run];
      const mapping = mappings[r.kernelName];
      if (!mapping) throw new Error(`exportOnnx: kernel '${r.kernelName}'${where(r)} has no ONNX mapping`);
      mapping(this.context(run));
    }
    const outputs = this.a.outputs.map((v, j): OnnxValueInfo => {
      const name = this.options.outputNames[j];
      if (graphOutputs[j] !== name) this.nodes.push({ opType: 'Identity', name: `/Identity_${this.nodeCount++}`, inputs: [this.valueName(v)], outputs: [name], attributes: {} });
      return { name, elementType: ONNX_TYPE[this.a.values[v].dtype], shape: this.dims(this.a.values[v].shape, this.b.values[v].shape) };
    });
    const inputs = this.options.inputNames.map((name, i): OnnxValueInfo => {
      const v = this.a.values[i];
      const axis = this.options.inputBatchAxes[i];
      return { name, elementType: ONNX_TYPE[v.dtype], shape: v.shape.map((d, k) => (k === axis && this.options.batch ? 'batch' : d)) };
    });
    return { name: this.options.graphName, nodes: this.nodes, initializers: [...this.initializers.values()], inputs, outputs };
  }

  /** Both traces ran the same kernels on the same values; only sizes may differ. */
  private checkSameStructure(): void {
    const { a, b } = this;
    const [ba, bb] = this.options.batch?.sizes ?? [0, 0];
    const differ = (what: string): never => {
      throw new Error(
        `exportOnnx: the forward pass at batch size ${bb} differs from the one at ${ba} (${what}); ` +
          'export needs a forward whose operations do not depend on the batch size',
      );
    };
    if (a.runs.length !== b.runs.length) differ(`${a.runs.length} kernel runs against ${b.runs.length}`);
    if (a.outputs.length !== b.outputs.length || a.outputs.some((v, i) => v !== b.outputs[i])) differ('its outputs');
    a.runs.forEach((r, i) => {
      const s = b.runs[i];
      const same =
        r.kernelName === s.kernelName &&
        r.inputs.length === s.inputs.length &&
        r.inputs.every(([k, v], j) => k === s.inputs[j][0] && v === s.inputs[j][1]) &&
        r.outputs.length === s.outputs.length;
      if (!same) differ(`kernel run ${i}: ${r.kernelName}${where(r)} against ${s.kernelName}${where(s)}`);
    });
    a.values.forEach((v, i) => {
      const w = b.values[i];
      if (v.source.kind !== w.source.kind || v.dtype !== w.dtype) differ(`value ${i}`);
    });
  }

  /** The runs the outputs depend on, in execution order. */
  private neededRuns(): number[] {
    const needed = new Set<number>();
    const stack = [...this.a.outputs];
    while (stack.length > 0) {
      const source = this.a.values[stack.pop()!].source;
      if (source.kind !== 'kernel' || needed.has(source.run)) continue;
      needed.add(source.run);
      for (const [, v] of this.a.runs[source.run].inputs) stack.push(v);
    }
    return [...needed].sort((x, y) => x - y);
  }

  /** Kernel outputs that are graph outputs take the output's name directly. */
  private nameOutputs(): string[] {
    return this.a.outputs.map((v, j) => {
      const name = this.options.outputNames[j];
      if (this.a.values[v].source.kind !== 'kernel' || this.names.has(v)) return this.valueName(v);
      this.names.set(v, name);
      return name;
    });
  }

  private valueName(id: number): string {
    const known = this.names.get(id);
    if (known !== undefined) return known;
    const v = this.a.values[id];
    let name: string;
    switch (v.source.kind) {
      case 'input':
        name = this.options.inputNames[v.source.index];
        break;
      case 'parameter':
        name = v.source.name;
        this.addInitializer(name, v.source.tensor.dataSync(), ONNX_TYPE[v.dtype], v.shape);
        break;
      case 'constant':
        name = this.constantValue(v, this.b.values[id]);
        break;
      case 'kernel': {
        const r = this.a.runs[v.source.run];
        name = `${scope(r)}/${r.kernelName}_${v.source.run}${v.source.output > 0 ? `:${v.source.output}` : ''}`;
        break;
      }
    }
    this.names.set(id, name);
    return name;
  }

  /** A constant made in forward: an initializer, or ConstantOfShape where its size follows the batch. */
  private constantValue(a: TracedValue, b: TracedValue): string {
    const va = (a.source as { values: TypedArray }).values;
    const vb = (b.source as { values: TypedArray }).values;
    if (sameNumbers(a.shape, b.shape)) {
      if (!sameNumbers(va, vb)) throw new Error(`exportOnnx: a tensor of shape [${a.shape.join(',')}] made inside forward has other values at another batch size; only constants can be exported`);
      const name = `constant_${this.constantCount++}`;
      this.addInitializer(name, va, ONNX_TYPE[a.dtype], a.shape);
      return name;
    }
    const uniform = va.length > 0 && va.every((x) => Object.is(x, va[0])) && vb.every((x) => Object.is(x, va[0]));
    if (!uniform) throw new Error(`exportOnnx: a tensor made inside forward, of shape [${a.shape.join(',')}] at one batch size and [${b.shape.join(',')}] at another, is not filled with one value; only such constants can follow the batch size`);
    const shape = this.int64Vector(a.shape, b.shape, `a constant of shape [${a.shape.join(',')}]`);
    const name = `constant_${this.constantCount++}`;
    const value: OnnxTensor = { name: 'value', dataType: ONNX_TYPE[a.dtype], dims: [1], rawData: tensorBytes([va[0]], ONNX_TYPE[a.dtype]) };
    this.nodes.push({ opType: 'ConstantOfShape', name: `/ConstantOfShape_${this.nodeCount++}`, inputs: [shape], outputs: [name], attributes: { value: tensorAttr(value) } });
    return name;
  }

  private addInitializer(name: string, values: TypedArray | readonly number[], dataType: OnnxElementType, dims: readonly number[]): void {
    if (!this.initializers.has(name)) this.initializers.set(name, { name, dataType, dims: [...dims], rawData: tensorBytes(values, dataType) });
  }

  /** Output dimensions: fixed, 'batch' where they are the batch size, dynamic where they follow it otherwise. */
  private dims(a: number[], b: number[]): (number | string | null)[] {
    const [ba, bb] = this.options.batch?.sizes ?? [0, 0];
    return a.map((d, i) => (d === b[i] ? d : d === ba && b[i] === bb ? 'batch' : null));
  }

  /** The batch size as an int64 [1] value, computed once from the input's shape. */
  private batchSize(): string {
    if (this.batchValue) return this.batchValue;
    const batch = this.options.batch!;
    this.batchValue = 'batch_size';
    const attributes = { start: int(batch.axis), end: int(batch.axis + 1) };
    this.nodes.push({ opType: 'Shape', name: '/Shape_batch', inputs: [this.options.inputNames[batch.input]], outputs: [this.batchValue], attributes });
    return this.batchValue;
  }

  /**
   * An int64 vector that is `a` at the first batch size and `b` at the second: a constant,
   * or entry by entry slope·batch + offset, concatenated.
   */
  private int64Vector(a: readonly number[], b: readonly number[], what: string, use?: 'reshape'): string {
    if (a.length !== b.length) throw new Error(`exportOnnx: ${what} has ${a.length} entries at one batch size and ${b.length} at another`);
    if (sameNumbers(a, b)) return this.constantInt64(a);
    const [ba, bb] = this.options.batch?.sizes ?? [0, 0];
    const dynamic = a.map((v, i) => v !== b[i]);
    if (!this.options.batch) throw new Error(`exportOnnx: ${what} depends on the input sizes, but the batch axis is not dynamic`);
    if (use === 'reshape' && dynamic.filter(Boolean).length === 1 && !a.includes(0)) return this.constantInt64(a.map((v, i) => (dynamic[i] ? -1 : v)));
    const pieces: string[] = [];
    let run: number[] = [];
    const flush = (): void => {
      if (run.length > 0) pieces.push(this.constantInt64(run));
      run = [];
    };
    a.forEach((v, i) => {
      if (!dynamic[i]) {
        run.push(v);
        return;
      }
      flush();
      const slope = (b[i] - v) / (bb - ba);
      const offset = v - slope * ba;
      if (!Number.isInteger(slope) || !Number.isInteger(offset)) {
        throw new Error(`exportOnnx: ${what}: entry ${i} is ${v} at batch size ${ba} and ${b[i]} at ${bb}, not a whole multiple of the batch size plus a constant`);
      }
      let value = this.batchSize();
      if (slope !== 1) value = this.pushNode('Mul', [value, this.constantInt64([slope])]);
      if (offset !== 0) value = this.pushNode('Add', [value, this.constantInt64([offset])]);
      pieces.push(value);
    });
    flush();
    return pieces.length === 1 ? pieces[0] : this.pushNode('Concat', pieces, { axis: int(0) });
  }

  private constantInt64(values: readonly number[]): string {
    const name = `constant_${this.constantCount++}`;
    this.addInitializer(name, values, 'int64', [values.length]);
    return name;
  }

  private pushNode(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, outputs?: string[], prefix = ''): string {
    const n = this.nodeCount++;
    const outs = outputs ?? [`${prefix}/${opType}_${n}_output`];
    this.nodes.push({ opType, name: `${prefix}/${opType}_${n}`, inputs, outputs: outs, attributes });
    return outs[0];
  }

  private context(runIndex: number): KernelContext {
    const ra = this.a.runs[runIndex];
    const rb = this.b.runs[runIndex];
    const inputId = (key: string): number => {
      const entry = ra.inputs.find(([k]) => k === key);
      if (!entry) throw new Error(`exportOnnx: kernel '${ra.kernelName}'${where(ra)} has no input '${key}'`);
      return entry[1];
    };
    const view = (trace: Trace, r: TracedRun): RunView => ({
      attrs: r.attrs,
      inputShape: (key) => trace.values[inputId(key)].shape,
      outputShape: (index = 0) => trace.values[r.outputs[index]].shape,
    });
    const fail = (why: string): never => {
      throw new Error(`exportOnnx: kernel '${ra.kernelName}'${where(ra)}: ${why}`);
    };
    return {
      kernelName: ra.kernelName,
      opset: this.options.opset,
      attr: <T>(key: string): T => {
        const value = ra.attrs[key];
        if (JSON.stringify(value) !== JSON.stringify(rb.attrs[key])) {
          fail(`attribute ${key} is ${JSON.stringify(value)} at one batch size and ${JSON.stringify(rb.attrs[key])} at another; ONNX needs it fixed`);
        }
        return value as T;
      },
      input: (key) => this.valueName(inputId(key)),
      inputKeys: () => ra.inputs.map(([k]) => k),
      shape: (key) => this.a.values[inputId(key)].shape,
      staticDims: (key, axes) => {
        const sa = this.a.values[inputId(key)].shape;
        const sb = this.b.values[inputId(key)].shape;
        for (const axis of axes) if (sa[axis] !== sb[axis]) fail(`axis ${axis} of input ${key} follows the batch size, which this mapping needs fixed`);
        return sa;
      },
      dtype: (key) => this.a.values[inputId(key)].dtype,
      outputDtype: (index = 0) => this.a.values[ra.outputs[index]].dtype,
      output: (index = 0) => this.valueName(ra.outputs[index]),
      outputUsed: (index) => this.used.has(ra.outputs[index]),
      node: (opType, inputs, attributes = {}, outputs) => this.pushNode(opType, inputs, attributes, outputs, scope(ra)),
      both: (pick) => [pick(view(this.a, ra)), pick(view(this.b, rb))],
      int64s: (pick, use) => this.int64Vector(pick(view(this.a, ra)), pick(view(this.b, rb)), `${ra.kernelName}${where(ra)}`, use),
      constant: (values, dtype, dims = [values.length]) => {
        const name = `constant_${this.constantCount++}`;
        this.addInitializer(name, values, dtype, dims);
        return name;
      },
      scalarLike: (key, value) => {
        const name = `constant_${this.constantCount++}`;
        this.addInitializer(name, [value], ONNX_TYPE[this.a.values[inputId(key)].dtype], []);
        return name;
      },
      fail,
    };
  }
}

function where(r: TracedRun): string {
  return r.modulePath ? ` in module '${r.modulePath}' (${r.moduleType})` : r.moduleType ? ` in the root module (${r.moduleType})` : '';
}

function scope(r: TracedRun): string {
  return r.modulePath ? `/${r.modulePath.replaceAll('.', '/')}` : '';
}
