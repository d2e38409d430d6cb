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

/** The sizes and attributes a resize walk needs. */
interface ResizePlan {
  /** N * C */
  planes: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  /** ResizeAttrs.scales, per axis */
  scaleH: number;
  scaleW: number;
  alignCorners: boolean;
}

/**
 * A resize walks the output pixels of every plane once, forward (src x, dst y) or backward
 * (src dy, dst dx, zeroed). Forward and gradient share the walk, so they use the very same
 * source pixels and weights; each branches once per row, which keeps the pixel loops tight.
 */
type ResizeWalk = (plan: ResizePlan, src: Float32Array, dst: Float32Array, backward: boolean) => void;

/** Nearest: forward copies each output's source pixel; backward adds dy to it. */
const nearestWalk: ResizeWalk = ({ planes, inH, inW, outH, outW, scaleH, scaleW }, src, dst, backward) => {
  const rows = nearestIndices(outH, inH, scaleH);
  const cols = nearestIndices(outW, inW, scaleW);
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++, o += outW) {
      const row = base + rows[oh] * inW;
      if (backward) for (let ow = 0; ow < outW; ow++) dst[row + cols[ow]] += src[o + ow];
      else for (let ow = 0; ow < outW; ow++) dst[o + ow] = src[row + cols[ow]];
    }
  }
};

/** Bilinear: forward blends each output's four source pixels; backward adds dy to each, weighted alike. */
const bilinearWalk: ResizeWalk = ({ planes, inH, inW, outH, outW, scaleH, scaleW, alignCorners }, src, dst, backward) => {
  const rows = linearTaps(outH, inH, scaleH, alignCorners);
  const { i0: left, i1: right, w0: wLeft, w1: wRight } = linearTaps(outW, inW, scaleW, alignCorners);
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++, o += outW) {
      const top = base + rows.i0[oh] * inW;
      const bottom = base + rows.i1[oh] * inW;
      const wTop = rows.w0[oh];
      const wBottom = rows.w1[oh];
      if (backward) {
        for (let ow = 0; ow < outW; ow++) {
          const g = src[o + ow];
          const l = left[ow];
          const r = right[ow];
          const wl = wLeft[ow];
          const wr = wRight[ow];
          dst[top + l] += wTop * wl * g;
          dst[top + r] += wTop * wr * g;
          dst[bottom + l] += wBottom * wl * g;
          dst[bottom + r] += wBottom * wr * g;
        }
      } else {
        for (let ow = 0; ow < outW; ow++) {
          const l = left[ow];
          const r = right[ow];
          const wl = wLeft[ow];
          const wr = wRight[ow];
          dst[o + ow] = wTop * (wl * src[top + l] + wr * src[top + r]) + wBottom * (wl * src[bottom + l] + wr * src[bottom + r]);
        }
      }
    }
  }
};

/** The forward kernel (x to [N, C, outH, outW]) and the gradient kernel (dy to inputShape) of a walk. */
function resizeKernelPair(walk: ResizeWalk): [CpuKernel<ResizeAttrs>, CpuKernel<ResizeAttrs & ImageGradAttrs>] {
  const forward: CpuKernel<ResizeAttrs> = ({ inputs: { x }, attrs, backend }) => {
    const { info, values: y } = backend.allocate([x.shape[0], x.shape[1], ...attrs.outputSize], 'float32');
    walk(resizePlan(x.shape, attrs), backend.values(x.dataId), y, false);
    return info;
  };
  const gradient: CpuKernel<ResizeAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
    const { info, values: dx } = backend.allocate(attrs.inputShape, 'float32');
    walk(resizePlan(attrs.inputShape, attrs), backend.values(dy.dataId), dx, true);
    return info;
  };
  return [forward, gradient];
}

/**
 * Forward and gradient hand the walk the same object shape, built here, whatever shapes their
 * attrs have: V8 deoptimizes a hot loop that meets a second shape, and then runs it slowly
 * until it has recompiled.
 */
function resizePlan(inputShape: readonly number[], { outputSize, scales, alignCorners }: ResizeAttrs): ResizePlan {
  const [n, c, inH, inW] = inputShape;
  return { planes: n * c, inH, inW, outH: outputSize[0], outW: outputSize[1], scaleH: scales[0], scaleW: scales[1], alignCorners };
}

const [resizeNearest, resizeNearestGrad] = resizeKernelPair(nearestWalk);
const [resizeBilinear, resizeBilinearGrad] = resizeKernelPair(bilinearWalk);

export const resizeKernels: KernelConfig[] = [
  { kernelName: KernelName.ResizeNearest, kernelFunc: resizeNearest },
  { kernelName: KernelName.ResizeNearestGrad, kernelFunc: resizeNearestGrad },
  { kernelName: KernelName.ResizeBilinear, kernelFunc: resizeBilinear },
  { kernelName: KernelName.ResizeBilinearGrad, kernelFunc: resizeBilinearGrad },
];
