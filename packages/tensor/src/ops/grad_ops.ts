/**
 * Ops that run gradient kernels no other op exposes: conv2d's input and filter gradients
 * and indexSelect's (IndexAdd), and relu's (ReluGrad). They take the forward kernel's attributes as they are,
 * because their caller is a gradient in @nn/autograd that holds exactly those; they are
 * public so that gradients are written with public ops and serve every backend. (The pool,
 * LRN and resize gradients live beside their ops: maxPool2dGrad, avgPool2dGrad, ...)
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type Conv2DAttrs } from '../kernel_names.js';
import { formatShape, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { convOutputSize } from './conv_util.js';
import { assertIndicesInRange, toIndexTensor } from './indices.js';
import { runKernel } from './run.js';

type Shape4 = [number, number, number, number];

function floatArg(op: string, arg: string, x: TensorLike): Tensor {
  const t = toTensor(x, op, arg);
  if (t.dtype !== 'float32') throw new Error(`${op}: argument '${arg}' has dtype ${t.dtype}, expected float32`);
  return t;
}

/**
 * Checks that a conv2d of an input of `xShape` by a weight of `wShape` with `attrs` has
 * output `dyShape`, i.e. that dy can be that convolution's gradient.
 */
function assertConvShapes(op: string, xShape: Shape, wShape: Shape, dyShape: Shape, attrs: Conv2DAttrs): void {
  const { stride, padding, dilation, groups } = attrs;
  const expected = [
    xShape[0],
    wShape[0],
    convOutputSize(xShape[2], wShape[2], stride[0], padding[0], padding[1], dilation[0]),
    convOutputSize(xShape[3], wShape[3], stride[1], padding[2], padding[3], dilation[1]),
  ];
  const describe = `input ${formatShape(xShape)}, weight ${formatShape(wShape)}, dy ${formatShape(dyShape)}`;
  if (xShape[1] !== wShape[1] * groups) {
    throw new Error(`${op}: input has ${xShape[1]} channels but weight expects ${wShape[1] * groups} (groups=${groups}): ${describe}`);
  }
  if (expected.some((d, i) => d !== dyShape[i])) {
    throw new Error(`${op}: dy must have the conv2d output shape ${formatShape(expected)}: ${describe}`);
  }
}

function assertRank(op: string, arg: string, t: Tensor | Shape, rank: number): void {
  const shape = Array.isArray(t) ? (t as Shape) : (t as Tensor).shape;
  if (shape.length !== rank) throw new Error(`${op}: '${arg}' must have rank ${rank}, got shape ${formatShape(shape)}`);
}

/** Gradient of conv2d with respect to its input: a transposed convolution of `dy` by `weight`. */
export function conv2dBackpropInput(dy: TensorLike, weight: TensorLike, inputShape: Shape4, attrs: Conv2DAttrs): Tensor {
  const op = 'conv2dBackpropInput';
  const g = floatArg(op, 'dy', dy);
  const w = floatArg(op, 'weight', weight);
  assertRank(op, 'dy', g, 4);
  assertRank(op, 'weight', w, 4);
  assertRank(op, 'inputShape', inputShape, 4);
  assertConvShapes(op, inputShape, w.shape, g.shape, attrs);
  const { stride, padding, dilation, groups } = attrs;
  return runKernel(KernelName.Conv2DBackpropInput, { dy: g, weight: w }, { stride, padding, dilation, groups, inputShape });
}

/** Gradient of conv2d with respect to its weight, given the input `x` and the output gradient `dy`. */
export function conv2dBackpropFilter(x: TensorLike, dy: TensorLike, filterShape: Shape4, attrs: Conv2DAttrs): Tensor {
  const op = 'conv2dBackpropFilter';
  const input = floatArg(op, 'x', x);
  const g = floatArg(op, 'dy', dy);
  assertRank(op, 'x', input, 4);
  assertRank(op, 'dy', g, 4);
  assertRank(op, 'filterShape', filterShape, 4);
  assertConvShapes(op, input.shape, filterShape, g.shape, attrs);
  const { stride, padding, dilation, groups } = attrs;
  return runKernel(KernelName.Conv2DBackpropFilter, { x: input, dy: g }, { stride, padding, dilation, groups, filterShape });
}

/**
 * Sums the slices of `dy` along `axis` into a zero tensor with `size` there: slice i goes to
 * position indices[i] (PyTorch's zeros(...).index_add_(axis, indices, dy); gather's adjoint).
 */
export function indexAdd(dy: TensorLike, indices: TensorLike, axis: number, size: number): Tensor {
  const op = 'indexAdd';
  const g = floatArg(op, 'dy', dy);
  const idx = toIndexTensor(indices, op, 'indices');
  const ax = normalizeAxis(op, axis, g.rank);
  if (idx.rank !== 1 || idx.shape[0] !== g.shape[ax]) {
    throw new Error(`${op}: indices ${formatShape(idx.shape)} must be 1-D with dy's length ${g.shape[ax]} along axis ${ax} (dy ${formatShape(g.shape)})`);
  }
  if (!Number.isInteger(size) || size < 0) throw new Error(`${op}: size must be a non-negative integer, got ${size}`);
  assertIndicesInRange(op, idx, size, `for an output of size ${size} along axis ${ax}`);
  return runKernel(KernelName.IndexAdd, { dy: g, indices: idx }, { axis: ax, size });
}

/**
 * relu's gradient from its output: dy where y > 0, 0 where y <= 0 (PyTorch's
 * threshold_backward(dy, y, 0), so a NaN y lets dy through). One kernel instead of
 * where(gt(y, 0), dy, 0), which reads y twice and allocates a bool mask.
 */
export function reluGrad(dy: TensorLike, y: TensorLike): Tensor {
  const op = 'reluGrad';
  const g = floatArg(op, 'dy', dy);
  const out = floatArg(op, 'y', y);
  if (g.shape.length !== out.shape.length || g.shape.some((d, i) => d !== out.shape[i])) {
    throw new Error(`${op}: dy ${formatShape(g.shape)} and y ${formatShape(out.shape)} must have the same shape`);
  }
  return runKernel(KernelName.ReluGrad, { dy: g, y: out });
}
