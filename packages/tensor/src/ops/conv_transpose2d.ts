/**
 * convTranspose2d: PyTorch's F.conv_transpose2d, weight [inChannels, outChannels / groups, kH, kW].
 * A transposed convolution is the gradient of conv2d with respect to its input, so it runs
 * the Conv2DBackpropInput kernel: x plays dy and the result plays the conv2d input, whose
 * shape (PyTorch's output formula, with outputPadding) goes in as `inputShape`.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type Conv2DBackpropInputAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { addChannelBias, unbatched } from './conv2d.js';
import { checkBias, checkConvOperands, convTransposeOutputSize, parseGroups, parsePair, type IntPair } from './conv_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { runKernel } from './run.js';

export interface ConvTranspose2DOptions {
  stride?: IntPair;
  /** Zero-padding removed from each side of the output: dilation*(k-1) - padding is what the input gets. */
  padding?: IntPair;
  /** Extra rows/columns on the bottom/right of the output; must be smaller than stride or dilation. */
  outputPadding?: IntPair;
  groups?: number;
  dilation?: IntPair;
}

/**
 * x [N, inChannels, H, W] (or unbatched [inChannels, H, W]) → [N, outChannels, outH, outW] with
 * outH = (H - 1)*stride - 2*padding + dilation*(kH - 1) + outputPadding + 1.
 */
export function convTranspose2d(x: TensorLike, weight: TensorLike, bias?: TensorLike | null, options?: ConvTranspose2DOptions, ...extra: never[]): Tensor {
  const op = 'convTranspose2d';
  // PyTorch's positional order: stride, padding, output_padding, groups, dilation.
  const keys = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;
  const opts = parseOptions(op, options, keys);
  checkNoExtra(op, extra, keys);
  const input = toTensor(x, op, 'input');
  const w = toTensor(weight, op, 'weight');
  const b = bias === undefined || bias === null ? null : toTensor(bias, op, 'bias');
  const attrs = convTranspose2dAttrs(op, input, w, opts);
  if (b !== null) checkBias(op, b, attrs.inputShape[1], w.shape);
  const run = (dy: Tensor): Tensor => {
    const y = runKernel(KernelName.Conv2DBackpropInput, { dy, weight: w }, attrs);
    return b === null ? y : addChannelBias(y, b);
  };
  return input.rank === 3 ? unbatched(input, run) : run(input);
}

/** Checks the arguments; the kernel attributes, with inputShape the (batched) output shape. */
export function convTranspose2dAttrs(op: string, x: Tensor, w: Tensor, options: ConvTranspose2DOptions): Conv2DBackpropInputAttrs {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(`${op}: input must be 4-D [N, C, H, W] or 3-D [C, H, W], got shape ${formatShape(x.shape)}`);
  }
  checkConvOperands(op, x, w, 4, '[inChannels, outChannels/groups, kH, kW]');
  const shapes = `input ${formatShape(x.shape)}, weight ${formatShape(w.shape)}`;
  const groups = parseGroups(op, options.groups ?? 1);
  const [inChannels, inH, inW] = x.shape.slice(-3);
  const [weightInChannels, groupOutChannels, kH, kW] = w.shape;
  if (kH === 0 || kW === 0) throw new Error(`${op}: weight has an empty kernel: ${shapes}`);
  if (inChannels !== weightInChannels) {
    throw new Error(`${op}: input has ${inChannels} channels but weight expects ${weightInChannels}: ${shapes}`);
  }
  if (inChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} does not divide the ${inChannels} input channels: ${shapes}`);
  }
  const stride = parsePair(op, 'stride', options.stride ?? 1, 1);
  const padding = parsePair(op, 'padding', options.padding ?? 0, 0);
  const outputPadding = parsePair(op, 'outputPadding', options.outputPadding ?? 0, 0);
  const dilation = parsePair(op, 'dilation', options.dilation ?? 1, 1);
  for (let axis = 0; axis < 2; axis++) {
    if (outputPadding[axis] >= stride[axis] && outputPadding[axis] >= dilation[axis]) {
      throw new Error(
        `${op}: outputPadding must be smaller than either stride or dilation, got outputPadding [${outputPadding.join(',')}], ` +
          `stride [${stride.join(',')}], dilation [${dilation.join(',')}]`,
      );
    }
  }
  const outH = convTransposeOutputSize(inH, kH, stride[0], padding[0], dilation[0], outputPadding[0]);
  const outW = convTransposeOutputSize(inW, kW, stride[1], padding[1], dilation[1], outputPadding[1]);
  if (outH < 1 || outW < 1) {
    throw new Error(`${op}: padding [${padding.join(',')}] leaves an output of ${outH}x${outW}, which is empty: ${shapes}`);
  }
  const batch = x.rank === 4 ? x.shape[0] : 1;
  assertTensorSize(op, [batch, groupOutChannels * groups, outH, outW], 'output shape');
  return {
    stride,
    padding: [padding[0], padding[0], padding[1], padding[1]],
    dilation,
    groups,
    inputShape: [batch, groupOutChannels * groups, outH, outW],
  };
}

declare module '../tensor.js' {
  interface Tensor {
    convTranspose2d(weight: TensorLike, bias?: TensorLike | null, options?: ConvTranspose2DOptions): Tensor;
  }
}

Tensor.prototype.convTranspose2d = function (this: Tensor, weight: TensorLike, ...args: [bias?: TensorLike | null, options?: ConvTranspose2DOptions, ...extra: never[]]) {
  return convTranspose2d(this, weight, ...args);
};
