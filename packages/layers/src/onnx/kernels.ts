/**
 * Each @nn kernel as ONNX nodes (opset 17 and later). Most are one node; a few are short
 * compositions (Gelu before opset 20, PyTorch's Softplus with beta and threshold, adaptive
 * pooling over uneven windows: kernels_image.ts). Kernels that only gradients or
 * optimizers run are absent: an exported graph is an inference graph.
 */
import type { DType } from '@nn/tensor';
import type { KernelContext, KernelMapping, RunView } from './graph.js';
import { IMAGE_KERNEL_MAPPINGS } from './kernels_image.js';
import { BATCH_NORM } from './modules.js';
import { float, int, ints, string, type OnnxElementType } from './proto.js';

const ELEMENT: Record<DType, OnnxElementType> = { float32: 'float32', int32: 'int32', bool: 'bool' };
const CAST_TO: Record<DType, number> = { float32: 1, int32: 6, bool: 9 };

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
  Log1p: (c) => c.node('Log', [c.node('Add', [c.input('x'), c.scalarLike('x', 1)])], {}, [c.output()]),
  Square: (c) => c.node('Mul', [c.input('x'), c.input('x')], {}, [c.output()]),
  LeakyRelu: (c) => c.node('LeakyRelu', [c.input('x')], { alpha: float(c.attr<number>('negativeSlope')) }, [c.output()]),
  Elu: (c) => c.node('Elu', [c.input('x')], { alpha: float(c.attr<number>('alpha')) }, [c.output()]),
  Gelu: (c) => {
    const x = c.input('x');
    const approximate = c.attr<string>('approximate');
    if (c.opset >= 20) return c.node('Gelu', [x], { approximate: string(approximate) }, [c.output()]);
    const k = (v: number): string => c.scalarLike('x', v);
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
    const bx = beta === 1 ? x : c.node('Mul', [x, c.scalarLike('x', beta)]);
    let soft = c.node('Softplus', [bx]);
    if (beta !== 1) soft = c.node('Div', [soft, c.scalarLike('x', beta)]);
    c.node('Where', [c.node('Greater', [bx, c.scalarLike('x', c.attr<number>('threshold'))]), x, soft], {}, [c.output()]);
  },
  Clip: (c) => {
    const bound = (v: number): string => (Number.isFinite(v) ? c.scalarLike('x', v) : '');
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
  // op(a)·op(b) + bias with a bias of [n] or [m, n]: ONNX's Gemm, one node per linear layer.
  AddMm: (c) =>
    c.node('Gemm', [c.input('a'), c.input('b'), c.input('bias')], { transA: int(c.attr<boolean>('transposeA') ? 1 : 0), transB: int(c.attr<boolean>('transposeB') ? 1 : 0) }, [c.output()]),

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
    if (mode === 'constant') inputs.push(c.scalarLike('x', c.attr<number>('value')));
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
  ...IMAGE_KERNEL_MAPPINGS,

  // modules exported whole (modules.ts)
  [BATCH_NORM]: (c) => {
    const channels = c.shape('runningMean')[0];
    const has = (key: string): boolean => c.inputKeys().includes(key);
    const scale = has('weight') ? c.input('weight') : c.constant(new Array<number>(channels).fill(1), 'float32');
    const bias = has('bias') ? c.input('bias') : c.constant(new Array<number>(channels).fill(0), 'float32');
    c.node('BatchNormalization', [c.input('x'), scale, bias, c.input('runningMean'), c.input('runningVar')], { epsilon: float(c.attr<number>('eps')) }, [c.output()]);
  },
};
