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

/** d^-beta, with the usual betas (0.75 above all, AlexNet's and PyTorch's default) done without pow. */
function powNeg(d: number, beta: number): number {
  if (beta === 0.75) {
    const root = Math.sqrt(d);
    return 1 / (root * Math.sqrt(root));
  }
  if (beta === 0.5) return 1 / Math.sqrt(d);
  if (beta === 1) return 1 / d;
  return Math.pow(d, -beta);
}

/**
 * Fills `d` (C x inner, one sample) with D for the sample at `offset` of `x`, summing the
 * channel window row by row so that the inner loop runs over contiguous memory.
 */
function denominators(x: Float32Array, offset: number, c: number, inner: number, attrs: LRNAttrs, d: Float64Array): void {
  const { size, alpha, k } = attrs;
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const scale = alpha / size;
  d.fill(0);
  for (let ch = 0; ch < c; ch++) {
    const row = ch * inner;
    const hi = Math.min(c - 1, ch + after);
    for (let src = Math.max(0, ch - before); src <= hi; src++) {
      const from = offset + src * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[from + i];
        d[row + i] += v * v;
      }
    }
    for (let i = 0; i < inner; i++) d[row + i] = k + scale * d[row + i];
  }
}

const lrn: CpuKernel<LRNAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const input = backend.values(x.dataId);
  const [n, c, inner] = lrnView(x.shape);
  const { info, values: out } = backend.allocate(x.shape, 'float32');
  const sample = c * inner;
  const d = new Float64Array(sample);
  const beta = attrs.beta;
  for (let b = 0; b < n; b++) {
    const offset = b * sample;
    denominators(input, offset, c, inner, attrs, d);
    for (let i = 0; i < sample; i++) out[offset + i] = input[offset + i] * powNeg(d[i], beta);
  }
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
  const { info, values: dx } = backend.allocate(x.shape, 'float32');
  const before = Math.floor((size - 1) / 2);
  const after = Math.floor(size / 2);
  const factor = (2 * alpha * beta) / size;
  const sample = c * inner;
  const d = new Float64Array(sample);
  const ratio = new Float64Array(sample);
  const acc = new Float64Array(inner);
  for (let b = 0; b < n; b++) {
    const offset = b * sample;
    denominators(input, offset, c, inner, attrs, d);
    for (let i = 0; i < sample; i++) ratio[i] = (grad[offset + i] * output[offset + i]) / d[i];
    for (let ch = 0; ch < c; ch++) {
      const row = ch * inner;
      acc.fill(0);
      const hi = Math.min(c - 1, ch + after);
      for (let src = Math.max(0, ch - before); src <= hi; src++) {
        const from = src * inner;
        for (let i = 0; i < inner; i++) acc[i] += ratio[from + i];
      }
      for (let i = 0; i < inner; i++) {
        const at = offset + row + i;
        dx[at] = grad[at] * powNeg(d[row + i], beta) - factor * input[at] * acc[i];
      }
    }
  }
  return info;
};

export const lrnKernels: KernelConfig[] = [
  { kernelName: KernelName.LRN, kernelFunc: lrn },
  { kernelName: KernelName.LRNGrad, kernelFunc: lrnGrad },
];
