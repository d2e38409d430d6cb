/**
 * conv2d: PyTorch's F.conv2d (cross-correlation, no kernel flip) on NCHW input with
 * weight [outChannels, inChannels / groups, kH, kW]. The op checks everything and resolves
 * padding to explicit [top, bottom, left, right]; the Conv2D kernel does the arithmetic and
 * the bias is a broadcast add, so autograd needs no conv-specific bias gradient.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type Conv2DAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { checkBias, checkConvOperands, convOutputSize, parseConv2DPadding, parseGroups, parsePair, type Conv2DPadding, type IntPair } from './conv_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

export interface Conv2DOptions {
  stride?: IntPair;
  /** An int, [h, w], [top, bottom, left, right], 'valid' or 'same' (stride 1 only). Default 0. */
  padding?: Conv2DPadding;
  dilation?: IntPair;
  groups?: number;
}

const CONV2D_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

/**
 * 2-D convolution. `x` is [N, C, H, W] (or unbatched [C, H, W]); the result is
 * [N, outChannels, outH, outW] with outH = floor((H + padTop + padBottom - dilation*(kH-1) - 1) / stride) + 1.
 */
export function conv2d(x: TensorLike, weight: TensorLike, bias?: TensorLike | null, options?: Conv2DOptions, ...extra: never[]): Tensor {
  const op = 'conv2d';
  const opts = parseOptions(op, options, CONV2D_KEYS);
  checkNoExtra(op, extra, CONV2D_KEYS);
  const input = toTensor(x, op, 'input');
  const w = toTensor(weight, op, 'weight');
  const b = bias === undefined || bias === null ? null : toTensor(bias, op, 'bias');
  const attrs = conv2dAttrs(op, input, w, opts);
  if (b !== null) checkBias(op, b, w.shape[0], w.shape);
  if (input.rank === 3) return unbatched(input, (batched) => conv2dChecked(batched, w, b, attrs));
  return conv2dChecked(input, w, b, attrs);
}

function conv2dChecked(x: Tensor, w: Tensor, b: Tensor | null, attrs: Conv2DAttrs): Tensor {
  const y = runKernel(KernelName.Conv2D, { x, weight: w }, attrs);
  return b === null ? y : addChannelBias(y, b);
}

/**
 * Checks input [N, C, H, W] (or unbatched [C, H, W]), weight and options, and returns the
 * kernel attributes. Errors name both shapes as the user gave them.
 */
export function conv2dAttrs(op: string, x: Tensor, w: Tensor, options: Conv2DOptions): Conv2DAttrs {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(`${op}: input must be 4-D [N, C, H, W] or 3-D [C, H, W], got shape ${formatShape(x.shape)}`);
  }
  checkConvOperands(op, x, w, 4, '[outChannels, inChannels/groups, kH, kW]');
  return convAttrsOfShapes(op, x.shape.slice(-3), w.shape, options, `input ${formatShape(x.shape)}, weight ${formatShape(w.shape)}`);
}

/**
 * The checks on channels, groups, stride, padding, dilation and kernel size, for input
 * [C, H, W] and weight [outChannels, C/groups, kH, kW]; `shapes` describes the user's arguments.
 */
export function convAttrsOfShapes(op: string, xShape: readonly number[], wShape: readonly number[], options: Conv2DOptions, shapes: string): Conv2DAttrs {
  const groups = parseGroups(op, options.groups ?? 1);
  const [inChannels, inH, inW] = xShape;
  const [outChannels, groupChannels, kH, kW] = wShape;
  if (kH === 0 || kW === 0) throw new Error(`${op}: weight has an empty kernel: ${shapes}`);
  if (outChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} does not divide the ${outChannels} output channels of the weight: ${shapes}`);
  }
  if (inChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} does not divide the ${inChannels} input channels: ${shapes}`);
  }
  if (groupChannels * groups !== inChannels) {
    const grouping = groups === 1 ? '' : ` (${groupChannels} per group × ${groups} groups)`;
    throw new Error(`${op}: input has ${inChannels} channels but weight expects ${groupChannels * groups}${grouping}: ${shapes}`);
  }
  const stride = parsePair(op, 'stride', options.stride ?? 1, 1);
  const dilation = parsePair(op, 'dilation', options.dilation ?? 1, 1);
  const padding = parseConv2DPadding(op, options.padding ?? 0, stride, dilation, [kH, kW]);
  const paddedH = inH + padding[0] + padding[1];
  const paddedW = inW + padding[2] + padding[3];
  const spanH = dilation[0] * (kH - 1) + 1;
  const spanW = dilation[1] * (kW - 1) + 1;
  if (spanH > paddedH || spanW > paddedW) {
    const dilated = dilation[0] === 1 && dilation[1] === 1 ? '' : ` (dilated ${spanH}x${spanW})`;
    throw new Error(`${op}: kernel size ${kH}x${kW}${dilated} is larger than the padded input ${paddedH}x${paddedW}: ${shapes}`);
  }
  const outHW = [convOutputSize(inH, kH, stride[0], padding[0], padding[1], dilation[0]), convOutputSize(inW, kW, stride[1], padding[2], padding[3], dilation[1])];
  assertTensorSize(op, [outChannels, ...outHW], 'output shape (per sample)');
  return { stride, padding, dilation, groups };
}

/**
 * Runs `fn` on x with a batch axis of 1 added, and removes it from the result (PyTorch's
 * unbatched input). Frees the views it made: a tape that needs a value keeps its own handle.
 */
export function unbatched(x: Tensor, fn: (batched: Tensor) => Tensor): Tensor {
  const batched = reshape(x, [1, ...x.shape]);
  const y = fn(batched);
  const out = reshape(y, y.shape.slice(1));
  batched.dispose();
  y.dispose();
  return out;
}

/** y + bias[c] over [N, C, ...] for a checked bias. Frees y and the bias view, whose only use was this sum. */
export function addChannelBias(y: Tensor, bias: Tensor): Tensor {
  const column = reshape(bias, [1, bias.shape[0], ...new Array<number>(y.rank - 2).fill(1)]);
  const out = add(y, column);
  column.dispose();
  y.dispose();
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    conv2d(weight: TensorLike, bias?: TensorLike | null, options?: Conv2DOptions): Tensor;
  }
}

Tensor.prototype.conv2d = function (this: Tensor, weight: TensorLike, ...args: [bias?: TensorLike | null, options?: Conv2DOptions, ...extra: never[]]) {
  return conv2d(this, weight, ...args);
};
