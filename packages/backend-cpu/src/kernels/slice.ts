/** Slice reads a strided view of its input; SliceGrad writes dy into that view of zeros. */
import { KernelName, stridesOf, type Shape, type SliceAttrs, type SliceGradAttrs } from '@nn/tensor';
import { gatherStrided, isContiguous, scatterStrided, simplifyView, type StridedView } from './strided.js';
import type { CpuKernel, KernelConfig } from './types.js';

/** The slice of an array of `shape` as an offset and per-axis strides (begin/end/step already resolved). */
export function sliceView(shape: Shape, { begin, end, step }: SliceAttrs): StridedView {
  const inStrides = stridesOf(shape);
  let offset = 0;
  for (let i = 0; i < shape.length; i++) offset += begin[i] * inStrides[i];
  return {
    shape: shape.map((_, i) => (end[i] > begin[i] ? Math.ceil((end[i] - begin[i]) / step[i]) : 0)),
    strides: inStrides.map((s, i) => s * step[i]),
    offset,
  };
}

const sliceKernel: CpuKernel<SliceAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const view = sliceView(x.shape, attrs);
  const size = view.shape.reduce((a, b) => a * b, 1);
  // The whole input, in order: share its buffer.
  if (size === x.shape.reduce((a, b) => a * b, 1) && view.offset === 0 && isContiguous(simplifyView(view.shape, view.strides))) {
    return { dataId: x.dataId, shape: view.shape, dtype: x.dtype };
  }
  const { info, values } = backend.allocate(view.shape, x.dtype);
  gatherStrided(backend.values(x.dataId), view, values);
  return info;
};

const sliceGradKernel: CpuKernel<SliceGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const { info, values } = backend.allocate(attrs.inputShape, dy.dtype);
  scatterStrided(backend.values(dy.dataId), values, sliceView(attrs.inputShape, attrs));
  return info;
};

export const sliceKernels: KernelConfig[] = [
  { kernelName: KernelName.Slice, kernelFunc: sliceKernel },
  { kernelName: KernelName.SliceGrad, kernelFunc: sliceGradKernel },
];
