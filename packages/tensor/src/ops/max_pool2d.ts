/**
 * maxPool2d: PyTorch's F.max_pool2d on [N, C, H, W] or [C, H, W] input. Padding counts as
 * -infinity; ties keep the first maximum. With `returnIndices` it also gives, as PyTorch,
 * the position of each maximum as a flat `h*W + w` within its input plane (int32 here,
 * int64 in PyTorch); maxPool2dGrad scatters a gradient back through those indices.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { KernelName, type ImageGradAttrs, type MaxPool2DAttrs } from '../kernel_names.js';
import { formatShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { ValuesAndIndices } from './arg_reduce.js';
import { parsePair, type IntPair } from './conv_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { batched, checkGradOperands, checkImageInput, parseKernelSize, poolOutputShape, unbatch } from './pool_util.js';
import { runKernel, runKernelMulti } from './run.js';

export interface MaxPool2DOptions {
  /** Default: kernelSize. */
  stride?: IntPair | null;
  /** Implicit -infinity on each side, at most half the kernel. Default 0. */
  padding?: IntPair;
  dilation?: IntPair;
  /** Round the output size up (keeping only windows that start inside the input or left padding). */
  ceilMode?: boolean;
  /** Also return where each maximum is (see above). */
  returnIndices?: boolean;
}

// PyTorch's positional order after kernel_size.
const MAX_POOL_KEYS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;

/** Max pooling with a kernelSize x kernelSize (or [kH, kW]) window; the stride defaults to the kernel size. */
export function maxPool2d(x: TensorLike, kernelSize: IntPair, options: MaxPool2DOptions & { returnIndices: true }): ValuesAndIndices;
export function maxPool2d(x: TensorLike, kernelSize: IntPair, options?: MaxPool2DOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: TensorLike, kernelSize: IntPair, options?: MaxPool2DOptions): Tensor | ValuesAndIndices;
export function maxPool2d(x: TensorLike, kernelSize: IntPair, options?: MaxPool2DOptions, ...extra: never[]): Tensor | ValuesAndIndices {
  const op = 'maxPool2d';
  const opts = parseOptions(op, options, MAX_POOL_KEYS);
  checkNoExtra(op, extra, MAX_POOL_KEYS);
  const input = toTensor(x, op, 'input');
  checkImageInput(op, input);
  const attrs = maxPool2dAttrs(op, input.shape, kernelSize, opts);
  const returnIndices = opts.returnIndices ?? false;
  if (typeof returnIndices !== 'boolean') throw new Error(`${op}: returnIndices must be a boolean, got ${String(returnIndices)}`);
  const [values, indices] = runKernelMulti(KernelName.MaxPool2D, { x: batched(input) }, attrs);
  if (!returnIndices) {
    indices.dispose();
    return unbatch(values, input.rank);
  }
  return { values: unbatch(values, input.rank), indices: unbatch(indices, input.rank) };
}

/** Checks the window against an input shape and returns the kernel's attributes. */
export function maxPool2dAttrs(op: string, inputShape: Shape, kernelSizeArg: IntPair, options: MaxPool2DOptions = {}): MaxPool2DAttrs {
  const kernelSize = parseKernelSize(op, kernelSizeArg);
  const stride = options.stride == null ? kernelSize : parsePair(op, 'stride', options.stride, 1);
  const padding = parsePair(op, 'padding', options.padding ?? 0, 0);
  const dilation = parsePair(op, 'dilation', options.dilation ?? 1, 1);
  const ceilMode = options.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new Error(`${op}: ceilMode must be a boolean, got ${String(ceilMode)}`);
  const outputSize = poolOutputShape(op, inputShape, { kernelSize, stride, padding, dilation, ceilMode });
  return { kernelSize, stride, padding: [padding[0], padding[0], padding[1], padding[1]], dilation, outputSize };
}

/**
 * The gradient of maxPool2d (and of adaptiveMaxPool2d): zeros of `inputShape` [N, C, H, W]
 * with each dy added at its window's maximum, given by the int32 `indices` of the forward pass.
 */
export function maxPool2dGrad(dy: Tensor, indices: Tensor, inputShape: Shape): Tensor {
  const op = 'maxPool2dGrad';
  checkGradOperands(op, dy, inputShape);
  assertDType(op, 'indices', indices, ['int32']);
  if (indices.shape.length !== dy.shape.length || indices.shape.some((d, i) => d !== dy.shape[i])) {
    throw new Error(`${op}: indices of shape ${formatShape(indices.shape)} do not match dy ${formatShape(dy.shape)}`);
  }
  const attrs: ImageGradAttrs = { inputShape: [...inputShape] };
  return runKernel(KernelName.MaxPool2DGrad, { dy, indices }, attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    maxPool2d(kernelSize: IntPair, options: MaxPool2DOptions & { returnIndices: true }): ValuesAndIndices;
    maxPool2d(kernelSize: IntPair, options?: MaxPool2DOptions & { returnIndices?: false }): Tensor;
    maxPool2d(kernelSize: IntPair, options?: MaxPool2DOptions): Tensor | ValuesAndIndices;
  }
}

Tensor.prototype.maxPool2d = function (this: Tensor, kernelSize: IntPair, options?: MaxPool2DOptions, ...extra: never[]) {
  // The overloads have no rest parameter, so the method checks what the op would.
  if (extra.length > 0) parseOptions('maxPool2d', options, MAX_POOL_KEYS);
  checkNoExtra('maxPool2d', extra, MAX_POOL_KEYS);
  return maxPool2d(this, kernelSize, options);
} as Tensor['maxPool2d'];
