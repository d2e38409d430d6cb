/**
 * Average pooling over NCHW planes and its gradient, with PyTorch's divisor: with
 * countIncludePad the window clipped to the padded input (so a ceilMode window that runs
 * past the padding counts only what lies inside it), otherwise the taps inside the image.
 */
import { KernelName, type AvgPool2DAttrs, type ImageGradAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

/**
 * Fills, per output row (or column), the clipped window [start, end) and the extent of the
 * window inside the padded input, which countIncludePad divides by.
 */
function windows(
  outSize: number,
  inSize: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
): { start: Int32Array; end: Int32Array; padded: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const padded = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - padBefore;
    const e = Math.min(s + kernel, inSize + padAfter);
    padded[o] = e - s;
    start[o] = Math.max(s, 0);
    end[o] = Math.min(e, inSize);
  }
  return { start, end, padded };
}

/**
 * The clipped windows along both axes and each output position's divisor (the same for
 * every plane, so computed once per call).
 */
function poolPlan(attrs: AvgPool2DAttrs, inH: number, inW: number) {
  const [outH, outW] = attrs.outputSize;
  const [top, bottom, left, right] = attrs.padding;
  const rows = windows(outH, inH, attrs.kernelSize[0], attrs.stride[0], top, bottom);
  const cols = windows(outW, inW, attrs.kernelSize[1], attrs.stride[1], left, right);
  const divisors = new Float64Array(outH * outW);
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      const taps = (rows.end[oh] - rows.start[oh]) * (cols.end[ow] - cols.start[ow]);
      divisors[oh * outW + ow] = attrs.divisorOverride ?? (attrs.countIncludePad ? rows.padded[oh] * cols.padded[ow] : taps);
    }
  }
  return { outH, outW, rows, cols, divisors };
}

const avgPool2d: CpuKernel<AvgPool2DAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const { outH, outW, rows, cols, divisors } = poolPlan(attrs, inH, inW);
  const input = backend.values(x.dataId);
  const { info, values: out } = backend.allocate([n, c, outH, outW], 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0, at = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++, at++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        // An empty window (it lies in the padding) gives 0, as in PyTorch.
        if (h0 >= h1 || w0 >= w1) continue;
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) sum += input[row + w];
        }
        out[o] = sum / divisors[at];
      }
    }
  }
  return info;
};

/** Spreads each dy over its window, divided as the forward divided. */
const avgPool2dGrad: CpuKernel<AvgPool2DAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const [n, c, inH, inW] = attrs.inputShape;
  const { outH, outW, rows, cols, divisors } = poolPlan(attrs, inH, inW);
  const grad = backend.values(dy.dataId);
  const { info, values: dx } = backend.allocate(attrs.inputShape, 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0, at = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++, at++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        if (h0 >= h1 || w0 >= w1) continue;
        const share = grad[o] / divisors[at];
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) dx[row + w] += share;
        }
      }
    }
  }
  return info;
};

export const avgPool2dKernels: KernelConfig[] = [
  { kernelName: KernelName.AvgPool2D, kernelFunc: avgPool2d },
  { kernelName: KernelName.AvgPool2DGrad, kernelFunc: avgPool2dGrad },
];
