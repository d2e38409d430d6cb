/**
 * A backend that keeps only shapes (PyTorch's 'meta' device): every kernel computes its
 * output's shape and no values. Building a full-size model on it costs no memory for the
 * weights and a forward pass costs no arithmetic, so `summary(model, shape, { compute: false })`
 * and tests can count the parameters, state-dict shapes and multiply-accumulates of VGG-19
 * or ResNet-152 in milliseconds. Values read back are zeros. Inputs stored on another
 * backend stay there (the kernels read only their shapes), so a trained model's weights
 * are untouched by a pass on meta.
 */
import type { Backend, DataId, KernelFunc, TensorInfo } from './backend.js';
import { makeTypedArray, type DType, type TypedArray } from './dtype.js';
import { engine, registerBackend } from './engine.js';
import type {
  ArgReduceAttrs,
  AxisAttrs,
  CastAttrs,
  Conv2DAttrs,
  IndexAddAttrs,
  MatMulAttrs,
  OneHotAttrs,
  PadAttrs,
  ReduceAttrs,
  ReshapeAttrs,
  ScatterAddAttrs,
  SliceAttrs,
  TransposeAttrs,
} from './kernel_names.js';
import { broadcastShapes, sizeFromShape, type Shape } from './shape.js';

interface Stored {
  size: number;
  dtype: DType;
}

type Attrs = { [name: string]: unknown };

type ShapeRule = (inputs: TensorInfo[], attrs: Attrs) => [Shape, DType] | [Shape, DType][];

const same: ShapeRule = ([x]) => [x.shape, x.dtype];
const toBool: ShapeRule = ([x]) => [x.shape, 'bool'];
const broadcast = (dtype?: DType): ShapeRule => (inputs) => {
  const shape = inputs.slice(1).reduce<Shape>((s, t) => broadcastShapes('meta', s, t.shape), inputs[0].shape);
  return [shape, dtype ?? inputs[inputs.length === 3 ? 1 : 0].dtype];
};

const reduce: ShapeRule = ([x], attrs) => {
  const { axes, keepDim } = attrs as unknown as ReduceAttrs;
  const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDim ? [1] : []) : [d]));
  return [shape, x.dtype];
};

const argReduce: ShapeRule = ([x], attrs) => {
  const { axis, keepDim } = attrs as unknown as ArgReduceAttrs;
  const shape = x.shape.flatMap((d, i) => (i === axis ? (keepDim ? [1] : []) : [d]));
  return [shape, 'int32'];
};

const pool = (withIndices: boolean): ShapeRule => ([x], attrs) => {
  const [outH, outW] = (attrs as unknown as { outputSize: [number, number] }).outputSize;
  const shape = [x.shape[0], x.shape[1], outH, outW];
  return withIndices ? [[shape, x.dtype], [shape, 'int32']] : [shape, x.dtype];
};

const rules: { [kernel: string]: ShapeRule } = {
  Cast: ([x], attrs) => [x.shape, (attrs as unknown as CastAttrs).dtype],
  LogicalNot: toBool,
  Reshape: ([x], attrs) => [(attrs as unknown as ReshapeAttrs).shape, x.dtype],
  Transpose: ([x], attrs) => [(attrs as unknown as TransposeAttrs).perm.map((p) => x.shape[p]), x.dtype],
  BroadcastTo: ([x], attrs) => [(attrs as unknown as { shape: number[] }).shape, x.dtype],
  Slice: ([x], attrs) => {
    const { begin, end, step } = attrs as unknown as SliceAttrs;
    return [x.shape.map((_, i) => Math.max(0, Math.ceil((end[i] - begin[i]) / step[i]))), x.dtype];
  },
  Concat: (inputs, attrs) => {
    const { axis } = attrs as unknown as AxisAttrs;
    const shape = [...inputs[0].shape];
    shape[axis] = inputs.reduce((n, t) => n + t.shape[axis], 0);
    return [shape, inputs[0].dtype];
  },
  Pad: ([x], attrs) => [x.shape.map((d, i) => d + (attrs as unknown as PadAttrs).paddings[i][0] + (attrs as unknown as PadAttrs).paddings[i][1]), x.dtype],
  Sum: reduce,
  Prod: reduce,
  Max: reduce,
  Min: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
  AddMm: ([a, b], attrs) => {
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    return [[a.shape[transposeA ? 1 : 0], b.shape[transposeB ? 0 : 1]], 'float32'];
  },
  BatchMatMul: ([a, b], attrs) => {
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)];
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)];
    const batch = broadcastShapes('meta', a.shape.slice(0, -2), b.shape.slice(0, -2));
    return [[...batch, rows, cols], 'float32'];
  },
  Conv2D: ([x, w], attrs) => {
    const { stride, padding, dilation } = attrs as unknown as Conv2DAttrs;
    const out = (size: number, k: number, axis: 0 | 1): number =>
      Math.floor((size + padding[2 * axis] + padding[2 * axis + 1] - dilation[axis] * (k - 1) - 1) / stride[axis]) + 1;
    return [[x.shape[0], w.shape[0], out(x.shape[2], w.shape[2], 0), out(x.shape[3], w.shape[3], 1)], 'float32'];
  },
  Conv2DBackpropInput: (_inputs, attrs) => [(attrs as unknown as { inputShape: number[] }).inputShape, 'float32'],
  // Indexing (embeddings, class indices): the output's shape follows the indices'.
  Gather: ([x, indices], attrs) => [x.shape.map((d, i) => (i === (attrs as unknown as AxisAttrs).axis ? indices.shape[0] : d)), x.dtype],
  GatherElements: ([x, indices]) => [indices.shape, x.dtype],
  OneHot: ([indices], attrs) => [[...indices.shape, (attrs as unknown as OneHotAttrs).depth], 'int32'],
  IndexAdd: ([dy], attrs) => [dy.shape.map((d, i) => (i === (attrs as unknown as IndexAddAttrs).axis ? (attrs as unknown as IndexAddAttrs).size : d)), dy.dtype],
  ScatterAdd: ([dy], attrs) => [(attrs as unknown as ScatterAddAttrs).shape, dy.dtype],
  MaxPool2D: pool(true),
  AvgPool2D: pool(false),
  AdaptiveAvgPool2D: pool(false),
  AdaptiveMaxPool2D: pool(true),
  ResizeNearest: pool(false),
  ResizeBilinear: pool(false),
};
for (const name of ['Neg', 'Abs', 'Exp', 'Log', 'Log1p', 'Sqrt', 'Rsqrt', 'Square', 'Sin', 'Cos', 'Sign', 'Floor', 'Ceil', 'Round', 'Sigmoid', 'Tanh', 'Relu', 'LeakyRelu', 'Elu', 'Gelu', 'Softplus', 'Clip', 'Softmax', 'LogSoftmax', 'LRN']) {
  rules[name] = same;
}
for (const name of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum']) rules[name] = broadcast();
for (const name of ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor']) rules[name] = broadcast('bool');
rules.Where = broadcast();

export class MetaBackend implements Backend {
  readonly name = 'meta';
  readonly shapeOnly = true;
  readonly kernels: ReadonlyMap<string, KernelFunc>;
  private readonly store = new Map<DataId, Stored>();

  constructor() {
    const kernels = new Map<string, KernelFunc>();
    for (const [name, rule] of Object.entries(rules)) {
      kernels.set(name, ({ inputs, attrs }) => {
        const result = rule(Object.values(inputs), attrs as Attrs);
        const outputs = (Array.isArray(result[0]) && Array.isArray(result[0][0]) ? result : [result]) as [Shape, DType][];
        const infos = outputs.map(([shape, dtype]) => ({ dataId: this.write(makeTypedArray(dtype, 0), shape, dtype), shape, dtype }));
        return infos.length === 1 ? infos[0] : infos;
      });
    }
    this.kernels = kernels;
  }

  /** Keeps the size and dtype only: the values are dropped (and, unread, never cost memory). */
  write(_values: TypedArray, shape: Shape, dtype: DType, dataId: DataId = {}): DataId {
    this.store.set(dataId, { size: sizeFromShape(shape), dtype });
    return dataId;
  }

  readSync(dataId: DataId): TypedArray {
    const record = this.store.get(dataId);
    if (!record) throw new Error('meta backend: buffer not found (was the tensor disposed?)');
    return makeTypedArray(record.dtype, record.size);
  }

  read(dataId: DataId): Promise<TypedArray> {
    return Promise.resolve(this.readSync(dataId));
  }

  dispose(dataId: DataId): void {
    this.store.delete(dataId);
  }

  memory(): { numDataIds: number; numBytes: number } {
    return { numDataIds: this.store.size, numBytes: 0 };
  }
}

/**
 * Runs `fn` with the shape-only 'meta' backend active, then returns to the backend that was
 * active (none: the default is chosen again on next use). Tensors made inside live on meta:
 * right shapes and dtypes, zeros when read.
 *
 * @example
 * ```ts
 * const y = onMeta(() => zeros([64, 3, 224, 224]).mean(0));
 * y.shape; // [3, 224, 224], no 38 MB allocated
 * ```
 */
export function onMeta<T>(fn: () => T): T {
  // Lowest priority: meta is never chosen as the default backend.
  registerBackend('meta', () => new MetaBackend(), -Infinity);
  const previous = engine().activeBackendName;
  engine().setBackendSync('meta');
  try {
    return fn();
  } finally {
    engine().restoreActiveBackend(previous);
  }
}
