/** BroadcastTo: a strided copy that reads broadcast axes with stride 0. */
import { KernelName, stridesOf, type BroadcastToAttrs } from '@nn/tensor';
import { gatherStrided } from './strided.js';
import type { CpuKernel, KernelConfig } from './types.js';

const broadcastToKernel: CpuKernel<BroadcastToAttrs> = ({ inputs: { x }, attrs: { shape }, backend }) => {
  const { info, values } = backend.allocate(shape, x.dtype);
  const lead = shape.length - x.shape.length;
  const inStrides = stridesOf(x.shape);
  const strides = shape.map((d, i) => (i < lead || x.shape[i - lead] !== d ? 0 : inStrides[i - lead]));
  gatherStrided(backend.values(x.dataId), { shape, strides, offset: 0 }, values);
  return info;
};

export const broadcastToKernels: KernelConfig[] = [{ kernelName: KernelName.BroadcastTo, kernelFunc: broadcastToKernel }];
