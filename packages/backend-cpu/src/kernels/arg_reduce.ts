/**
 * ArgMax/ArgMin along one axis: int32 positions, the first on ties, the first NaN if any
 * (PyTorch's convention). ArgMin scans the negated values with ArgMax's loop.
 */
import { KernelName, reducedShape, sizeFromShape, type ArgReduceAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

function argReduceKernel(sign: 1 | -1): CpuKernel<ArgReduceAttrs> {
  return ({ inputs: { x }, attrs: { axis, keepDim }, backend }) => {
    const values = backend.values(x.dataId);
    const rank = x.shape.length;
    const outer = rank === 0 ? 1 : sizeFromShape(x.shape.slice(0, axis));
    const n = rank === 0 ? 1 : x.shape[axis];
    const inner = rank === 0 ? 1 : sizeFromShape(x.shape.slice(axis + 1));
    const { info, values: out } = backend.allocate(rank === 0 ? [] : reducedShape(x.shape, [axis], keepDim), 'int32');
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        const start = o * n;
        let best = sign * values[start];
        let at = 0;
        for (let r = 1; r < n && best === best; r++) {
          const v = sign * values[start + r];
          if (v > best || v !== v) {
            best = v;
            at = r;
          }
        }
        out[o] = at;
      }
      return info;
    }
    // A middle axis: keep a running best per inner position and read rows sequentially.
    const best = new Float64Array(inner);
    const at = new Int32Array(inner);
    for (let o = 0; o < outer; o++) {
      const start = o * n * inner;
      for (let i = 0; i < inner; i++) best[i] = sign * values[start + i];
      at.fill(0);
      for (let r = 1; r < n; r++) {
        const row = start + r * inner;
        for (let i = 0; i < inner; i++) {
          const v = sign * values[row + i];
          const b = best[i];
          if (v > b || (v !== v && b === b)) {
            best[i] = v;
            at[i] = r;
          }
        }
      }
      out.set(at, o * inner);
    }
    return info;
  };
}

export const argReduceKernels: KernelConfig[] = [
  { kernelName: KernelName.ArgMax, kernelFunc: argReduceKernel(1) },
  { kernelName: KernelName.ArgMin, kernelFunc: argReduceKernel(-1) },
];
