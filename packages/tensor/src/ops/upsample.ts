/**
 * upsample (also `interpolate`): PyTorch's F.interpolate for 4-D [N, C, H, W] input in
 * 'nearest' and 'bilinear' modes. The output size is `size`, or floor(in * scaleFactor).
 * The source position of output pixel d along an axis follows PyTorch exactly:
 *
 * - nearest (PyTorch's legacy 'nearest'): floor(d * scale), clamped to in - 1;
 * - bilinear: d * scale with alignCorners, else max(0, (d + 0.5) * scale - 0.5);
 *
 * with scale = 1/scaleFactor when a scale factor was given (as PyTorch without
 * recompute_scale_factor), else in/out, and (in-1)/(out-1) with alignCorners. The op
 * computes these scales, in float32 as PyTorch's kernels do, and hands them to the kernel.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { KernelName, type ImageGradAttrs, type ResizeAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkGradOperands } from './pool_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { runKernel } from './run.js';

export type UpsampleMode = 'nearest' | 'bilinear';

export interface UpsampleOptions {
  /** Output [h, w] (or one int for both). Give this or scaleFactor. */
  size?: number | readonly [number, number];
  /** Multiplier of the input size (or one per axis); the output is floor(in * scaleFactor). */
  scaleFactor?: number | readonly [number, number];
  /** Default 'nearest'. */
  mode?: UpsampleMode;
  /** Bilinear only: align the centres of the corner pixels (default false). */
  alignCorners?: boolean;
}

const UPSAMPLE_KEYS = ['size', 'scaleFactor', 'mode', 'alignCorners'] as const;

export function upsample(x: TensorLike, options: UpsampleOptions, ...extra: never[]): Tensor {
  const op = 'upsample';
  parseOptions(op, options, UPSAMPLE_KEYS);
  checkNoExtra(op, extra, UPSAMPLE_KEYS);
  const input = toTensor(x, op, 'input');
  if (input.rank !== 4) throw new Error(`${op}: input must be 4-D [N, C, H, W], got shape ${formatShape(input.shape)}`);
  assertDType(op, 'input', input, ['float32']);
  const attrs = upsampleAttrs(op, input.shape, options);
  const kernelName = (options.mode ?? 'nearest') === 'nearest' ? KernelName.ResizeNearest : KernelName.ResizeBilinear;
  return runKernel(kernelName, { x: input }, attrs);
}

/** PyTorch's newer name for the same op. */
export const interpolate = upsample;

function perAxis(op: string, name: string, value: number | readonly number[], valid: (v: number) => boolean, what: string): [number, number] {
  const pair: readonly unknown[] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => typeof v === 'number' && valid(v))) {
    const shown = Array.isArray(value) ? `[${value.map(String).join(',')}]` : String(value);
    throw new Error(`${op}: ${name} must be ${what} or a pair of them, got ${shown}`);
  }
  return [pair[0] as number, pair[1] as number];
}

/** Checks the options against a 4-D input shape and returns the resize kernel's attributes. */
export function upsampleAttrs(op: string, inputShape: Shape, options: UpsampleOptions): ResizeAttrs {
  const { size, scaleFactor, mode = 'nearest', alignCorners } = parseOptions(op, options, UPSAMPLE_KEYS);
  if (mode !== 'nearest' && mode !== 'bilinear') throw new Error(`${op}: mode must be 'nearest' or 'bilinear', got '${String(mode)}'`);
  if (alignCorners !== undefined && typeof alignCorners !== 'boolean') throw new Error(`${op}: alignCorners must be a boolean, got ${String(alignCorners)}`);
  // PyTorch refuses any align_corners with 'nearest'; false changes nothing there, so only true is refused.
  if (alignCorners === true && mode === 'nearest') throw new Error(`${op}: alignCorners can only be used with mode 'bilinear', not '${mode}'`);
  if ((size == null) === (scaleFactor == null)) {
    throw new Error(`${op}: give exactly one of size and scaleFactor (got ${size == null ? 'neither' : 'both'})`);
  }
  const inSize: [number, number] = [inputShape[2], inputShape[3]];
  let outputSize: [number, number];
  let factors: [number, number] | null = null;
  if (size != null) {
    outputSize = perAxis(op, 'size', size, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  } else {
    factors = perAxis(op, 'scaleFactor', scaleFactor!, (v) => Number.isFinite(v) && v > 0, 'a positive number');
    outputSize = [Math.floor(inSize[0] * factors[0]), Math.floor(inSize[1] * factors[1])];
  }
  if (inSize[0] < 1 || inSize[1] < 1 || outputSize[0] < 1 || outputSize[1] < 1) {
    throw new Error(`${op}: input and output sizes must be positive, got input ${formatShape(inputShape)} and output ${outputSize[0]}x${outputSize[1]}`);
  }
  assertTensorSize(op, [inputShape[0], inputShape[1], ...outputSize], 'output shape');
  const corners = alignCorners ?? false;
  const scale = (axis: 0 | 1): number => {
    const [n, out] = [inSize[axis], outputSize[axis]];
    if (mode === 'nearest' && (out === n || out === 2 * n)) return n / out; // PyTorch's exact fast paths
    if (mode === 'bilinear' && corners) return out > 1 ? Math.fround((n - 1) / (out - 1)) : 0;
    return Math.fround(factors ? 1 / factors[axis] : n / out);
  };
  return { outputSize, scales: [scale(0), scale(1)], alignCorners: corners };
}

/** The gradient of 'nearest' upsample: dy scattered back to `inputShape` through the forward's taps. */
export function resizeNearestGrad(dy: Tensor, inputShape: Shape, attrs: ResizeAttrs): Tensor {
  checkGradOperands('resizeNearestGrad', dy, inputShape, attrs.outputSize);
  const gradAttrs: ResizeAttrs & ImageGradAttrs = { ...attrs, inputShape: [...inputShape] };
  return runKernel(KernelName.ResizeNearestGrad, { dy }, gradAttrs);
}

/** The gradient of 'bilinear' upsample: dy scattered back to `inputShape` with the forward's weights. */
export function resizeBilinearGrad(dy: Tensor, inputShape: Shape, attrs: ResizeAttrs): Tensor {
  checkGradOperands('resizeBilinearGrad', dy, inputShape, attrs.outputSize);
  const gradAttrs: ResizeAttrs & ImageGradAttrs = { ...attrs, inputShape: [...inputShape] };
  return runKernel(KernelName.ResizeBilinearGrad, { dy }, gradAttrs);
}

declare module '../tensor.js' {
  interface Tensor {
    upsample(options: UpsampleOptions): Tensor;
    interpolate(options: UpsampleOptions): Tensor;
  }
}

Tensor.prototype.upsample = function (this: Tensor, ...args: [options: UpsampleOptions, ...extra: never[]]) {
  return upsample(this, ...args);
};
Tensor.prototype.interpolate = function (this: Tensor, ...args: [options: UpsampleOptions, ...extra: never[]]) {
  return upsample(this, ...args);
};
