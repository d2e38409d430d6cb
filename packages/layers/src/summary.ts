/**
 * summary(model, inputShape): runs the model once on zeros (or, with `compute: false`, on the
 * shape-only 'meta' backend: no arithmetic, no memory) and prints a table of the layers
 * in call order with their output shapes, parameter counts and multiply-accumulates, and the
 * totals, in torchinfo's layout. MACs are counted by layers that know them (Linear, Bilinear,
 * Conv1d/2d, ConvTranspose2d, MultiheadAttention): one per weight per output position, zero
 * padding positions included, bias additions not counted (torchinfo counts them).
 */
import { noGrad } from '@nn/autograd';
import { onMeta, Tensor, tidy, zeros, type DType, type Shape } from '@nn/tensor';
import type { AnyModule, Module } from './module.js';

export interface SummaryOptions {
  /** dtype of the zero input (int32 for an Embedding at the front). Default float32. */
  dtype?: DType;
  /** Print the table with console.log. Default true, as torchinfo. */
  print?: boolean;
  /** Deepest level of nesting to show (the totals always cover everything). Default Infinity. */
  depth?: number;
  /**
   * Run the pass on the active backend (true, the default) or on the shape-only 'meta'
   * backend (false): the same table, counted from shapes alone, in milliseconds for a
   * model whose real pass takes seconds. The model's weights are read by no kernel and
   * stay where they are.
   */
  compute?: boolean;
}

const summaryOptionNames = new Set(['dtype', 'print', 'depth', 'compute']);

export interface SummaryRow {
  /** Dotted state-dict path ('' for the model itself). */
  name: string;
  type: string;
  depth: number;
  outputShape: number[] | null;
  /** The module's own parameters (not its children's); 0 on a repeated call. */
  params: number;
  macs: number;
  /** A call after the first to the same module (its parameters are already counted). */
  recursive: boolean;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  totalMacs: number;
  /** Bytes of the inputs, the layer outputs (×2 for their gradients), and the parameters. */
  inputBytes: number;
  forwardBackwardBytes: number;
  paramBytes: number;
  text: string;
  toString(): string;
}

interface Countable {
  macs?: (inputs: Shape[], output: Shape) => number;
}

function firstTensor(value: unknown): Tensor | null {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) for (const v of value) if (v instanceof Tensor) return v;
  return null;
}

export function summary<In extends unknown[], Out>(model: Module<In, Out>, inputShape: Shape | Shape[], options: SummaryOptions = {}): ModelSummary {
  for (const key of Object.keys(options)) {
    if (!summaryOptionNames.has(key)) throw new Error(`summary: unknown option '${key}' (options: ${[...summaryOptionNames].join(', ')})`);
  }
  const shapes: Shape[] = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
  const rows: SummaryRow[] = [];
  const seen = new Set<AnyModule>();
  const restore: (() => void)[] = [];
  for (const [name, m] of model.namedModules()) {
    const target = m as unknown as Record<string, unknown>;
    const hadOwn = Object.hasOwn(target, 'forward');
    const own = target.forward;
    const original = own as (...args: unknown[]) => unknown;
    target.forward = (...args: unknown[]): unknown => {
      const recursive = seen.has(m);
      seen.add(m);
      const row: SummaryRow = {
        name,
        type: m.constructor.name,
        depth: name === '' ? 0 : name.split('.').length,
        outputShape: null,
        params: recursive ? 0 : m.ownParameters().reduce((n, [, p]) => n + p.size, 0),
        macs: 0,
        recursive,
      };
      rows.push(row);
      const out = original.apply(m, args);
      const y = firstTensor(out);
      row.outputShape = y ? [...y.shape] : null;
      const counter = (m as unknown as Countable).macs;
      if (y && typeof counter === 'function') {
        const inputShapes = args.filter((a): a is Tensor => a instanceof Tensor).map((a) => a.shape);
        row.macs = counter.call(m, inputShapes, y.shape);
      }
      return out;
    };
    restore.push(() => {
      if (hadOwn) target.forward = own;
      else delete target.forward;
    });
  }

  const wasTraining = model.modules().map((m) => m.training);
  model.eval();
  try {
    const pass = (): void =>
      noGrad(() =>
        tidy(() => {
          const inputs = shapes.map((s) => zeros(s, { dtype: options.dtype ?? 'float32' }));
          (model.forward as (...args: unknown[]) => unknown)(...inputs);
        }),
      );
    if (options.compute ?? true) pass();
    else onMeta(pass);
  } finally {
    for (const undo of restore) undo();
    model.modules().forEach((m, i) => (m.training = wasTraining[i]));
  }

  const params = model.parameters();
  const totalParams = params.reduce((n, p) => n + p.size, 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const totalMacs = rows.reduce((n, r) => n + r.macs, 0);
  const inputBytes = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1) * 4, 0);
  const leaves = new Set(model.namedModules().filter(([, m]) => m.children().length === 0).map(([k]) => k));
  const leafOutputs = rows.filter((r) => r.depth > 0 && leaves.has(r.name));
  const forwardBackwardBytes = leafOutputs.reduce((n, r) => n + (r.outputShape ?? []).reduce((a, b) => a * b, 1) * 4 * 2, 0);
  const paramBytes = params.reduce((n, p) => n + p.size * (p.dtype === 'bool' ? 1 : 4), 0);
  const text = render(rows, options.depth ?? Infinity, { totalParams, trainableParams, totalMacs, inputBytes, forwardBackwardBytes, paramBytes });
  if (options.print ?? true) console.log(text);
  return {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    totalMacs,
    inputBytes,
    forwardBackwardBytes,
    paramBytes,
    text,
    toString: () => text,
  };
}

const group = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 1e6).toFixed(2);

function render(
  rows: SummaryRow[],
  maxDepth: number,
  totals: { totalParams: number; trainableParams: number; totalMacs: number; inputBytes: number; forwardBackwardBytes: number; paramBytes: number },
): string {
  const widths = [48, 24, 14, 16];
  const line = '='.repeat(widths.reduce((a, b) => a + b, 0));
  const cells = (values: string[]): string => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join('').trimEnd();
  const out = [line, cells(['Layer (type (name):depth-idx)', 'Output Shape', 'Param #', 'Mult-Adds']), line];
  // torchinfo's depth-idx: the running count of calls under the same parent.
  const counters = new Map<string, number>();
  for (const r of rows) {
    if (r.depth > maxDepth) continue;
    let label = r.type;
    if (r.depth > 0) {
      const parent = r.name.split('.').slice(0, -1).join('.');
      const idx = (counters.get(parent) ?? 0) + 1;
      counters.set(parent, idx);
      const branch = r.depth === 1 ? '├─' : `${'│    '.repeat(r.depth - 1)}└─`;
      label = `${branch}${r.type} (${r.name.split('.').at(-1)}): ${r.depth}-${idx}`;
    }
    const params = r.recursive ? '(recursive)' : r.params > 0 ? group(r.params) : '--';
    out.push(cells([label, r.outputShape ? `[${r.outputShape.join(', ')}]` : '--', params, r.macs > 0 ? group(r.macs) : '--']));
  }
  const macsUnit = totals.totalMacs >= 1e9 ? ['G', 1e9] : ['M', 1e6];
  out.push(
    line,
    `Total params: ${group(totals.totalParams)}`,
    `Trainable params: ${group(totals.trainableParams)}`,
    `Non-trainable params: ${group(totals.totalParams - totals.trainableParams)}`,
    `Total mult-adds (${macsUnit[0]}): ${(totals.totalMacs / (macsUnit[1] as number)).toFixed(2)}`,
    line,
    `Input size (MB): ${mb(totals.inputBytes)}`,
    `Forward/backward pass size (MB): ${mb(totals.forwardBackwardBytes)}`,
    `Params size (MB): ${mb(totals.paramBytes)}`,
    `Estimated Total Size (MB): ${mb(totals.inputBytes + totals.forwardBackwardBytes + totals.paramBytes)}`,
    line,
  );
  return out.join('\n');
}
