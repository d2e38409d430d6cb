/** pad, as torch.nn.functional.pad: constant (negative pads crop) or reflect. */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type PadAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape, isIntArray } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkNoExtra, parseOptions } from './options.js';
import { runKernel } from './run.js';

export type PadMode = PadAttrs['mode'];

export interface PadOptions {
  /** 'constant' (default) or 'reflect'. */
  mode?: PadMode;
  /** The fill of 'constant' padding. Default 0. */
  value?: number;
}

/**
 * Pads the last dimensions. `pads` lists (before, after) pairs from the LAST dimension
 * backwards, as F.pad: [left, right] pads the last axis, [left, right, top, bottom] the last
 * two. 'constant' fills with `value` and accepts negative pads (which crop); 'reflect'
 * mirrors without repeating the edge and needs each pad smaller than its dimension.
 */
export function pad(x: TensorLike, pads: readonly number[], options?: PadOptions, ...extra: never[]): Tensor {
  const op = 'pad';
  const keys = ['mode', 'value'] as const;
  const { mode = 'constant', value = 0 } = parseOptions(op, options, keys);
  checkNoExtra(op, extra, keys);
  const t = toTensor(x, op, 'x');
  if (!isIntArray(pads)) {
    throw new Error(`${op}: pads must be an array of integers, got ${String(pads)}`);
  }
  if (pads.length % 2 !== 0) throw new Error(`${op}: pads must hold (before, after) pairs, got ${pads.length} values ${formatShape(pads)}`);
  if (pads.length / 2 > t.rank) {
    throw new Error(`${op}: pads ${formatShape(pads)} cover ${pads.length / 2} dimensions but the input ${formatShape(t.shape)} has ${t.rank}`);
  }
  if (mode !== 'constant' && mode !== 'reflect') throw new Error(`${op}: mode must be 'constant' or 'reflect', got '${String(mode)}'`);
  if (typeof value !== 'number') throw new Error(`${op}: value must be a number, got ${String(value)}`);
  if (mode === 'reflect' && value !== 0) throw new Error(`${op}: value applies only to mode 'constant', got ${value} with 'reflect'`);
  const paddings: [number, number][] = t.shape.map(() => [0, 0]);
  for (let k = 0; k < pads.length / 2; k++) {
    const axis = t.rank - 1 - k;
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    const size = t.shape[axis];
    if (mode === 'reflect') {
      if (before < 0 || after < 0) throw new Error(`${op}: reflect padding (${before}, ${after}) of axis ${axis} must not be negative`);
      if (before >= size || after >= size) {
        throw new Error(`${op}: reflect padding (${before}, ${after}) of axis ${axis} must be less than its size ${size} (input ${formatShape(t.shape)})`);
      }
    } else if (size + before + after < 0) {
      throw new Error(`${op}: padding (${before}, ${after}) of axis ${axis} of size ${size} gives a negative size (input ${formatShape(t.shape)})`);
    }
    paddings[axis] = [before, after];
  }
  assertTensorSize(op, t.shape.map((d, axis) => d + paddings[axis][0] + paddings[axis][1]), 'padded shape');
  const attrs: PadAttrs = { paddings, mode, value };
  return runKernel(KernelName.Pad, { x: t }, attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    pad(pads: readonly number[], options?: PadOptions): Tensor;
  }
}

Tensor.prototype.pad = function (this: Tensor, pads: readonly number[], ...args: [options?: PadOptions, ...extra: never[]]) {
  return pad(this, pads, ...args);
};
