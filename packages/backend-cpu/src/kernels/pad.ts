/**
 * Pad (constant, with negative pads cropping, and reflect). Each axis gets a map from output
 * position to input position (-1: the constant); rows of the output whose outer positions
 * all map inside the input copy through the last axis' map, the others keep the constant.
 */
import { KernelName, stridesOf, type PadAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

/** For each output position along an axis of `size` padded by (before, after), the input position or -1. */
function sourceMap(size: number, before: number, after: number, mode: PadAttrs['mode']): Int32Array {
  const map = new Int32Array(size + before + after);
  for (let o = 0; o < map.length; o++) {
    let i = o - before;
    if (mode === 'reflect') {
      // Mirror about the edge element, which is not repeated (pads < size, so one bounce suffices).
      if (i < 0) i = -i;
      else if (i >= size) i = 2 * (size - 1) - i;
    } else if (i < 0 || i >= size) {
      i = -1;
    }
    map[o] = i;
  }
  return map;
}

const padKernel: CpuKernel<PadAttrs> = ({ inputs: { x }, attrs: { paddings, mode, value }, backend }) => {
  const rank = x.shape.length;
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const { info, values: out } = backend.allocate(outShape, x.dtype);
  if (value !== 0) out.fill(x.dtype === 'bool' ? 1 : value);
  if (out.length === 0) return info;
  const src = backend.values(x.dataId);
  if (rank === 0) {
    out[0] = src[0];
    return info;
  }
  const inStrides = stridesOf(x.shape);
  const maps = x.shape.map((d, i) => sourceMap(d, paddings[i][0], paddings[i][1], mode));
  const lastMap = maps[rank - 1];
  const inner = outShape[rank - 1];
  const outer = out.length / inner;
  const index = new Array<number>(rank).fill(0);
  for (let n = 0, o = 0; n < outer; n++, o += inner) {
    // The input row this output row reads, or -1 when an outer axis lies in the padding.
    let base = 0;
    for (let axis = 0; axis < rank - 1; axis++) {
      const i = maps[axis][index[axis]];
      if (i < 0) {
        base = -1;
        break;
      }
      base += i * inStrides[axis];
    }
    if (base >= 0) {
      for (let j = 0; j < inner; j++) {
        const i = lastMap[j];
        if (i >= 0) out[o + j] = src[base + i];
      }
    }
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < outShape[axis]) break;
      index[axis] = 0;
    }
  }
  return info;
};

export const padKernels: KernelConfig[] = [{ kernelName: KernelName.Pad, kernelFunc: padKernel }];
