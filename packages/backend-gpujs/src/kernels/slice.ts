/** Slice reads a strided view of its input; SliceGrad writes dy into that view of zeros (as a gather). */
import { KernelName, sizeFromShape, type SliceAttrs, type SliceGradAttrs } from '@nn/tensor';
import { dot, lit, strides } from '../codegen.js';
import { stridedCopy } from './transpose.js';
import type { GpujsKernel, KernelConfig } from './types.js';

function sliceShape({ begin, end, step }: SliceAttrs): number[] {
  return begin.map((b, i) => (end[i] > b ? Math.ceil((end[i] - b) / step[i]) : 0));
}

const slice: GpujsKernel<SliceAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const shape = sliceShape(attrs);
  const inStrides = strides(x.shape);
  const offset = attrs.begin.reduce((total, b, i) => total + b * inStrides[i], 0);
  const whole = sizeFromShape(shape) === sizeFromShape(x.shape) && offset === 0 && attrs.step.every((s, i) => s === 1 || x.shape[i] === 1);
  if (whole) return { dataId: x.dataId, shape, dtype: x.dtype };
  return stridedCopy(backend, 'Slice', x, shape, inStrides.map((s, i) => s * attrs.step[i]), offset);
};

/** dx[c] = dy[(c - begin) / step] where c lies on the slice's grid, else 0. */
const sliceGrad: GpujsKernel<SliceGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const { inputShape, begin, step } = attrs;
  const dyShape = sliceShape(attrs);
  return backend.compute({
    label: 'SliceGrad',
    shape: inputShape,
    dtype: dy.dtype,
    inputs: [dy],
    body: (src, [ref]) => {
      if (sizeFromShape(dyShape) === 0) return '0.0';
      const coords = src.coords('i', inputShape);
      const inside: string[] = [];
      const source: string[] = [];
      coords.forEach((c, axis) => {
        if (inputShape[axis] === 1) {
          source.push('0.0');
          return;
        }
        const rel = src.let(`${c} - ${lit(begin[axis])}`);
        const q = step[axis] === 1 ? rel : src.let(`Math.floor(${rel} / ${lit(step[axis])} + 0.5)`);
        inside.push(`${rel} >= 0.0 && ${q} < ${lit(dyShape[axis])}`);
        if (step[axis] !== 1) inside.push(`${q} * ${lit(step[axis])} == ${rel}`);
        source.push(q);
      });
      const ok = src.let(inside.length === 0 ? '1.0' : `${inside.join(' && ')} ? 1.0 : 0.0`);
      return src.readIf(ref, ok, dot(source, strides(dyShape)));
    },
  });
};

export const sliceKernels: KernelConfig[] = [
  { kernelName: KernelName.Slice, kernelFunc: slice },
  { kernelName: KernelName.SliceGrad, kernelFunc: sliceGrad },
];
