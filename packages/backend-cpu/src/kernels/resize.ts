/**
 * Nearest and bilinear resizing of NCHW planes (F.interpolate) and their gradients, which
 * scatter dy back through the same source indices and weights. The source index of each
 * output row and column is computed once per call, in float32 as PyTorch's CPU kernels do,
 * so that the pixels chosen agree with PyTorch's at ties.
 */
import { KernelName, type ImageGradAttrs, type ResizeAttrs } from '@nn/tensor';
import type { CpuKernel, KernelConfig } from './types.js';

const f32 = Math.fround;

/** PyTorch's legacy 'nearest': src = min(floor(dst * scale), in - 1). */
function nearestIndices(outSize: number, inSize: number, scale: number): Int32Array {
  const src = new Int32Array(outSize);
  const s = f32(scale);
  for (let i = 0; i < outSize; i++) src[i] = Math.min(Math.floor(f32(i * s)), inSize - 1);
  return src;
}

interface LinearTaps {
  /** The two source indices of each output position, and their weights. */
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/** PyTorch's area-pixel source index (clamped at 0 without alignCorners) and linear weights. */
function linearTaps(outSize: number, inSize: number, scale: number, alignCorners: boolean): LinearTaps {
  const taps: LinearTaps = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float32Array(outSize),
    w1: new Float32Array(outSize),
  };
  const s = f32(scale);
  for (let i = 0; i < outSize; i++) {
    let real = alignCorners ? f32(s * i) : f32(s * (i + 0.5) - 0.5);
    if (real < 0) real = 0;
    const lo = Math.min(Math.floor(real), inSize - 1);
    const lambda = Math.min(Math.max(f32(real - lo), 0), 1);
    taps.i0[i] = lo;
    taps.i1[i] = lo < inSize - 1 ? lo + 1 : lo;
    taps.w1[i] = lambda;
    taps.w0[i] = f32(1 - lambda);
  }
  return taps;
}

const resizeNearest: CpuKernel<ResizeAttrs> = ({ inputs: { x }, attrs: { outputSize, scales }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const rows = nearestIndices(outH, inH, scales[0]);
  const cols = nearestIndices(outW, inW, scales[1]);
  const input = backend.values(x.dataId);
  const { info, values: out } = backend.allocate([n, c, outH, outW], 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const row = base + rows[oh] * inW;
      for (let ow = 0; ow < outW; ow++) out[o++] = input[row + cols[ow]];
    }
  }
  return info;
};

const resizeNearestGrad: CpuKernel<ResizeAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs: { outputSize, scales, inputShape }, backend }) => {
  const [n, c, inH, inW] = inputShape;
  const [outH, outW] = outputSize;
  const rows = nearestIndices(outH, inH, scales[0]);
  const cols = nearestIndices(outW, inW, scales[1]);
  const grad = backend.values(dy.dataId);
  const { info, values: dx } = backend.allocate(inputShape, 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const row = base + rows[oh] * inW;
      for (let ow = 0; ow < outW; ow++) dx[row + cols[ow]] += grad[o++];
    }
  }
  return info;
};

const resizeBilinear: CpuKernel<ResizeAttrs> = ({ inputs: { x }, attrs: { outputSize, scales, alignCorners }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const rows = linearTaps(outH, inH, scales[0], alignCorners);
  const cols = linearTaps(outW, inW, scales[1], alignCorners);
  const input = backend.values(x.dataId);
  const { info, values: out } = backend.allocate([n, c, outH, outW], 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const top = base + rows.i0[oh] * inW;
      const bottom = base + rows.i1[oh] * inW;
      const wTop = rows.w0[oh];
      const wBottom = rows.w1[oh];
      for (let ow = 0; ow < outW; ow++) {
        const l = cols.i0[ow];
        const r = cols.i1[ow];
        const wl = cols.w0[ow];
        const wr = cols.w1[ow];
        out[o++] = wTop * (wl * input[top + l] + wr * input[top + r]) + wBottom * (wl * input[bottom + l] + wr * input[bottom + r]);
      }
    }
  }
  return info;
};

const resizeBilinearGrad: CpuKernel<ResizeAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const { outputSize, scales, alignCorners, inputShape } = attrs;
  const [n, c, inH, inW] = inputShape;
  const [outH, outW] = outputSize;
  const rows = linearTaps(outH, inH, scales[0], alignCorners);
  const cols = linearTaps(outW, inW, scales[1], alignCorners);
  const grad = backend.values(dy.dataId);
  const { info, values: dx } = backend.allocate(inputShape, 'float32');
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const top = base + rows.i0[oh] * inW;
      const bottom = base + rows.i1[oh] * inW;
      const wTop = rows.w0[oh];
      const wBottom = rows.w1[oh];
      for (let ow = 0; ow < outW; ow++) {
        const g = grad[o++];
        const l = cols.i0[ow];
        const r = cols.i1[ow];
        const wl = cols.w0[ow];
        const wr = cols.w1[ow];
        dx[top + l] += wTop * wl * g;
        dx[top + r] += wTop * wr * g;
        dx[bottom + l] += wBottom * wl * g;
        dx[bottom + r] += wBottom * wr * g;
      }
    }
  }
  return info;
};

export const resizeKernels: KernelConfig[] = [
  { kernelName: KernelName.ResizeNearest, kernelFunc: resizeNearest },
  { kernelName: KernelName.ResizeNearestGrad, kernelFunc: resizeNearestGrad },
  { kernelName: KernelName.ResizeBilinear, kernelFunc: resizeBilinear },
  { kernelName: KernelName.ResizeBilinearGrad, kernelFunc: resizeBilinearGrad },
];
