/**
 * Softmax and LogSoftmax along one axis, viewed as [outer, n, inner], in three passes: the
 * maximum m, then s = Σ exp(x - m), then exp(x - m) / s or (x - m) - log(s). Subtracting
 * the maximum keeps large inputs from overflowing.
 */
import { KernelName, sizeFromShape, type AxisAttrs } from '@nn/tensor';
import { lit } from '../codegen.js';
import { reduceView } from './reduce.js';
import type { GpujsKernel, KernelConfig } from './types.js';

function softmaxKernel(logOutput: boolean): GpujsKernel<AxisAttrs> {
  return ({ inputs: { x }, attrs: { axis }, backend }) => {
    const rank = x.shape.length;
    const outer = rank === 0 ? 1 : sizeFromShape(x.shape.slice(0, axis));
    const n = rank === 0 ? 1 : x.shape[axis];
    const inner = rank === 0 ? 1 : sizeFromShape(x.shape.slice(axis + 1));
    const label = logOutput ? 'LogSoftmax' : 'Softmax';
    if (sizeFromShape(x.shape) === 0) return backend.compute({ label, shape: x.shape, dtype: 'float32', inputs: [], body: () => '0.0' });
    const max = reduceView(backend, 'max', x, outer, n, inner, [outer, inner]);
    // exp(x - m) laid out as x, then summed over the axis.
    const shifted = backend.compute({
      label: `${label} exp`,
      shape: x.shape,
      dtype: 'float32',
      inputs: [x, max],
      body: (src, [rx, rm]) => {
        const [o, , j] = src.coords('i', [outer, n, inner]);
        const m = src.read(rm, inner === 1 ? o : `${o} * ${lit(inner)} + ${j}`);
        return `Math.exp(${src.readSame(rx)} - ${m})`;
      },
    });
    const sum = reduceView(backend, 'sum', shifted, outer, n, inner, [outer, inner]);
    const out = backend.compute({
      label,
      shape: x.shape,
      dtype: 'float32',
      inputs: logOutput ? [x, max, sum] : [shifted, sum],
      body: (src, refs) => {
        const [o, , j] = src.coords('i', [outer, n, inner]);
        const at = inner === 1 ? o : `${o} * ${lit(inner)} + ${j}`;
        if (!logOutput) return `${src.readSame(refs[0])} / ${src.read(refs[1], at)}`;
        return `${src.readSame(refs[0])} - ${src.read(refs[1], at)} - Math.log(${src.read(refs[2], at)})`;
      },
    });
    for (const t of [max, shifted, sum]) backend.release(t);
    return out;
  };
}

export const softmaxKernels: KernelConfig[] = [
  { kernelName: KernelName.Softmax, kernelFunc: softmaxKernel(false) },
  { kernelName: KernelName.LogSoftmax, kernelFunc: softmaxKernel(true) },
];
