/**
 * avgPool2d: PyTorch's F.avg_pool2d on [N, C, H, W] or [C, H, W] input, divisor included:
 * with countIncludePad (the default) a window is divided by its size clipped to the padded
 * input, so a ceilMode window that runs past the padding counts only what lies inside it;
 * without, by the number of its taps inside the image; divisorOverride replaces both.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type AvgPool2DAttrs, type ImageGradAttrs } from '../kernel_names.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { parsePair, type IntPair } from './conv_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { batched, checkGradOperands, checkImageInput, parseKernelSize, poolOutputShape, unbatch } from './pool_util.js';
import { runKernel } from './run.js';

export interface AvgPool2DOptions {
  /** Default: kernelSize. */
  stride?: IntPair | null;
  /** Implicit zeros on each side, at most half the kernel. Default 0. */
  padding?: IntPair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor. Default true, as PyTorch. */
  countIncludePad?: boolean;
  /** A non-zero integer to divide every window by instead. */
  divisorOverride?: number | null;
}

// PyTorch's positional order after kernel_size.
const AVG_POOL_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/** Average pooling with a kernelSize x kernelSize (or [kH, kW]) window; the stride defaults to the kernel size. */
export function avgPool2d(x: TensorLike, kernelSize: IntPair, options?: AvgPool2DOptions, ...extra: never[]): Tensor {
  const op = 'avgPool2d';
  const opts = parseOptions(op, options, AVG_POOL_KEYS);
  checkNoExtra(op, extra, AVG_POOL_KEYS);
  const input = toTensor(x, op, 'input');
  checkImageInput(op, input);
  const attrs = avgPool2dAttrs(op, input.shape, kernelSize, opts);
  return unbatch(runKernel(KernelName.AvgPool2D, { x: batched(input) }, attrs), input.rank);
}

/** Checks the window against an input shape and returns the kernel's attributes. */
export function avgPool2dAttrs(op: string, inputShape: Shape, kernelSizeArg: IntPair, options: AvgPool2DOptions = {}): AvgPool2DAttrs {
  const kernelSize = parseKernelSize(op, kernelSizeArg);
  const stride = options.stride == null ? kernelSize : parsePair(op, 'stride', options.stride, 1);
  const padding = parsePair(op, 'padding', options.padding ?? 0, 0);
  const { ceilMode = false, countIncludePad = true, divisorOverride = null } = options;
  if (typeof ceilMode !== 'boolean') throw new Error(`${op}: ceilMode must be a boolean, got ${String(ceilMode)}`);
  if (typeof countIncludePad !== 'boolean') throw new Error(`${op}: countIncludePad must be a boolean, got ${String(countIncludePad)}`);
  if (divisorOverride !== null && (!Number.isInteger(divisorOverride) || divisorOverride === 0)) {
    throw new Error(`${op}: divisorOverride must be a non-zero integer, got ${String(divisorOverride)}`);
  }
  const outputSize = poolOutputShape(op, inputShape, { kernelSize, stride, padding, dilation: [1, 1], ceilMode });
  return { kernelSize, stride, padding: [padding[0], padding[0], padding[1], padding[1]], outputSize, countIncludePad, divisorOverride };
}

/** The gradient of avgPool2d: each dy spread over its window with the forward's divisor. */
export function avgPool2dGrad(dy: Tensor, inputShape: Shape, attrs: AvgPool2DAttrs): Tensor {
  checkGradOperands('avgPool2dGrad', dy, inputShape, attrs.outputSize);
  const gradAttrs: AvgPool2DAttrs & ImageGradAttrs = { ...attrs, inputShape: [...inputShape] };
  return runKernel(KernelName.AvgPool2DGrad, { dy }, gradAttrs);
}

declare module '../tensor.js' {
  interface Tensor {
    avgPool2d(kernelSize: IntPair, options?: AvgPool2DOptions): Tensor;
  }
}

Tensor.prototype.avgPool2d = function (this: Tensor, kernelSize: IntPair, ...args: [options?: AvgPool2DOptions, ...extra: never[]]) {
  return avgPool2d(this, kernelSize, ...args);
};
