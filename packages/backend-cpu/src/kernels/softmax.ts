/**
 * Softmax and LogSoftmax along one axis, viewed as [outer, n, inner]. Each subtracts the
 * maximum before exponentiating, so large inputs do not overflow:
 *   softmax = exp(x - m) / sum(exp(x - m)),  logSoftmax = (x - m) - log(sum(exp(x - m))).
 */
import { KernelName, sizeFromShape, type AxisAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

function softmaxKernel(logOutput: boolean): CpuKernel<AxisAttrs> {
  return ({ inputs: { x }, attrs: { axis }, backend }) => {
    const values = backend.values(x.dataId);
    const rank = x.shape.length;
    const outer = rank === 0 ? 1 : sizeFromShape(x.shape.slice(0, axis));
    const n = rank === 0 ? 1 : x.shape[axis];
    const inner = rank === 0 ? 1 : sizeFromShape(x.shape.slice(axis + 1));
    const { info, values: out } = backend.allocate(x.shape, 'float32');
    if (values.length === 0) return info;
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        const start = o * n;
        const end = start + n;
        let m = -Infinity;
        for (let p = start; p < end; p++) if (values[p] > m) m = values[p];
        let sum = 0;
        if (logOutput) {
          for (let p = start; p < end; p++) sum += Math.exp(values[p] - m);
          const logSum = Math.log(sum);
          for (let p = start; p < end; p++) out[p] = values[p] - m - logSum;
        } else {
          for (let p = start; p < end; p++) {
            const e = Math.exp(values[p] - m);
            out[p] = e;
            sum += e;
          }
          const scale = 1 / sum;
          for (let p = start; p < end; p++) out[p] *= scale;
        }
      }
      return info;
    }
    // A middle axis: per-inner-position maxima and sums, reading rows sequentially.
    const max = new Float64Array(inner);
    const sum = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const start = o * n * inner;
      const end = start + n * inner;
      max.fill(-Infinity);
      sum.fill(0);
      for (let row = start; row < end; row += inner) {
        for (let i = 0; i < inner; i++) if (values[row + i] > max[i]) max[i] = values[row + i];
      }
      if (logOutput) {
        for (let row = start; row < end; row += inner) {
          for (let i = 0; i < inner; i++) sum[i] += Math.exp(values[row + i] - max[i]);
        }
        for (let i = 0; i < inner; i++) sum[i] = Math.log(sum[i]);
        for (let row = start; row < end; row += inner) {
          for (let i = 0; i < inner; i++) out[row + i] = values[row + i] - max[i] - sum[i];
        }
      } else {
        for (let row = start; row < end; row += inner) {
          for (let i = 0; i < inner; i++) {
            const e = Math.exp(values[row + i] - max[i]);
            out[row + i] = e;
            sum[i] += e;
          }
        }
        for (let i = 0; i < inner; i++) sum[i] = 1 / sum[i];
        for (let row = start; row < end; row += inner) {
          for (let i = 0; i < inner; i++) out[row + i] *= sum[i];
        }
      }
    }
    return info;
  };
}

export const softmaxKernels: KernelConfig[] = [
  { kernelName: KernelName.Softmax, kernelFunc: softmaxKernel(false) },
  { kernelName: KernelName.LogSoftmax, kernelFunc: softmaxKernel(true) },
];
