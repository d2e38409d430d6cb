/**
 * Local response normalisation across channels, PyTorch's F.local_response_norm:
 *
 *   y_c = x_c / D_c^beta,   D_c = k + alpha/size * sum_{c' = c - size//2}^{c + (size-1)//2} x_c'^2
 *
 * (channels outside [0, C) count as 0; the divisor is always `size`). Input is viewed as
 * [N, C, inner] with inner = the product of the axes after the channels.
 */
import { KernelName, type LRNAttrs, type Shape } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

function lrnView(shape: Shape): [number, number, number] {
  let inner = 1;
  for (let i = 2; i < shape.length; i++) inner *= shape[i];
  return [shape[0], shape[1], inner];
}

/**
 * D for every element of `x` (same layout), summing the channel window row by row so the
 * inner loop runs over contiguous memory.
 */
function denominators(x: Float32Array, n: number, c: number, inner: number, attrs: LRNAttrs): Float64Array {
  const { size, alpha, k } = attrs;
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const scale = alpha / size;
  const d = new Float64Array(x.length);
  for (let b = 0; b < n; b++) {
    const batch = b * c * inner;
    for (let ch = 0; ch < c; ch++) {
      const row = batch + ch * inner;
      const lo = Math.max(0, ch - before);
      const hi = Math.min(c - 1, ch + after);
      for (let src = lo; src <= hi; src++) {
        const from = batch + src * inner;
        for (let i = 0; i < inner; i++) {
          const v = x[from + i];
          d[row + i] += v * v;
        }
      }
      for (let i = 0; i < inner; i++) d[row + i] = k + scale * d[row + i];
    }
  }
  return d;
}

const lrn: CpuKernel<LRNAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const input = backend.values(x.dataId);
  const [n, c, inner] = lrnView(x.shape);
  const d = denominators(input, n, c, inner, attrs);
  const { info, values: out } = backend.allocate(x.shape, 'float32');
  const beta = attrs.beta;
  for (let i = 0; i < input.length; i++) out[i] = input[i] / Math.pow(d[i], beta);
  return info;
};

/**
 * dx_j = dy_j D_j^-beta - (2 alpha beta / size) x_j sum_{c : j in window(c)} dy_c y_c / D_c.
 * Channel j lies in channel c's window when c runs from j - (size-1)//2 to j + size//2.
 */
const lrnGrad: CpuKernel<LRNAttrs> = ({ inputs: { x, y, dy }, attrs, backend }) => {
  const input = backend.values(x.dataId);
  const output = backend.values(y.dataId);
  const grad = backend.values(dy.dataId);
  const [n, c, inner] = lrnView(x.shape);
  const { size, alpha, beta } = attrs;
  const d = denominators(input, n, c, inner, attrs);
  // ratio = dy * y / D, then summed over the reversed channel window.
  const ratio = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) ratio[i] = (grad[i] * output[i]) / d[i];
  const { info, values: dx } = backend.allocate(x.shape, 'float32');
  const before = Math.floor((size - 1) / 2);
  const after = Math.floor(size / 2);
  const factor = (2 * alpha * beta) / size;
  const acc = new Float64Array(inner);
  for (let b = 0; b < n; b++) {
    const batch = b * c * inner;
    for (let ch = 0; ch < c; ch++) {
      const row = batch + ch * inner;
      acc.fill(0);
      const lo = Math.max(0, ch - before);
      const hi = Math.min(c - 1, ch + after);
      for (let src = lo; src <= hi; src++) {
        const from = batch + src * inner;
        for (let i = 0; i < inner; i++) acc[i] += ratio[from + i];
      }
      for (let i = 0; i < inner; i++) {
        const at = row + i;
        dx[at] = grad[at] * Math.pow(d[at], -beta) - factor * input[at] * acc[i];
      }
    }
  }
  return info;
};

export const lrnKernels: KernelConfig[] = [
  { kernelName: KernelName.LRN, kernelFunc: lrn },
  { kernelName: KernelName.LRNGrad, kernelFunc: lrnGrad },
];
