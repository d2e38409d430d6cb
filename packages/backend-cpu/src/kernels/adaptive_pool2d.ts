/**
 * Adaptive pooling: output cell i along an axis of In inputs and Out outputs covers
 * [floor(i*In/Out), ceil((i+1)*In/Out)), PyTorch's windows, which may overlap. The max
 * variant returns PyTorch's per-plane flat indices, so MaxPool2DGrad is its gradient.
 */
import { KernelName, type AdaptivePool2DAttrs, type ImageGradAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

function windowStarts(outSize: number, inSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor((i * inSize) / outSize);
    end[i] = Math.ceil(((i + 1) * inSize) / outSize);
  }
  return { start, end };
}

const adaptiveAvgPool2d: CpuKernel<AdaptivePool2DAttrs> = ({ inputs: { x }, attrs: { outputSize }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const rows = windowStarts(outH, inH);
  const cols = windowStarts(outW, inW);
  const input = backend.values(x.dataId);
  const { info, values: out } = backend.allocate([n, c, outH, outW], 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) sum += input[row + w];
        }
        out[o] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return info;
};

const adaptiveAvgPool2dGrad: CpuKernel<ImageGradAttrs> = ({ inputs: { dy }, attrs: { inputShape }, backend }) => {
  const [n, c, inH, inW] = inputShape;
  const outH = dy.shape[2];
  const outW = dy.shape[3];
  const rows = windowStarts(outH, inH);
  const cols = windowStarts(outW, inW);
  const grad = backend.values(dy.dataId);
  const { info, values: dx } = backend.allocate(inputShape, 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        const share = grad[o] / ((h1 - h0) * (w1 - w0));
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) dx[row + w] += share;
        }
      }
    }
  }
  return info;
};

const adaptiveMaxPool2d: CpuKernel<AdaptivePool2DAttrs> = ({ inputs: { x }, attrs: { outputSize }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const rows = windowStarts(outH, inH);
  const cols = windowStarts(outW, inW);
  const input = backend.values(x.dataId);
  const outShape = [n, c, outH, outW];
  const values = backend.allocate(outShape, 'float32');
  const indices = backend.allocate(outShape, 'int32');
  const out = values.values;
  const idx = indices.values;
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        let best = -Infinity;
        let bestIndex = h0 * inW + w0;
        for (let h = h0; h < h1; h++) {
          const row = h * inW;
          for (let w = w0; w < w1; w++) {
            const v = input[base + row + w];
            // First maximum wins; NaN propagates, as in PyTorch.
            if (v > best || v !== v) {
              best = v;
              bestIndex = row + w;
            }
          }
        }
        out[o] = best;
        idx[o] = bestIndex;
      }
    }
  }
  return [values.info, indices.info];
};

export const adaptivePool2dKernels: KernelConfig[] = [
  { kernelName: KernelName.AdaptiveAvgPool2D, kernelFunc: adaptiveAvgPool2d },
  { kernelName: KernelName.AdaptiveAvgPool2DGrad, kernelFunc: adaptiveAvgPool2dGrad },
  { kernelName: KernelName.AdaptiveMaxPool2D, kernelFunc: adaptiveMaxPool2d },
];
