/**
 * Checks and shape arithmetic shared by the pooling ops (maxPool2d, avgPool2d, the adaptive
 * pools), their gradients and upsample. Kernels see only 4-D [N, C, H, W] input: an
 * unbatched [C, H, W] input, which PyTorch accepts, gets a batch axis of 1 here and loses
 * it again on the way out.
 */
import { assertDType } from '../convert.js';
import type { AdaptivePool2DAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parsePair, type IntPair } from './conv_util.js';
import { reshape } from './reshape.js';

/** Checks that x is a float32 [N, C, H, W] or [C, H, W] image batch with non-empty C, H, W. */
export function checkImageInput(op: string, x: Tensor): void {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(`${op}: input must be 4-D [N, C, H, W] or 3-D [C, H, W], got shape ${formatShape(x.shape)}`);
  }
  assertDType(op, 'input', x, ['float32']);
  if (x.shape.slice(-3).some((d) => d === 0)) {
    throw new Error(`${op}: input has an empty channel or spatial axis: shape ${formatShape(x.shape)}`);
  }
}

/** Reads a pool's kernelSize, naming the old `pool(x, { kernelSize })` form when it meets it. */
export function parseKernelSize(op: string, kernelSize: IntPair): [number, number] {
  if (kernelSize !== null && typeof kernelSize === 'object' && !Array.isArray(kernelSize)) {
    throw new Error(`${op}: kernelSize is the second argument, not an option: ${op}(x, 2, { stride: 1 })`);
  }
  return parsePair(op, 'kernelSize', kernelSize, 1);
}

/** x as [N, C, H, W]: unbatched input gets a batch axis of 1. */
export function batched(x: Tensor): Tensor {
  return x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
}

/**
 * Removes the batch axis that `batched` added, when the user's input had none. The 4-D
 * result is freed: only the view survives (a reshape's gradient needs only shapes).
 */
export function unbatch(y: Tensor, userRank: number): Tensor {
  if (userRank === 4) return y;
  const out = reshape(y, y.shape.slice(1));
  y.dispose();
  return out;
}

/**
 * PyTorch's pooling_output_shape: with ceilMode the division rounds up, but the last window
 * must start inside the input or its left padding, else it is dropped.
 */
export function poolOutputSize(inSize: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = inSize + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

export interface PoolWindow {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

/**
 * Checks a pooling window against a [..., H, W] input as PyTorch's pool2d_shape_check does
 * (padding at most half the kernel, a non-empty output) and returns [outH, outW].
 */
export function poolOutputShape(op: string, inputShape: readonly number[], window: PoolWindow): [number, number] {
  const { kernelSize, stride, padding, dilation, ceilMode } = window;
  if (2 * padding[0] > kernelSize[0] || 2 * padding[1] > kernelSize[1]) {
    throw new Error(`${op}: padding ${formatShape(padding)} must be at most half the kernel size ${formatShape(kernelSize)}`);
  }
  const inH = inputShape[inputShape.length - 2];
  const inW = inputShape[inputShape.length - 1];
  const outH = poolOutputSize(inH, kernelSize[0], stride[0], padding[0], dilation[0], ceilMode);
  const outW = poolOutputSize(inW, kernelSize[1], stride[1], padding[1], dilation[1], ceilMode);
  if (outH < 1 || outW < 1) {
    const dilated = dilation[0] === 1 && dilation[1] === 1 ? '' : `, dilation ${formatShape(dilation)}`;
    throw new Error(
      `${op}: output size ${outH}x${outW} is too small: input ${formatShape(inputShape)}, kernel ${formatShape(kernelSize)}, ` +
        `stride ${formatShape(stride)}, padding ${formatShape(padding)}${dilated}`,
    );
  }
  return [outH, outW];
}

/** Checks a 4-D float32 `dy` of a pool or resize against the forward input shape it belongs to. */
export function checkGradOperands(op: string, dy: Tensor, inputShape: readonly number[], outputSize?: readonly number[]): void {
  assertDType(op, 'dy', dy, ['float32']);
  if (inputShape.length !== 4 || !inputShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${op}: inputShape must be 4-D [N, C, H, W], got ${formatShape(inputShape)}`);
  }
  const expected = outputSize ? [inputShape[0], inputShape[1], outputSize[0], outputSize[1]] : null;
  const fits = dy.rank === 4 && dy.shape[0] === inputShape[0] && dy.shape[1] === inputShape[1];
  if (!fits || (expected !== null && (dy.shape[2] !== expected[2] || dy.shape[3] !== expected[3]))) {
    throw new Error(`${op}: dy of shape ${formatShape(dy.shape)} does not match the output ${expected ? formatShape(expected) : '[N, C, ...]'} of input ${formatShape(inputShape)}`);
  }
}

/** An int, or [h, w] where null keeps that input size, as PyTorch's None. */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

/** Checks input and outputSize of an adaptive pool; returns the kernel's attributes. */
export function adaptivePoolAttrs(op: string, input: Tensor, outputSize: AdaptiveOutputSize): AdaptivePool2DAttrs {
  checkImageInput(op, input);
  const pair: readonly unknown[] = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const inH = input.shape[input.rank - 2];
  const inW = input.shape[input.rank - 1];
  const valid = Array.isArray(pair) && pair.length === 2 && pair.every((v) => v === null || (Number.isInteger(v) && (v as number) >= 1));
  if (!valid) {
    const shown = Array.isArray(outputSize) ? `[${outputSize.map(String).join(',')}]` : String(outputSize);
    throw new Error(`${op}: outputSize must be a positive integer or a pair of them (null keeps the input size), got ${shown} for input ${formatShape(input.shape)}`);
  }
  const out: [number, number] = [(pair[0] as number | null) ?? inH, (pair[1] as number | null) ?? inW];
  assertTensorSize(op, [...input.shape.slice(0, -2), ...out], 'output shape');
  return { outputSize: out };
}
