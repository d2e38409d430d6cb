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
  LogicalXor: 'LogicalXor',
  // inputs: {condition, a, b}, all three broadcast
  Where: 'Where',
  // inputs: {dy, y}, same shape, float32: relu's gradient from its output y, dy where y > 0 and 0 where
  // y <= 0 (a NaN y passes dy, as PyTorch's threshold_backward); one pass instead of greater + where
  ReluGrad: 'ReluGrad',

  // Reductions. inputs: {x}; attrs: {axes: number[], keepDim}
  Sum: 'Sum',
  Prod: 'Prod',
  Max: 'Max', // maxWithIndices adds attrs.ties = 'first' (autograd: gradient to argmax only); kernels ignore it
  Min: 'Min', // likewise for minWithIndices
  ArgMax: 'ArgMax', // attrs: {axis, keepDim}; int32 output, first index on ties, first NaN wins; 0-d input gives 0
  ArgMin: 'ArgMin', // attrs: {axis, keepDim}
  Softmax: 'Softmax', // attrs: {axis}
  LogSoftmax: 'LogSoftmax', // attrs: {axis}

  // Linear algebra. inputs: {a, b}; attrs: {transposeA, transposeB}; batch dims broadcast
  BatchMatMul: 'BatchMatMul',
  /** out = op(a) · op(b) + bias for 2-D a and b; inputs: {a, b, bias}, bias [n] (added to every row) or [m, n]; attrs: MatMulAttrs */
  AddMm: 'AddMm',

  // Shape and indexing. inputs: {x} unless noted
  Reshape: 'Reshape', // attrs: {shape}
  Transpose: 'Transpose', // attrs: {perm}
  BroadcastTo: 'BroadcastTo', // attrs: {shape}
  Slice: 'Slice', // attrs: {begin, end, step} per axis, resolved by the op: 0 <= begin <= end <= size, step > 0
  SliceGrad: 'SliceGrad', // inputs: {dy}; attrs: {inputShape, begin, end, step}: scatter back into zeros
  Concat: 'Concat', // inputs: {x0, x1, ...}; attrs: {axis}
  Pad: 'Pad', // attrs: {paddings: [before, after][] per axis, mode: 'constant' | 'reflect', value}; constant pads may be negative (crop)
  Gather: 'Gather', // inputs: {x, indices (int32, 1-D)}; attrs: {axis}: indexSelect, output axis has indices.length entries
  IndexAdd: 'IndexAdd', // inputs: {dy, indices}; attrs: {axis, size}: scatter-add rows back along axis
  OneHot: 'OneHot', // inputs: {indices (int32)}; attrs: {depth}
  // torch.gather: out[..i..] = x[..index[..i..] at axis..]; index has x's rank. inputs: {x, indices}; attrs: {axis}
  GatherElements: 'GatherElements',
  // gradient of GatherElements: zeros of `shape`, then out[..index[..i..]..] += dy[..i..]. inputs: {dy, indices}; attrs: {axis, shape}
  ScatterAdd: 'ScatterAdd',

  // Images, NCHW. Paddings are [top, bottom, left, right].
  Conv2D: 'Conv2D', // inputs: {x, weight}; attrs: Conv2DAttrs
  Conv2DBackpropInput: 'Conv2DBackpropInput', // inputs: {dy, weight}; attrs: Conv2DAttrs & {inputShape}
  Conv2DBackpropFilter: 'Conv2DBackpropFilter', // inputs: {x, dy}; attrs: Conv2DAttrs & {filterShape}
  // Pools and resizes take 4-D x [N,C,H,W]; every *Grad kernel takes its forward attrs plus
  // {inputShape} (the forward x's shape) and returns dx of that shape.
  MaxPool2D: 'MaxPool2D', // inputs: {x}; attrs: MaxPool2DAttrs; outputs: [values, indices (int32, h*W+w per plane)]
  MaxPool2DGrad: 'MaxPool2DGrad', // inputs: {dy, indices}; attrs: {inputShape}: scatter-add dy by indices (also serves AdaptiveMaxPool2D)
  AvgPool2D: 'AvgPool2D', // inputs: {x}; attrs: AvgPool2DAttrs
  AvgPool2DGrad: 'AvgPool2DGrad', // inputs: {dy}; attrs: AvgPool2DAttrs & {inputShape}
  AdaptiveAvgPool2D: 'AdaptiveAvgPool2D', // inputs: {x}; attrs: AdaptivePool2DAttrs
  AdaptiveAvgPool2DGrad: 'AdaptiveAvgPool2DGrad', // inputs: {dy}; attrs: {inputShape} (output size is dy's)
  AdaptiveMaxPool2D: 'AdaptiveMaxPool2D', // inputs: {x}; attrs: AdaptivePool2DAttrs; outputs: [values, indices]
  LRN: 'LRN', // inputs: {x} of rank >= 3, channels on axis 1; attrs: LRNAttrs (PyTorch's local_response_norm)
  LRNGrad: 'LRNGrad', // inputs: {x, y, dy}; attrs: LRNAttrs
  ResizeNearest: 'ResizeNearest', // inputs: {x}; attrs: ResizeAttrs (alignCorners unused)
  ResizeNearestGrad: 'ResizeNearestGrad', // inputs: {dy}; attrs: ResizeAttrs & {inputShape}: scatter-add back
  ResizeBilinear: 'ResizeBilinear', // inputs: {x}; attrs: ResizeAttrs
  ResizeBilinearGrad: 'ResizeBilinearGrad', // inputs: {dy}; attrs: ResizeAttrs & {inputShape}: scatter-add back
  // Optional fused optimizer steps (@nn/layers falls back to ops on a backend without them):
  SgdUpdate: 'SgdUpdate', // inputs: {param, grad, momentumBuffer?}; attrs: SgdUpdateAttrs; outputs: [param, momentumBuffer?]
  AdamUpdate: 'AdamUpdate', // inputs: {param, grad, expAvg, expAvgSq, maxExpAvgSq?}; attrs: AdamUpdateAttrs; outputs: [param, expAvg, expAvgSq, maxExpAvgSq?]
} as const;

export type KernelName = (typeof KernelName)[keyof typeof KernelName];

/**
 * torch.optim.SGD's update of one float32 parameter, each step rounded to float32 as the op
 * composition rounds it. `firstStep`: the momentum buffer starts as the gradient (no input).
 */
export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  firstStep: boolean;
}

/**
 * torch.optim.Adam/AdamW's update of one float32 parameter (see @nn/layers' adam.ts), each
 * step rounded to float32 as the op composition rounds it; bias corrections precomputed.
 */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  amsgrad: boolean;
  maximize: boolean;
  /** lr / (1 − β1^t). */
  stepSize: number;
  /** √(1 − β2^t). */
  biasCorrection2Sqrt: number;
  /** 1 − lr·weightDecay (AdamW's decay factor). */
  decayFactor: number;
}

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
/** Pooling windows. The kernel reads the output size from `outputSize`; the op computes it (ceilMode lives there). */
export interface Pool2DAttrs {
  kernelSize: [number, number];
  stride: [number, number];
  /** [top, bottom, left, right], as the user gave them (ceilMode does not change them) */
  padding: [number, number, number, number];
  /** [outH, outW] */
  outputSize: [number, number];
}
export interface MaxPool2DAttrs extends Pool2DAttrs {
  dilation: [number, number];
}
export interface AvgPool2DAttrs extends Pool2DAttrs {
  /** Divide by the window clipped to the padded input (PyTorch's rule), else by its in-image taps. */
  countIncludePad: boolean;
  /** Divide every window by this instead, when not null. */
  divisorOverride: number | null;
}
export interface AdaptivePool2DAttrs {
  /** [outH, outW]; window i spans floor(i*In/Out) to ceil((i+1)*In/Out) */
  outputSize: [number, number];
}
export interface LRNAttrs {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}
export interface ResizeAttrs {
  /** [outH, outW] */
  outputSize: [number, number];
  /**
   * Source pixels per output pixel along [h, w], as PyTorch computes them (in/out, or 1/scaleFactor
   * when the user gave one, or (in-1)/(out-1) with alignCorners); the op decides, kernels only use them.
   */
  scales: [number, number];
  alignCorners: boolean;
}
export interface ImageGradAttrs {
  /** Shape of the forward input x, [N, C, H, W]: pool and resize grads add it to their forward attrs. */
  inputShape: number[];
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
export interface ReshapeAttrs {
  shape: number[];
}
export interface TransposeAttrs {
  /** Output axis i is input axis perm[i]. */
  perm: number[];
}
export interface BroadcastToAttrs {
  shape: number[];
}
/** Slice attrs resolved by the op: full rank, 0 <= begin, end clamped, step >= 1. */
export interface SliceGradAttrs extends SliceAttrs {
  inputShape: number[];
}
export interface IndexAddAttrs {
  axis: number;
  /** Size of `axis` in the output (the gathered tensor's size along it). */
  size: number;
}
export interface ScatterAddAttrs {
  axis: number;
  /** Shape of the output (the gathered tensor's shape). */
  shape: number[];
}
export interface OneHotAttrs {
  depth: number;
}
// Elementwise attrs (see ops/unary.ts, ops/clip.ts).
export interface LeakyReluAttrs {
  negativeSlope: number;
}
export interface EluAttrs {
  alpha: number;
}
export interface GeluAttrs {
  approximate: 'none' | 'tanh';
}
export interface SoftplusAttrs {
  beta: number;
  threshold: number;
}
/** Bounds of Clip; a missing bound is -Infinity / Infinity. min > max gives max everywhere, as in PyTorch. */
export interface ClipAttrs {
  min: number;
  max: number;
}
