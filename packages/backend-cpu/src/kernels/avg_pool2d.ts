/**
 * Average pooling over NCHW planes and its gradient, with PyTorch's divisor: with
 * countIncludePad the window clipped to the padded input (so a ceilMode window that runs
 * past the padding counts only what lies inside it), otherwise the taps inside the image.
 */
import { KernelName, type AvgPool2DAttrs, type ImageGradAttrs } from '@nn/tensor';
import { meanOverWindows, windowAreas, windowPlan, type WindowPlan, type Windows } from './pool_util.js';
import type { CpuKernel, KernelConfig } from './types.js';

/**
 * Per output row (or column), the window clipped to the image, which is summed, and the
 * window clipped to the padded input, whose extent countIncludePad divides by.
 */
function windows(outSize: number, inSize: number, kernel: number, stride: number, padBefore: number, padAfter: number): { inImage: Windows; inPadded: Windows } {
  const inImage = { start: new Int32Array(outSize), end: new Int32Array(outSize) };
  const inPadded = { start: new Int32Array(outSize), end: new Int32Array(outSize) };
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - padBefore;
    const e = Math.min(s + kernel, inSize + padAfter);
    inPadded.start[o] = s;
    inPadded.end[o] = e;
    inImage.start[o] = Math.max(s, 0);
    inImage.end[o] = Math.min(e, inSize);
  }
  return { inImage, inPadded };
}

/**
 * The windows over an [N, C, inH, inW] input and each output position's divisor (the same
 * for every plane, so computed once per call).
 */
function poolPlan(attrs: AvgPool2DAttrs, inputShape: readonly number[]): { plan: WindowPlan; divisors: Float64Array } {
  const inH = inputShape[2];
  const inW = inputShape[3];
  const [outH, outW] = attrs.outputSize;
  const [top, bottom, left, right] = attrs.padding;
  const rows = windows(outH, inH, attrs.kernelSize[0], attrs.stride[0], top, bottom);
  const cols = windows(outW, inW, attrs.kernelSize[1], attrs.stride[1], left, right);
  let divisors: Float64Array;
  if (attrs.divisorOverride != null) divisors = new Float64Array(outH * outW).fill(attrs.divisorOverride);
  else if (attrs.countIncludePad) divisors = windowAreas(rows.inPadded, cols.inPadded);
  else divisors = windowAreas(rows.inImage, cols.inImage);
  return { plan: windowPlan(inputShape, rows.inImage, cols.inImage), divisors };
}

const avgPool2d: CpuKernel<AvgPool2DAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const { plan, divisors } = poolPlan(attrs, x.shape);
  const { info, values: out } = backend.allocate([x.shape[0], x.shape[1], ...attrs.outputSize], 'float32');
  meanOverWindows(plan, divisors, backend.values(x.dataId), out, false);
  return info;
};

/** Spreads each dy over its window, divided as the forward divided. */
const avgPool2dGrad: CpuKernel<AvgPool2DAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const { plan, divisors } = poolPlan(attrs, attrs.inputShape);
  const { info, values: dx } = backend.allocate(attrs.inputShape, 'float32');
  meanOverWindows(plan, divisors, backend.values(dy.dataId), dx, true);
  return info;
};

export const avgPool2dKernels: KernelConfig[] = [
  { kernelName: KernelName.AvgPool2D, kernelFunc: avgPool2d },
  { kernelName: KernelName.AvgPool2DGrad, kernelFunc: avgPool2dGrad },
];
