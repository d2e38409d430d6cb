/**
 * convTranspose1d: PyTorch's F.conv_transpose1d on [N, C_in, L] (or unbatched [C_in, L]) with
 * weight [C_in, C_out / groups, k], run as a convTranspose2d of height 1 (views only), so every
 * backend's Conv2DBackpropInput kernel and its gradients serve it.
 * L_out = (L - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { addChannelBias } from './conv2d.js';
import { single, type IntOrSingle } from './conv1d.js';
import { convTranspose2dAttrs } from './conv_transpose2d.js';
import { checkBias } from './conv_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

export interface ConvTranspose1DOptions {
  stride?: IntOrSingle;
  /** Removed from both ends of the output. Default 0. */
  padding?: IntOrSingle;
  /** Extra columns at the END of the output; smaller than stride or dilation. Default 0. */
  outputPadding?: IntOrSingle;
  groups?: number;
  dilation?: IntOrSingle;
}

// PyTorch's positional order: stride, padding, output_padding, groups, dilation.
const KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

export function convTranspose1d(x: TensorLike, weight: TensorLike, bias?: TensorLike | null, options?: ConvTranspose1DOptions, ...extra: never[]): Tensor {
  const op = 'convTranspose1d';
  const opts = parseOptions(op, options, KEYS);
  checkNoExtra(op, extra, KEYS);
  const input = toTensor(x, op, 'input');
  const w = toTensor(weight, op, 'weight');
  const b = bias === undefined || bias === null ? null : toTensor(bias, op, 'bias');
  if (input.rank !== 2 && input.rank !== 3) {
    throw new Error(`${op}: input must be 3-D [N, C, L] or 2-D [C, L], got shape ${formatShape(input.shape)}`);
  }
  if (w.rank !== 3) throw new Error(`${op}: weight must be 3-D [inChannels, outChannels/groups, kernelSize], got shape ${formatShape(w.shape)}`);
  const [channels, length] = input.shape.slice(-2);
  const batch = input.rank === 3 ? input.shape[0] : 1;
  const x4 = reshape(input, [batch, channels, 1, length]);
  const w4 = reshape(w, [w.shape[0], w.shape[1], 1, w.shape[2]]);
  const attrs = convTranspose2dAttrs(op, x4, w4, {
    stride: [1, single(op, 'stride', opts.stride ?? 1)],
    padding: [0, single(op, 'padding', opts.padding ?? 0)],
    outputPadding: [0, single(op, 'outputPadding', opts.outputPadding ?? 0)],
    dilation: [1, single(op, 'dilation', opts.dilation ?? 1)],
    groups: opts.groups ?? 1,
  });
  const outChannels = attrs.inputShape[1];
  if (b !== null) checkBias(op, b, outChannels, w.shape);
  let y = runKernel(KernelName.Conv2DBackpropInput, { dy: x4, weight: w4 }, attrs);
  if (b !== null) y = addChannelBias(y, b);
  const outLength = y.shape[3];
  const out = reshape(y, input.rank === 3 ? [batch, outChannels, outLength] : [outChannels, outLength]);
  for (const view of [x4, w4, y]) view.dispose();
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    convTranspose1d(weight: TensorLike, bias?: TensorLike | null, options?: ConvTranspose1DOptions): Tensor;
  }
}

Tensor.prototype.convTranspose1d = function (this: Tensor, weight: TensorLike, ...args: [bias?: TensorLike | null, options?: ConvTranspose1DOptions, ...extra: never[]]) {
  return convTranspose1d(this, weight, ...args);
};
