/**
 * The one list of kernel names that ops, gradients and backend kernels all import, so the
 * three cannot drift apart. Each group notes its inputs (by name) and attributes.
 */
import type { DType } from './dtype.js';

export const KernelName = {
  // Unary elementwise. inputs: {x}
  Neg: 'Neg',
  Abs: 'Abs',
  Exp: 'Exp',
  Log: 'Log',
  Log1p: 'Log1p',
  Sqrt: 'Sqrt',
  Rsqrt: 'Rsqrt',
  Square: 'Square',
  Sin: 'Sin',
  Cos: 'Cos',
  Sign: 'Sign',
  Floor: 'Floor',
  Ceil: 'Ceil',
  Round: 'Round',
  Sigmoid: 'Sigmoid',
  Tanh: 'Tanh',
  Relu: 'Relu',
  LeakyRelu: 'LeakyRelu', // attrs: {negativeSlope}
  Elu: 'Elu', // attrs: {alpha}
  Gelu: 'Gelu', // attrs: {approximate: 'none' | 'tanh'}
  Softplus: 'Softplus', // attrs: {beta, threshold}
  Clip: 'Clip', // attrs: {min, max}
  LogicalNot: 'LogicalNot',
  Cast: 'Cast', // attrs: {dtype}

  // Binary elementwise with NumPy broadcasting. inputs: {a, b}
  Add: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  Div: 'Div',
  Pow: 'Pow',
  Maximum: 'Maximum',
  Minimum: 'Minimum',
  Equal: 'Equal',
  NotEqual: 'NotEqual',
  Less: 'Less',
  LessEqual: 'LessEqual',
  Greater: 'Greater',
  GreaterEqual: 'GreaterEqual',
  LogicalAnd: 'LogicalAnd',
  LogicalOr: 'LogicalOr',
  // inputs: {condition, a, b}, all three broadcast
  Where: 'Where',

  // Reductions. inputs: {x}; attrs: {axes: number[], keepDim}
  Sum: 'Sum',
  Prod: 'Prod',
  Max: 'Max',
  Min: 'Min',
  ArgMax: 'ArgMax', // attrs: {axis, keepDim}
  ArgMin: 'ArgMin', // attrs: {axis, keepDim}
  Softmax: 'Softmax', // attrs: {axis}
  LogSoftmax: 'LogSoftmax', // attrs: {axis}

  // Linear algebra. inputs: {a, b}; attrs: {transposeA, transposeB}; batch dims broadcast
  BatchMatMul: 'BatchMatMul',

  // Shape and indexing. inputs: {x} unless noted
  Reshape: 'Reshape', // attrs: {shape}
  Transpose: 'Transpose', // attrs: {perm}
  BroadcastTo: 'BroadcastTo', // attrs: {shape}
  Slice: 'Slice', // attrs: {begin, end, step} per axis, step > 0
  SliceGrad: 'SliceGrad', // inputs: {dy}; attrs: {inputShape, begin, end, step}: scatter back into zeros
  Concat: 'Concat', // inputs: {x0, x1, ...}; attrs: {axis}
  Pad: 'Pad', // attrs: {paddings: [before, after][], mode: 'constant' | 'reflect', value}
  Gather: 'Gather', // inputs: {x, indices (int32)}; attrs: {axis}
  IndexAdd: 'IndexAdd', // inputs: {dy, indices}; attrs: {axis, size}: scatter-add rows back along axis
  OneHot: 'OneHot', // inputs: {indices (int32)}; attrs: {depth}

  // Images, NCHW. Paddings are [top, bottom, left, right].
  Conv2D: 'Conv2D', // inputs: {x, weight}; attrs: Conv2DAttrs
  Conv2DBackpropInput: 'Conv2DBackpropInput', // inputs: {dy, weight}; attrs: Conv2DAttrs & {inputShape}
  Conv2DBackpropFilter: 'Conv2DBackpropFilter', // inputs: {x, dy}; attrs: Conv2DAttrs & {filterShape}
  MaxPool2D: 'MaxPool2D', // inputs: {x}; attrs: Pool2DAttrs; outputs: [values, indices (int32, h*W+w per plane)]
  MaxPool2DGrad: 'MaxPool2DGrad', // inputs: {dy, indices}; attrs: {inputShape}: scatter-add dy by indices
  AvgPool2D: 'AvgPool2D', // inputs: {x}; attrs: Pool2DAttrs & {countIncludePad, divisorOverride?}
  AvgPool2DGrad: 'AvgPool2DGrad', // inputs: {dy}; attrs: same & {inputShape}
  AdaptiveAvgPool2D: 'AdaptiveAvgPool2D', // inputs: {x}; attrs: {outputSize: [h, w]}
  AdaptiveAvgPool2DGrad: 'AdaptiveAvgPool2DGrad', // inputs: {dy}; attrs: {inputShape}
  AdaptiveMaxPool2D: 'AdaptiveMaxPool2D', // inputs: {x}; attrs: {outputSize}; outputs: [values, indices]
  LRN: 'LRN', // inputs: {x}; attrs: {size, alpha, beta, k} (PyTorch's local_response_norm)
  LRNGrad: 'LRNGrad', // inputs: {x, y, dy}; attrs: same
  ResizeNearest: 'ResizeNearest', // inputs: {x}; attrs: {outputSize}
  ResizeNearestGrad: 'ResizeNearestGrad', // inputs: {dy}; attrs: {inputShape}
  ResizeBilinear: 'ResizeBilinear', // inputs: {x}; attrs: {outputSize, alignCorners}
  ResizeBilinearGrad: 'ResizeBilinearGrad', // inputs: {dy}; attrs: {inputShape, alignCorners}
} as const;

export type KernelName = (typeof KernelName)[keyof typeof KernelName];

export interface CastAttrs {
  dtype: DType;
}
export interface ReduceAttrs {
  axes: number[];
  keepDim: boolean;
}
export interface ArgReduceAttrs {
  axis: number;
  keepDim: boolean;
}
export interface AxisAttrs {
  axis: number;
}
export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}
export interface Conv2DAttrs {
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}
export interface Conv2DBackpropInputAttrs extends Conv2DAttrs {
  inputShape: [number, number, number, number];
}
export interface Conv2DBackpropFilterAttrs extends Conv2DAttrs {
  filterShape: [number, number, number, number];
}
export interface Pool2DAttrs {
  kernelSize: [number, number];
  stride: [number, number];
  /** [top, bottom, left, right]; bottom/right grow with ceilMode */
  padding: [number, number, number, number];
  dilation: [number, number];
}
export interface AvgPool2DAttrs extends Pool2DAttrs {
  countIncludePad: boolean;
  /** Number of padded-window elements per output row/col that count when countIncludePad, see avgPool2d. */
  ceilMode: boolean;
  divisorOverride: number | null;
}
export interface SliceAttrs {
  begin: number[];
  end: number[];
  step: number[];
}
export interface PadAttrs {
  paddings: [number, number][];
  mode: 'constant' | 'reflect';
  value: number;
}
