/** where(condition, a, b) with three-way broadcasting, walked in runs as the binary kernels. */
import { broadcastShapes, KernelName, type TypedArray } from '@nn/tensor';
import { broadcastPlan, nextRun } from './broadcast.js';
import type { CpuKernel, KernelConfig } from './types.js';

const whereKernel: CpuKernel = ({ inputs: { condition, a, b }, backend }) => {
  const outShape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  const { info, values: out } = backend.allocate(outShape, a.dtype);
  const size = out.length;
  if (size === 0) return info;
  const cv = backend.values<Uint8Array>(condition.dataId);
  const av = backend.values<TypedArray>(a.dataId);
  const bv = backend.values<TypedArray>(b.dataId);
  if (cv.length === size && av.length === size && bv.length === size) {
    for (let i = 0; i < size; i++) out[i] = cv[i] !== 0 ? av[i] : bv[i];
    return info;
  }
  const plan = broadcastPlan([condition.shape, a.shape, b.shape], outShape);
  const [sc, sa, sb] = plan.innerStrides;
  const index = new Int32Array(plan.outerShape.length);
  const offsets = new Int32Array(3);
  for (let o = 0; o < size; ) {
    let ic = offsets[0];
    let ia = offsets[1];
    let ib = offsets[2];
    for (const end = o + plan.inner; o < end; o++, ic += sc, ia += sa, ib += sb) out[o] = cv[ic] !== 0 ? av[ia] : bv[ib];
    nextRun(plan, index, offsets);
  }
  return info;
};

export const whereKernels: KernelConfig[] = [{ kernelName: KernelName.Where, kernelFunc: whereKernel }];
