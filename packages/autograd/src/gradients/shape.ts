/**
 * Shape and indexing: each gradient is the adjoint data movement. Reshape and transpose
 * undo themselves, a broadcast sums, a slice or pad puts dy back (reflect pads add the
 * mirrored borders onto the elements they copied), a gather scatter-adds.
 */
import {
  gather,
  gatherGrad,
  indexAdd,
  indexSelect,
  KernelName,
  narrow,
  pad,
  permute,
  reshape,
  slice,
  sliceGrad,
  tensor,
  type AxisAttrs,
  type IndexAddAttrs,
  type PadAttrs,
  type ScatterAddAttrs,
  type SliceAttrs,
  type Tensor,
  type TransposeAttrs,
} from '@nn/tensor';
import { gradient, type GradientTable } from './types.js';
import { sumToShape } from './util.js';

/** Positions of `size` elements padded by (before, after) in reflect mode: which input element each output element copies. */
function reflectSources(size: number, before: number, after: number): Tensor {
  const sources = new Int32Array(before + size + after);
  for (let j = 0; j < sources.length; j++) {
    const i = j - before;
    sources[j] = i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
  }
  return tensor(sources);
}

export const shapeGradients: GradientTable = {
  [KernelName.Reshape]: { grad: (dy, { inputShape }) => ({ x: reshape(dy, inputShape('x')) }) },
  [KernelName.Transpose]: gradient<TransposeAttrs>({
    grad: (dy, { attrs }) => {
      const inverse = new Array<number>(attrs.perm.length);
      attrs.perm.forEach((axis, i) => (inverse[axis] = i));
      return { x: permute(dy, inverse) };
    },
  }),
  [KernelName.BroadcastTo]: { grad: (dy, { inputShape }) => ({ x: sumToShape(dy, inputShape('x')) }) },
  [KernelName.Slice]: gradient<SliceAttrs>({ grad: (dy, { inputShape, attrs }) => ({ x: sliceGrad(dy, inputShape('x'), attrs) }) }),
  // SliceGrad is linear in dy; its adjoint is the slice itself.
  [KernelName.SliceGrad]: gradient<SliceAttrs>({ grad: (dy, { attrs }) => ({ dy: slice(dy, attrs.begin, attrs.end, attrs.step) }) }),
  [KernelName.Concat]: gradient<AxisAttrs>({
    grad: (dy, { inputNames, inputShape, needs, attrs }) => {
      const grads: Record<string, Tensor | undefined> = {};
      let start = 0;
      for (const name of inputNames) {
        const length = inputShape(name)[attrs.axis];
        if (needs(name)) grads[name] = narrow(dy, attrs.axis, start, length);
        start += length;
      }
      return grads;
    },
  }),
  [KernelName.Pad]: gradient<PadAttrs>({
    grad: (dy, { inputShape, attrs }) => {
      const shape = inputShape('x');
      if (attrs.mode === 'constant') {
        // Padding by the negated amounts crops what was added and restores what was cropped (as zeros).
        const pads = [...attrs.paddings].reverse().flatMap(([before, after]) => [-before, -after]);
        return { x: pad(dy, pads, { mode: 'constant', value: 0 }) };
      }
      let g = dy;
      attrs.paddings.forEach(([before, after], axis) => {
        if (before === 0 && after === 0) return;
        g = indexAdd(g, reflectSources(shape[axis], before, after), axis, shape[axis]);
      });
      return { x: g };
    },
  }),
  [KernelName.Gather]: gradient<AxisAttrs>({
    saveInputs: ['indices'],
    grad: (dy, { input, inputShape, attrs }) => ({ x: indexAdd(dy, input('indices'), attrs.axis, inputShape('x')[attrs.axis]) }),
  }),
  [KernelName.IndexAdd]: gradient<IndexAddAttrs>({
    saveInputs: ['indices'],
    grad: (dy, { input, attrs }) => ({ dy: indexSelect(dy, attrs.axis, input('indices')) }),
  }),
  [KernelName.GatherElements]: gradient<AxisAttrs>({
    saveInputs: ['indices'],
    grad: (dy, { input, inputShape, attrs }) => ({ x: gatherGrad(dy, attrs.axis, input('indices'), inputShape('x')) }),
  }),
  [KernelName.ScatterAdd]: gradient<ScatterAddAttrs>({
    saveInputs: ['indices'],
    grad: (dy, { input, attrs }) => ({ dy: gather(dy, attrs.axis, input('indices')) }),
  }),
};
