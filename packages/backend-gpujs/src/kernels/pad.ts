/** Pad: constant (negative pads crop) and reflect (mirror about the edge element, which is not repeated). */
import { KernelName, type PadAttrs } from '@nn/tensor';
import { constant, dot, lit, strides } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

const pad: GpujsKernel<PadAttrs> = ({ inputs: { x }, attrs: { paddings, mode, value }, backend }) => {
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const fillValue = x.dtype === 'bool' && value !== 0 ? 1 : value;
  return backend.compute({
    label: `Pad(${mode})`,
    shape: outShape,
    dtype: x.dtype,
    inputs: x.shape.every((d) => d > 0) ? [x] : [],
    body: (src, refs) => {
      if (refs.length === 0) return constant(fillValue);
      const coords = src.coords('i', outShape);
      const source: string[] = [];
      const inside: string[] = [];
      coords.forEach((c, axis) => {
        const size = x.shape[axis];
        let s = src.let(`${c} - ${lit(paddings[axis][0])}`);
        if (mode === 'reflect') {
          s = src.let(`${s} < 0.0 ? -${s} : ${s}`);
          s = src.let(`${s} >= ${lit(size)} ? ${lit(2 * (size - 1))} - ${s} : ${s}`);
        } else if (paddings[axis][0] > 0 || paddings[axis][1] > 0) {
          inside.push(`${s} >= 0.0 && ${s} < ${lit(size)}`);
        }
        source.push(s);
      });
      if (inside.length === 0) return src.read(refs[0], dot(source, strides(x.shape)));
      const ok = src.let(`${inside.join(' && ')} ? 1.0 : 0.0`);
      return src.readIf(refs[0], ok, dot(source, strides(x.shape)), constant(fillValue));
    },
  });
};

export const padKernels: KernelConfig[] = [{ kernelName: KernelName.Pad, kernelFunc: pad }];
