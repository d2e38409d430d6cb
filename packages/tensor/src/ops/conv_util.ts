/**
 * Argument parsing and shape arithmetic shared by the convolution ops (conv2d,
 * convTranspose2d, conv1d) and their kernels. Kernels receive explicit
 * [top, bottom, left, right] paddings, so 'same' and asymmetric padding look alike to them.
 */
import { assertDType } from '../convert.js';
import type { Conv2DAttrs } from '../kernel_names.js';
import { formatShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** An int, or one per spatial axis ([h, w]), as PyTorch accepts. */
export type IntPair = number | readonly [number, number] | readonly number[];

/** conv2d padding: an int, [h, w], [top, bottom, left, right], or PyTorch's 'valid' / 'same'. */
export type Conv2DPadding = IntPair | 'valid' | 'same';

/** Reads an int-or-pair attribute; `min` is the least value allowed (1 for stride, 0 for padding). */
export function parsePair(op: string, name: string, value: IntPair, min: number): [number, number] {
  const pair: readonly number[] = typeof value === 'number' ? [value, value] : value;
  if (!isNumberList(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min)) {
    const what = min === 0 ? 'non-negative' : 'positive';
    throw new Error(`${op}: ${name} must be a ${what} integer or a pair of them, got ${formatValue(value)}`);
  }
  return [pair[0], pair[1]];
}

export function parseGroups(op: string, groups: number): number {
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${String(groups)}`);
  return groups;
}

/**
 * Resolves conv2d padding to [top, bottom, left, right]. 'same' follows PyTorch: stride 1
 * only, total padding dilation*(k-1) per axis with the odd unit on the bottom/right.
 */
export function parseConv2DPadding(
  op: string,
  padding: Conv2DPadding,
  stride: readonly [number, number],
  dilation: readonly [number, number],
  kernelSize: readonly [number, number],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new Error(`${op}: padding='same' is not supported for strided convolutions (stride [${stride.join(',')}])`);
    }
    const totalH = dilation[0] * (kernelSize[0] - 1);
    const totalW = dilation[1] * (kernelSize[1] - 1);
    const top = Math.floor(totalH / 2);
    const left = Math.floor(totalW / 2);
    return [top, totalH - top, left, totalW - left];
  }
  if (typeof padding === 'string') {
    throw new Error(`${op}: padding must be 'valid', 'same', an integer or a list of integers, got '${String(padding)}'`);
  }
  if (isNumberList(padding) && padding.length === 4) {
    if (!padding.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new Error(`${op}: padding must hold non-negative integers, got ${formatValue(padding)}`);
    }
    return [padding[0], padding[1], padding[2], padding[3]];
  }
  const [h, w] = parsePair(op, 'padding', padding, 0);
  return [h, h, w, w];
}

/** Output length of a convolution along one axis; <= 0 means the kernel does not fit. */
export function convOutputSize(inSize: number, kernelSize: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((inSize + padBefore + padAfter - dilation * (kernelSize - 1) - 1) / stride) + 1;
}

/** Everything a backend's conv kernel needs, in plain numbers. */
export interface ConvGeometry {
  batch: number;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  /** Input channels per group. */
  groupIn: number;
  /** Output channels per group. */
  groupOut: number;
  /** Values in one input patch: groupIn * kH * kW. */
  patchSize: number;
  /** outH * outW. */
  outArea: number;
  /** inH * inW. */
  inArea: number;
}

/**
 * Geometry from the input shape [N, C, H, W], the weight shape [Cout, C/groups, kH, kW] and
 * the output's spatial size, for the Conv2D kernels and their gradients. The output size
 * comes from the tensor that has it (y or dy): a transposed convolution's output padding
 * can leave dy smaller than the formula says.
 */
export function convGeometry(xShape: Shape, wShape: Shape, outH: number, outW: number, attrs: Conv2DAttrs): ConvGeometry {
  const [batch, inChannels, inH, inW] = xShape;
  const [outChannels, groupIn, kH, kW] = wShape;
  const { stride, padding, dilation, groups } = attrs;
  return {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    outH,
    outW,
    kH,
    kW,
    strideH: stride[0],
    strideW: stride[1],
    padTop: padding[0],
    padLeft: padding[2],
    dilationH: dilation[0],
    dilationW: dilation[1],
    groups,
    groupIn,
    groupOut: outChannels / groups,
    patchSize: groupIn * kH * kW,
    outArea: outH * outW,
    inArea: inH * inW,
  };
}

/** Output spatial size [outH, outW] of a forward Conv2D kernel. */
export function convOutputHW(xShape: Shape, wShape: Shape, { stride, padding, dilation }: Conv2DAttrs): [number, number] {
  return [
    convOutputSize(xShape[2], wShape[2], stride[0], padding[0], padding[1], dilation[0]),
    convOutputSize(xShape[3], wShape[3], stride[1], padding[2], padding[3], dilation[1]),
  ];
}

/** Output length of a transposed convolution along one axis (PyTorch's formula). */
export function convTransposeOutputSize(inSize: number, kernelSize: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (inSize - 1) * stride - 2 * padding + dilation * (kernelSize - 1) + outputPadding + 1;
}

/** Checks that input and weight are float32 and that weight has rank `weightRank` (input rank is the caller's). */
export function checkConvOperands(op: string, x: Tensor, weight: Tensor, weightRank: number, weightLayout: string): void {
  assertDType(op, 'input', x, ['float32']);
  assertDType(op, 'weight', weight, ['float32']);
  if (weight.rank !== weightRank) {
    throw new Error(`${op}: weight must be ${weightRank}-D ${weightLayout}, got shape ${formatShape(weight.shape)} (input ${formatShape(x.shape)})`);
  }
}

/** Checks the optional bias: float32, 1-D, one value per output channel. */
export function checkBias(op: string, bias: Tensor, outChannels: number, weightShape: Shape): void {
  assertDType(op, 'bias', bias, ['float32']);
  if (bias.rank !== 1 || bias.shape[0] !== outChannels) {
    throw new Error(`${op}: bias must have shape [${outChannels}] (one value per output channel), got ${formatShape(bias.shape)} (weight ${formatShape(weightShape)})`);
  }
}

function isNumberList(value: unknown): value is readonly number[] {
  return Array.isArray(value);
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(String).join(',')}]` : String(value);
}
