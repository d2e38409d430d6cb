/**
 * Fused optimizer steps (SgdUpdate, AdamUpdate), as backend-cpu's optimizer_update.ts: one
 * pass per output (the new parameter and each state tensor) instead of one per op of the
 * composition. Each pass recomputes the few intermediates it needs. Float32 rounding here is
 * the device's (a GL compiler may contract a·b + c), so results agree with the composition
 * to float32 rounding, not bit for bit. Comparisons spell out NaN as relu_grad.ts does.
 */
import { KernelName, type AdamUpdateAttrs, type SgdUpdateAttrs, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit, type KernelSource, type TensorRef } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

/** One elementwise pass over `inputs` (all the parameter's shape), its value given by `body`. */
function pass(backend: GpujsBackend, label: string, like: TensorInfo, inputs: TensorInfo[], body: (src: KernelSource, read: (k: number) => string) => string): TensorInfo {
  return backend.compute({
    label,
    shape: like.shape,
    dtype: 'float32',
    inputs,
    body: (src, refs: TensorRef[]) => body(src, (k) => src.let(src.readSame(refs[k]))),
  });
}

const sgdUpdate: GpujsKernel<SgdUpdateAttrs> = ({ inputs: { param, grad, momentumBuffer }, attrs, backend }) => {
  const { maximize, nesterov, firstStep, momentum } = attrs;
  // g: the gradient with weight decay, from reads of param (0) and grad (1).
  const gradient = (src: KernelSource, read: (k: number) => string): string => {
    let g = src.let(maximize ? `-${read(1)}` : read(1));
    if (attrs.weightDecay !== 0) g = src.let(`${g} + ${read(0)} * ${lit(attrs.weightDecay)}`);
    return g;
  };
  const withBuffer = momentum !== 0 && !firstStep;
  const inputs = withBuffer ? [param, grad, momentumBuffer] : [param, grad];
  // b: the new momentum buffer.
  const buffer = (src: KernelSource, read: (k: number) => string, g: string): string =>
    firstStep ? g : src.let(`${read(2)} * ${lit(momentum)} + ${g} * ${lit(1 - attrs.dampening)}`);
  const next = pass(backend, 'SgdUpdate', param, inputs, (src, read) => {
    let g = gradient(src, read);
    if (momentum !== 0) {
      const b = buffer(src, read, g);
      g = nesterov ? src.let(`${g} + ${b} * ${lit(momentum)}`) : b;
    }
    return `${read(0)} - ${g} * ${lit(attrs.lr)}`;
  });
  if (momentum === 0) return [next];
  return [next, pass(backend, 'SgdUpdateBuffer', param, inputs, (src, read) => buffer(src, read, gradient(src, read)))];
};

const adamUpdate: GpujsKernel<AdamUpdateAttrs> = ({ inputs: { param, grad, expAvg, expAvgSq, maxExpAvgSq }, attrs, backend }) => {
  const { amsgrad, maximize, decoupledWeightDecay } = attrs;
  const inputs = amsgrad ? [param, grad, expAvg, expAvgSq, maxExpAvgSq] : [param, grad, expAvg, expAvgSq];
  const gradient = (src: KernelSource, read: (k: number) => string): string => {
    const g = src.let(maximize ? `-${read(1)}` : read(1));
    return attrs.weightDecay !== 0 && !decoupledWeightDecay ? src.let(`${g} + ${read(0)} * ${lit(attrs.weightDecay)}`) : g;
  };
  const avg = (src: KernelSource, read: (k: number) => string, g: string): string => src.let(`${read(2)} + (${g} - ${read(2)}) * ${lit(1 - attrs.beta1)}`);
  const avgSq = (src: KernelSource, read: (k: number) => string, g: string): string =>
    src.let(`${read(3)} * ${lit(attrs.beta2)} + (${g} * ${g}) * ${lit(1 - attrs.beta2)}`);
  const maxSq = (src: KernelSource, read: (k: number) => string, v: string): string => {
    const old = read(4);
    return src.let(`${old} > ${v} || ${old} != ${old} ? ${old} : ${v}`);
  };
  const outs = [
    pass(backend, 'AdamUpdate', param, inputs, (src, read) => {
      const g = gradient(src, read);
      const m = avg(src, read, g);
      const v = avgSq(src, read, g);
      const second = amsgrad ? maxSq(src, read, v) : v;
      const p = attrs.weightDecay !== 0 && decoupledWeightDecay ? `${read(0)} * ${lit(attrs.decayFactor)}` : read(0);
      const denom = src.let(`Math.sqrt(${second}) / ${lit(attrs.biasCorrection2Sqrt)} + ${lit(attrs.eps)}`);
      return `${p} - (${m} / ${denom}) * ${lit(attrs.stepSize)}`;
    }),
    pass(backend, 'AdamUpdateAvg', param, inputs, (src, read) => avg(src, read, gradient(src, read))),
    pass(backend, 'AdamUpdateAvgSq', param, inputs, (src, read) => avgSq(src, read, gradient(src, read))),
  ];
  if (amsgrad) outs.push(pass(backend, 'AdamUpdateMaxSq', param, inputs, (src, read) => maxSq(src, read, avgSq(src, read, gradient(src, read)))));
  return outs;
};

export const optimizerUpdateKernels: KernelConfig[] = [
  { kernelName: KernelName.SgdUpdate, kernelFunc: sgdUpdate },
  { kernelName: KernelName.AdamUpdate, kernelFunc: adamUpdate },
];
