/**
 * exportOnnx: any @nn model to an ONNX file (opset 17 and later), so that it runs in ONNX
 * Runtime on a server, a phone or a GPU cluster. The model's forward is traced (in eval
 * mode, without a tape) at the example batch size and at twice it; kernels become ONNX
 * nodes, parameters and buffers become initializers under their state-dict names, and the
 * batch axis of the inputs and outputs is left dynamic ('batch').
 *
 * Tracing records what ran, not the code: Python-like control flow that depends on values
 * is frozen at the example's, and a recurrent layer is unrolled over the example's length.
 */
import { concat, engine, Tensor } from '@nn/tensor';
import type { AnyModule } from '../module.js';
import { GraphBuilder, type BatchInfo } from './graph.js';
import { KERNEL_MAPPINGS } from './kernels.js';
import { encodeModel } from './proto.js';
import { instrumentForwards, traceForward, type ModuleCalls, type Trace } from './trace.js';

export interface ExportOnnxOptions {
  /** Graph input names, one per example input. Default 'input' (or 'input_0', 'input_1', ...). */
  inputNames?: readonly string[];
  /** Graph output names, one per tensor forward returns (flattened). Default 'output' (or 'output_0', ...). */
  outputNames?: readonly string[];
  /**
   * Which axis of each input is the batch, left dynamic in the graph: one axis for every
   * input, or one per input (null: that input has none). false fixes every size. Default 0.
   */
  batchAxis?: number | readonly (number | null)[] | false;
  /** ONNX operator set, 17 to 21. Default 17. */
  opset?: number;
  /** The graph's name. Default the module's class name. */
  graphName?: string;
  /** Free text stored in the model (ModelProto.doc_string). */
  docString?: string;
}

const OPTION_KEYS = ['inputNames', 'outputNames', 'batchAxis', 'opset', 'graphName', 'docString'];
const MIN_OPSET = 17;
const MAX_OPSET = 21;
/** IR version 8 goes with opsets up to 18 in every ONNX Runtime since 1.14; 9 from opset 19, 10 from 21. */
const irVersionFor = (opset: number): number => (opset >= 21 ? 10 : opset >= 19 ? 9 : 8);

/** The bytes of an .onnx file that computes `module.forward(...exampleInputs)`. */
export function exportOnnx(module: AnyModule, exampleInputs: Tensor | readonly Tensor[], options: ExportOnnxOptions = {}): Uint8Array {
  const inputs = exampleInputs instanceof Tensor ? [exampleInputs] : [...exampleInputs];
  checkOptions(options);
  if (inputs.length === 0 || !inputs.every((t) => t instanceof Tensor)) throw new Error('exportOnnx: exampleInputs must be a tensor or a non-empty array of tensors');
  const opset = options.opset ?? MIN_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) throw new Error(`exportOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}`);
  const inputNames = names('inputNames', options.inputNames, inputs.length, 'input');
  const axes = batchAxes(options.batchAxis, inputs);
  const batchInput = axes.findIndex((a) => a !== null);
  const exampleBatch = batchInput < 0 ? 0 : inputs[batchInput].shape[axes[batchInput]!];
  if (batchInput >= 0 && exampleBatch === 0) throw new Error('exportOnnx: the example batch is empty; give at least one example');
  axes.forEach((axis, i) => {
    if (axis !== null && inputs[i].shape[axis] !== exampleBatch) {
      throw new Error(`exportOnnx: input ${i} has ${inputs[i].shape[axis]} on its batch axis ${axis}, input ${batchInput} has ${exampleBatch}`);
    }
  });

  const [a, b] = traceTwice(module, inputs, axes);
  const outputNames = names('outputNames', options.outputNames, a.outputs.length, 'output');
  const clash = outputNames.find((n) => inputNames.includes(n));
  if (clash !== undefined) throw new Error(`exportOnnx: '${clash}' is both an input and an output name`);
  const batch: BatchInfo | null = batchInput < 0 ? null : { input: batchInput, axis: axes[batchInput]!, sizes: [exampleBatch, 2 * exampleBatch] };
  const graph = new GraphBuilder(a, b, {
    inputNames,
    outputNames,
    batch,
    inputBatchAxes: axes,
    opset,
    graphName: options.graphName ?? module.constructor.name,
  }).build(KERNEL_MAPPINGS);
  return encodeModel({ irVersion: irVersionFor(opset), opsetVersion: opset, producerName: '@nn/layers', producerVersion: '0.1.0', graph, docString: options.docString });
}

function checkOptions(options: ExportOnnxOptions): void {
  if (options === null || typeof options !== 'object') throw new Error('exportOnnx: options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new Error(`exportOnnx: unknown option '${key}' (expected one of ${OPTION_KEYS.join(', ')})`);
  }
}

function names(option: string, given: readonly string[] | undefined, count: number, base: string): string[] {
  const out = given ? [...given] : count === 1 ? [base] : [...Array(count).keys()].map((i) => `${base}_${i}`);
  if (out.length !== count) throw new Error(`exportOnnx: ${option} has ${out.length} names for ${count} ${base}s`);
  const bad = out.find((n) => typeof n !== 'string' || n === '');
  if (bad !== undefined) throw new Error(`exportOnnx: ${option} must be non-empty strings, got ${JSON.stringify(bad)}`);
  const twice = out.find((n, i) => out.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`exportOnnx: ${option} names '${twice}' twice`);
  return out;
}

function batchAxes(option: ExportOnnxOptions['batchAxis'], inputs: Tensor[]): (number | null)[] {
  const given = option === false ? inputs.map(() => null) : typeof option === 'object' ? [...option] : inputs.map(() => option ?? 0);
  if (given.length !== inputs.length) throw new Error(`exportOnnx: batchAxis has ${given.length} entries for ${inputs.length} inputs`);
  return given.map((axis, i) => {
    if (axis === null) return null;
    const rank = inputs[i].rank;
    if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new Error(`exportOnnx: batchAxis ${String(axis)} is out of range for input ${i} of shape [${inputs[i].shape.join(',')}]`);
    return axis < 0 ? axis + rank : axis;
  });
}

/**
 * Traces at the example batch and at twice it (each input repeated along its batch axis).
 * A first forward may fill caches that later ones read, so on a mismatch both run again.
 */
function traceTwice(module: AnyModule, inputs: Tensor[], axes: (number | null)[]): [Trace, Trace] {
  const doubled = engine().tidy(() => inputs.map((t, i) => (axes[i] === null ? t : concat([t, t], axes[i]))));
  const stateNames = new Map<Tensor, string>();
  for (const [name, t] of [...module.namedParameters(), ...module.namedBuffers()]) stateNames.set(t, name);
  const wasTraining = new Map(module.modules().map((m) => [m, m.training]));
  const calls: ModuleCalls = { frames: [], enter: null, exit: null };
  const restore = instrumentForwards(module, calls);
  module.eval();
  const forward = (xs: Tensor[]): unknown => (module.forward as (...args: Tensor[]) => unknown)(...xs);
  try {
    let a = traceForward(forward, inputs, stateNames, calls);
    let b = traceForward(forward, doubled, stateNames, calls);
    if (a.runs.length !== b.runs.length || a.runs.some((r, i) => r.kernelName !== b.runs[i].kernelName)) {
      a = traceForward(forward, inputs, stateNames, calls);
      b = traceForward(forward, doubled, stateNames, calls);
    }
    return [a, b];
  } finally {
    restore();
    for (const [m, training] of wasTraining) m.training = training;
    for (let i = 0; i < doubled.length; i++) if (doubled[i] !== inputs[i]) doubled[i].dispose();
  }
}
