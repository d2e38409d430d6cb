/**
 * conv1d: PyTorch's F.conv1d on [N, C, L] input with weight [outChannels, inChannels / groups, k],
 * run as a conv2d of height 1 (views only; every backend's Conv2D kernel serves it).
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { addChannelBias, convAttrsOfShapes } from './conv2d.js';
import { checkBias, checkConvOperands } from './conv_util.js';
import { checkNoExtra, parseOptions } from './options.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';

export type IntOrSingle = number | readonly [number] | readonly number[];

export interface Conv1DOptions {
  stride?: IntOrSingle;
  /** An int, 'valid' or 'same' (stride 1 only). Default 0. */
  padding?: IntOrSingle | 'valid' | 'same';
  dilation?: IntOrSingle;
  groups?: number;
}

const CONV1D_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

export function conv1d(x: TensorLike, weight: TensorLike, bias?: TensorLike | null, opts?: Conv1DOptions, ...extra: never[]): Tensor {
  const op = 'conv1d';
  const options = parseOptions(op, opts, CONV1D_KEYS);
  checkNoExtra(op, extra, CONV1D_KEYS);
  const input = toTensor(x, op, 'input');
  const w = toTensor(weight, op, 'weight');
  const b = bias === undefined || bias === null ? null : toTensor(bias, op, 'bias');
  if (input.rank !== 2 && input.rank !== 3) {
    throw new Error(`${op}: input must be 3-D [N, C, L] or 2-D [C, L], got shape ${formatShape(input.shape)}`);
  }
  checkConvOperands(op, input, w, 3, '[outChannels, inChannels/groups, kernelSize]');
  const shapes = `input ${formatShape(input.shape)}, weight ${formatShape(w.shape)}`;
  const [channels, length] = input.shape.slice(-2);
  const [outChannels, groupChannels, kernelSize] = w.shape;
  const padding = options.padding ?? 0;
  const attrs = convAttrsOfShapes(
    op,
    [channels, 1, length],
    [outChannels, groupChannels, 1, kernelSize],
    {
      stride: [1, single(op, 'stride', options.stride ?? 1)],
      padding: typeof padding === 'string' ? padding : [0, single(op, 'padding', padding)],
      dilation: [1, single(op, 'dilation', options.dilation ?? 1)],
      groups: options.groups ?? 1,
    },
    shapes,
  );
  if (b !== null) checkBias(op, b, outChannels, w.shape);
  const batch = input.rank === 3 ? input.shape[0] : 1;
  const x4 = reshape(input, [batch, channels, 1, length]);
  const w4 = reshape(w, [outChannels, groupChannels, 1, kernelSize]);
  let y = runKernel(KernelName.Conv2D, { x: x4, weight: w4 }, attrs);
  if (b !== null) y = addChannelBias(y, b);
  const outLength = y.shape[3];
  const out = reshape(y, input.rank === 3 ? [batch, outChannels, outLength] : [outChannels, outLength]);
  for (const view of [x4, w4, y]) view.dispose();
  return out;
}

/** A 1-D attribute given as n or [n]; range checks happen in the conv2d checks. */
export function single(op: string, name: string, value: IntOrSingle): number {
  if (typeof value === 'number') return value;
  const list: unknown = value;
  if (Array.isArray(list) && list.length === 1) return value[0];
  const shown = Array.isArray(list) ? `[${value.map(String).join(',')}]` : String(value);
  throw new Error(`${op}: ${name} must be an integer or a list of one integer, got ${shown}`);
}

declare module '../tensor.js' {
  interface Tensor {
    conv1d(weight: TensorLike, bias?: TensorLike | null, options?: Conv1DOptions): Tensor;
  }
}

Tensor.prototype.conv1d = function (this: Tensor, weight: TensorLike, ...args: [bias?: TensorLike | null, options?: Conv1DOptions, ...extra: never[]]) {
  return conv1d(this, weight, ...args);
};
