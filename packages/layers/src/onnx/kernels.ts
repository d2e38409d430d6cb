/**
 * Each @nn kernel as ONNX nodes (opset 17 and later). Most are one node; a few are short
 * compositions (Gelu before opset 20, PyTorch's Softplus with beta and threshold, adaptive
 * pooling over uneven windows). Kernels that only gradients or optimizers run are absent:
 * an exported graph is an inference graph.
 */
import type { DType } from '@nn/tensor';
import type { KernelContext, KernelMapping, RunView } from './graph.js';
import { float, int, ints, string, type OnnxAttribute, type OnnxElementType } from './proto.js';

const ELEMENT: Record<DType, OnnxElementType> = { float32: 'float32', int32: 'int32', bool: 'bool' };
const CAST_TO: Record<DType, number> = { float32: 1, int32: 6, bool: 9 };

/** A scalar constant of the dtype of input `key`. */
const scalarLike = (c: KernelContext, key: string, value: number): string => c.constant([value], ELEMENT[c.dtype(key)], []);

const same = (opType: string): KernelMapping => (c) => c.node(opType, [c.input('x')], {}, [c.output()]);
const binary = (opType: string): KernelMapping => (c) => c.node(opType, [c.input('a'), c.input('b')], {}, [c.output()]);

/** Puts the last two axes of `value` (rank `rank`) in the other order. */
const swapLastTwo = (c: KernelContext, value: string, rank: number): string => {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return c.node('Transpose', [value], { perm: ints(perm) });
};

/** A reduction whose axes are an attribute before opset 18 and an input from it (ReduceSum: from 13). */
const reduce = (opType: string): KernelMapping => (c) => {
  const axes = c.attr<number[]>('axes');
  const keepdims = int(c.attr<boolean>('keepDim') ? 1 : 0);
  if (axes.length === 0) return c.node('Identity', [c.input('x')], {}, [c.output()]);
  if (opType === 'ReduceSum' || c.opset >= 18) c.node(opType, [c.input('x'), c.constant(axes, 'int64')], { keepdims }, [c.output()]);
  else c.node(opType, [c.input('x')], { axes: ints(axes), keepdims }, [c.output()]);
};

const argReduce = (opType: string): KernelMapping => (c) => {
  const index = c.node(opType, [c.input('x')], { axis: int(c.attr<number>('axis')), keepdims: int(c.attr<boolean>('keepDim') ? 1 : 0) });
  c.node('Cast', [index], { to: int(CAST_TO.int32) }, [c.output()]);
};

/** Our paddings [top, bottom, left, right] in ONNX's order [top, left, bottom, right]. */
const onnxPads = (p: readonly number[]): number[] => [p[0], p[2], p[1], p[3]];

/** PyTorch's ceil_mode, read back from the output size the op computed. */
function ceilMode(c: KernelContext, kernel: readonly number[], dilation: readonly number[]): OnnxAttribute {
  const [, , h, w] = c.staticDims('x', [2, 3]);
  const stride = c.attr<number[]>('stride');
  const padding = c.attr<number[]>('padding');
  const out = c.attr<number[]>('outputSize');
  const floorOut = (size: number, k: number, s: number, d: number, before: number, after: number): number =>
    Math.floor((size + before + after - d * (k - 1) - 1) / s) + 1;
  const floorH = floorOut(h, kernel[0], stride[0], dilation[0], padding[0], padding[1]);
  const floorW = floorOut(w, kernel[1], stride[1], dilation[1], padding[2], padding[3]);
  return int(out[0] !== floorH || out[1] !== floorW ? 1 : 0);
}

/**
 * Adaptive pooling: window i of n over a size-`size` axis spans floor(i·size/n) to
 * ceil((i+1)·size/n). Even windows are a plain pool; uneven ones are pooled one axis at a
 * time (a rectangle's mean is the mean of its row means, its max the max of row maxima).
 */
const adaptivePool = (kind: 'Average' | 'Max'): KernelMapping => (c) => {
  if (kind === 'Max' && c.outputUsed(1)) c.fail('its indices output has no ONNX counterpart');
  const [, , h, w] = c.staticDims('x', [2, 3]);
  const [oh, ow] = c.attr<number[]>('outputSize');
  if (oh === 1 && ow === 1) return c.node(`Global${kind}Pool`, [c.input('x')], {}, [c.output()]);
  if (h % oh === 0 && w % ow === 0) {
    const kernel = [h / oh, w / ow];
    return c.node(`${kind}Pool`, [c.input('x')], { kernel_shape: ints(kernel), strides: ints(kernel) }, [c.output()]);
  }
  const reduceOp = kind === 'Average' ? 'ReduceMean' : 'ReduceMax';
  const along = (value: string, axis: number, size: number, n: number, out?: string): string => {
    const parts = [...Array(n).keys()].map((i) => {
      const begin = Math.floor((i * size) / n);
      const end = Math.ceil(((i + 1) * size) / n);
      const slice = c.node('Slice', [value, c.constant([begin], 'int64'), c.constant([end], 'int64'), c.constant([axis], 'int64')]);
      return c.opset >= 18
        ? c.node(reduceOp, [slice, c.constant([axis], 'int64')], { keepdims: int(1) })
        : c.node(reduceOp, [slice], { axes: ints([axis]), keepdims: int(1) });
    });
    return c.node('Concat', parts, { axis: int(axis) }, out ? [out] : undefined);
  };
  along(along(c.input('x'), 2, h, oh), 3, w, ow, c.output());
};

const bits = new Float32Array(1);
const bitsAsInt = new Int32Array(bits.buffer);

/**
 * The float32 factor whose ONNX output size floor(size·factor) is `out`, nearest to
 * 1/scale: the op kept only scale = fround(1/factor), and its reciprocal may land one
 * float32 step off the user's factor (1/fround(1/1.7) is 1.6999999, and 10 × that is 16).
 */
function scaleFactor(size: number, out: number, scale: number): number | null {
  bits[0] = 1 / scale;
  for (let step = 0; step < 8; step++) {
    const f = bits[0];
    const got = Math.floor(size * f);
    if (got === out) return f;
    bitsAsInt[0] += got < out ? 1 : -1;
  }
  return null;
}

/** ONNX Resize: `sizes` follow PyTorch's in/out scale; a user's scale factor goes in as `scales`. */
const resize = (mode: 'nearest' | 'linear'): KernelMapping => (c) => {
  const [, , h, w] = c.staticDims('x', [2, 3]);
  const [oh, ow] = c.attr<number[]>('outputSize');
  const scales = c.attr<number[]>('scales');
  const alignCorners = c.attr<boolean>('alignCorners') && mode === 'linear';
  const attributes: Record<string, OnnxAttribute> =
    mode === 'nearest'
      ? { mode: string('nearest'), coordinate_transformation_mode: string('asymmetric'), nearest_mode: string('floor') }
      : { mode: string('linear'), coordinate_transformation_mode: string(alignCorners ? 'align_corners' : 'half_pixel') };
  const fromSizes = (size: number, out: number, scale: number): boolean => Math.abs(scale - Math.fround(size / out)) <= 1e-6 * scale;
  if (alignCorners || (fromSizes(h, oh, scales[0]) && fromSizes(w, ow, scales[1]))) {
    const sizes = c.int64s((r) => [...r.inputShape('x').slice(0, 2), oh, ow]);
    return c.node('Resize', [c.input('x'), '', '', sizes], attributes, [c.output()]);
  }
  const factors = [scaleFactor(h, oh, scales[0]), scaleFactor(w, ow, scales[1])];
  if (factors.includes(null)) c.fail(`no float32 scale factor near 1/[${scales.join(',')}] gives its output size [${oh},${ow}] in ONNX`);
  c.node('Resize', [c.input('x'), '', c.constant([1, 1, ...(factors as number[])], 'float32')], attributes, [c.output()]);
};

export const KERNEL_MAPPINGS: Readonly<Record<string, KernelMapping>> = {
  // unary
  Neg: same('Neg'),
  Abs: same('Abs'),
  Exp: same('Exp'),
  Log: same('Log'),
  Sqrt: same('Sqrt'),
  Sin: same('Sin'),
  Cos: same('Cos'),
  Sign: same('Sign'),
  Floor: same('Floor'),
  Ceil: same('Ceil'),
  Round: same('Round'), // both round halves to even
  Sigmoid: same('Sigmoid'),
  Tanh: same('Tanh'),
  Relu: same('Relu'),
  LogicalNot: same('Not'),
  Rsqrt: (c) => c.node('Reciprocal', [c.node('Sqrt', [c.input('x')])], {}, [c.output()]),
  Log1p: (c) => c.node('Log', [c.node('Add', [c.input('x'), scalarLike(c, 'x', 1)])], {}, [c.output()]),
  Square: (c) => c.node('Mul', [c.input('x'), c.input('x')], {}, [c.output()]),
  LeakyRelu: (c) => c.node('LeakyRelu', [c.input('x')], { alpha: float(c.attr<number>('negativeSlope')) }, [c.output()]),
  Elu: (c) => c.node('Elu', [c.input('x')], { alpha: float(c.attr<number>('alpha')) }, [c.output()]),
  Gelu: (c) => {
    const x = c.input('x');
    const approximate = c.attr<string>('approximate');
    if (c.opset >= 20) return c.node('Gelu', [x], { approximate: string(approximate) }, [c.output()]);
    const k = (v: number): string => scalarLike(c, 'x', v);
    // 0.5·x·(1 + erf(x/√2)), or with tanh(√(2/π)·(x + 0.044715·x³))
    const inner =
      approximate === 'tanh'
        ? c.node('Tanh', [c.node('Mul', [k(Math.sqrt(2 / Math.PI)), c.node('Add', [x, c.node('Mul', [k(0.044715), c.node('Mul', [x, c.node('Mul', [x, x])])])])])])
        : c.node('Erf', [c.node('Div', [x, k(Math.SQRT2)])]);
    c.node('Mul', [c.node('Mul', [x, k(0.5)]), c.node('Add', [k(1), inner])], {}, [c.output()]);
  },
  Softplus: (c) => {
    // PyTorch: x where beta·x > threshold, else log(1 + exp(beta·x)) / beta
    const x = c.input('x');
    const beta = c.attr<number>('beta');
    const bx = beta === 1 ? x : c.node('Mul', [x, scalarLike(c, 'x', beta)]);
    let soft = c.node('Softplus', [bx]);
    if (beta !== 1) soft = c.node('Div', [soft, scalarLike(c, 'x', beta)]);
    c.node('Where', [c.node('Greater', [bx, scalarLike(c, 'x', c.attr<number>('threshold'))]), x, soft], {}, [c.output()]);
  },
  Clip: (c) => {
    const bound = (v: number): string => (Number.isFinite(v) ? scalarLike(c, 'x', v) : '');
    c.node('Clip', [c.input('x'), bound(c.attr<number>('min')), bound(c.attr<number>('max'))], {}, [c.output()]);
  },
  Cast: (c) => c.node('Cast', [c.input('x')], { to: int(CAST_TO[c.attr<DType>('dtype')]) }, [c.output()]),

  // binary, broadcasting as NumPy in both
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Equal: binary('Equal'),
  Less: binary('Less'),
  LessEqual: binary('LessOrEqual'),
  Greater: binary('Greater'),
  GreaterEqual: binary('GreaterOrEqual'),
  LogicalAnd: binary('And'),
  LogicalOr: binary('Or'),
  LogicalXor: binary('Xor'),
  NotEqual: (c) => c.node('Not', [c.node('Equal', [c.input('a'), c.input('b')])], {}, [c.output()]),
  Where: (c) => c.node('Where', [c.input('condition'), c.input('a'), c.input('b')], {}, [c.output()]),

  // reductions
  Sum: reduce('ReduceSum'),
  Prod: reduce('ReduceProd'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  ArgMax: argReduce('ArgMax'),
  ArgMin: argReduce('ArgMin'),
  Softmax: (c) => c.node('Softmax', [c.input('x')], { axis: int(c.attr<number>('axis')) }, [c.output()]),
  LogSoftmax: (c) => c.node('LogSoftmax', [c.input('x')], { axis: int(c.attr<number>('axis')) }, [c.output()]),

  BatchMatMul: (c) => {
    let a = c.input('a');
    let b = c.input('b');
    if (c.attr<boolean>('transposeA')) a = swapLastTwo(c, a, c.shape('a').length);
    if (c.attr<boolean>('transposeB')) b = swapLastTwo(c, b, c.shape('b').length);
    c.node('MatMul', [a, b], {}, [c.output()]);
  },

  // shapes and indexing
  Reshape: (c) => c.node('Reshape', [c.input('x'), c.int64s((r) => r.attrs.shape as number[], 'reshape')], {}, [c.output()]),
  Transpose: (c) => c.node('Transpose', [c.input('x')], { perm: ints(c.attr<number[]>('perm')) }, [c.output()]),
  BroadcastTo: (c) => c.node('Expand', [c.input('x'), c.int64s((r) => r.attrs.shape as number[])], {}, [c.output()]),
  Slice: (c) => {
    // Only the axes that are really cut, so that a batch axis taken whole stays any size.
    const cut = (r: RunView): number[] => {
      const { begin, end, step } = r.attrs as { begin: number[]; end: number[]; step: number[] };
      return r.inputShape('x').flatMap((size, i) => (begin[i] !== 0 || end[i] !== size || step[i] !== 1 ? [i] : []));
    };
    const axes = [...new Set(c.both(cut).flat())].sort((x, y) => x - y);
    if (axes.length === 0) return c.node('Identity', [c.input('x')], {}, [c.output()]);
    const pick = (field: string) => (r: RunView): number[] => axes.map((i) => (r.attrs[field] as number[])[i]);
    c.node('Slice', [c.input('x'), c.int64s(pick('begin')), c.int64s(pick('end')), c.constant(axes, 'int64'), c.int64s(pick('step'))], {}, [c.output()]);
  },
  Concat: (c) => {
    const keys = c.inputKeys().sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)));
    c.node('Concat', keys.map((k) => c.input(k)), { axis: int(c.attr<number>('axis')) }, [c.output()]);
  },
  Pad: (c) => {
    const mode = c.attr<string>('mode');
    const pads = c.int64s((r) => {
      const p = r.attrs.paddings as [number, number][];
      return [...p.map(([before]) => before), ...p.map(([, after]) => after)];
    });
    const inputs = [c.input('x'), pads];
    if (mode === 'constant') inputs.push(scalarLike(c, 'x', c.attr<number>('value')));
    c.node('Pad', inputs, { mode: string(mode) }, [c.output()]);
  },
  Gather: (c) => c.node('Gather', [c.input('x'), c.input('indices')], { axis: int(c.attr<number>('axis')) }, [c.output()]),
  GatherElements: (c) => c.node('GatherElements', [c.input('x'), c.input('indices')], { axis: int(c.attr<number>('axis')) }, [c.output()]),
  OneHot: (c) => {
    const depth = c.constant([c.attr<number>('depth')], 'int64', []);
    c.node('OneHot', [c.input('indices'), depth, c.constant([0, 1], ELEMENT[c.outputDtype()])], { axis: int(-1) }, [c.output()]);
  },
  ScatterAdd: (c) => {
    const zeros = c.node('ConstantOfShape', [c.int64s((r) => r.attrs.shape as number[])], {
      value: { type: 'tensor', value: { name: 'value', dataType: ELEMENT[c.dtype('dy')], dims: [1], rawData: new Uint8Array(c.dtype('dy') === 'bool' ? 1 : 4) } },
    });
    c.node('ScatterElements', [zeros, c.input('indices'), c.input('dy')], { axis: int(c.attr<number>('axis')), reduction: string('add') }, [c.output()]);
  },

  // images, NCHW
  Conv2D: (c) => {
    const [, , kh, kw] = c.shape('weight');
    c.node('Conv', [c.input('x'), c.input('weight')], {
      kernel_shape: ints([kh, kw]),
      strides: ints(c.attr<number[]>('stride')),
      pads: ints(onnxPads(c.attr<number[]>('padding'))),
      dilations: ints(c.attr<number[]>('dilation')),
      group: int(c.attr<number>('groups')),
    }, [c.output()]);
  },
  // Run in a forward pass, this is the transposed convolution (ConvTranspose2d).
  Conv2DBackpropInput: (c) => {
    const [, , kh, kw] = c.shape('weight');
    const [, , h, w] = c.staticDims('dy', [2, 3]);
    const stride = c.attr<number[]>('stride');
    const dilation = c.attr<number[]>('dilation');
    const padding = c.attr<number[]>('padding');
    const [outA, outB] = c.both((r) => (r.attrs.inputShape as number[]).slice(2));
    if (outA[0] !== outB[0] || outA[1] !== outB[1]) c.fail('its output height and width follow the batch size');
    // ONNX's output size is stride·(in − 1) + dilation·(k − 1) + 1 − pads + output_padding.
    const natural = (size: number, k: number, s: number, d: number, before: number, after: number): number => s * (size - 1) + d * (k - 1) + 1 - before - after;
    const outputPadding = [outA[0] - natural(h, kh, stride[0], dilation[0], padding[0], padding[1]), outA[1] - natural(w, kw, stride[1], dilation[1], padding[2], padding[3])];
    c.node('ConvTranspose', [c.input('dy'), c.input('weight')], {
      kernel_shape: ints([kh, kw]),
      strides: ints(stride),
      pads: ints(onnxPads(padding)),
      dilations: ints(dilation),
      group: int(c.attr<number>('groups')),
      output_padding: ints(outputPadding),
    }, [c.output()]);
  },
  MaxPool2D: (c) => {
    if (c.outputUsed(1)) c.fail('its indices output has no ONNX counterpart');
    const kernel = c.attr<number[]>('kernelSize');
    const dilation = c.attr<number[]>('dilation');
    c.node('MaxPool', [c.input('x')], {
      kernel_shape: ints(kernel),
      strides: ints(c.attr<number[]>('stride')),
      pads: ints(onnxPads(c.attr<number[]>('padding'))),
      dilations: ints(dilation),
      ceil_mode: ceilMode(c, kernel, dilation),
    }, [c.output()]);
  },
  AvgPool2D: (c) => {
    const kernel = c.attr<number[]>('kernelSize');
    const ceil = ceilMode(c, kernel, [1, 1]);
    const divisor = c.attr<number | null>('divisorOverride');
    const countIncludePad = c.attr<boolean>('countIncludePad') || divisor !== null;
    if (divisor !== null && ceil.value === 1) c.fail('divisorOverride with ceilMode has no ONNX counterpart');
    const attributes = {
      kernel_shape: ints(kernel),
      strides: ints(c.attr<number[]>('stride')),
      pads: ints(onnxPads(c.attr<number[]>('padding'))),
      count_include_pad: int(countIncludePad ? 1 : 0),
      ceil_mode: ceil,
    };
    if (divisor === null) return c.node('AveragePool', [c.input('x')], attributes, [c.output()]);
    // Every window then holds kh·kw taps: the sum over it is the average times kh·kw.
    const average = c.node('AveragePool', [c.input('x')], attributes);
    c.node('Mul', [average, scalarLike(c, 'x', (kernel[0] * kernel[1]) / divisor)], {}, [c.output()]);
  },
  AdaptiveAvgPool2D: adaptivePool('Average'),
  AdaptiveMaxPool2D: adaptivePool('Max'),
  LRN: (c) => {
    // PyTorch pads the channel window by size/2 before and (size-1)/2 after; ONNX the other way round, the same for odd sizes.
    const size = c.attr<number>('size');
    if (size % 2 === 0) c.fail(`an even size (${size}) centres the window differently in ONNX's LRN`);
    c.node('LRN', [c.input('x')], { size: int(size), alpha: float(c.attr<number>('alpha')), beta: float(c.attr<number>('beta')), bias: float(c.attr<number>('k')) }, [c.output()]);
  },
  ResizeNearest: resize('nearest'),
  ResizeBilinear: resize('linear'),
};
