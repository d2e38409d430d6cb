/**
 * Adaptive pooling: output cell i along an axis of In inputs and Out outputs covers
 * [floor(i*In/Out), ceil((i+1)*In/Out)), PyTorch's windows, which may overlap. The max
 * variant returns PyTorch's per-plane flat indices, so MaxPool2DGrad is its gradient.
 */
import { KernelName, type AdaptivePool2DAttrs, type ImageGradAttrs } from '@nn/tensor';
import { maxOverWindows, meanOverWindows, windowAreas, windowPlan, type WindowPlan, type Windows } from './pool_util.js';
import type { CpuKernel, KernelConfig } from './types.js';

function adaptiveWindows(outSize: number, inSize: number): Windows {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor((i * inSize) / outSize);
    end[i] = Math.ceil(((i + 1) * inSize) / outSize);
  }
  return { start, end };
}

/** The windows of an [N, C, inH, inW] input pooled to [outH, outW]. */
function adaptivePlan(inputShape: readonly number[], outH: number, outW: number): WindowPlan {
  return windowPlan(inputShape, adaptiveWindows(outH, inputShape[2]), adaptiveWindows(outW, inputShape[3]));
}

const adaptiveAvgPool2d: CpuKernel<AdaptivePool2DAttrs> = ({ inputs: { x }, attrs: { outputSize }, backend }) => {
  const plan = adaptivePlan(x.shape, outputSize[0], outputSize[1]);
  const { info, values: out } = backend.allocate([x.shape[0], x.shape[1], ...outputSize], 'float32');
  meanOverWindows(plan, windowAreas(plan.rows, plan.cols), backend.values(x.dataId), out, false);
  return info;
};

const adaptiveAvgPool2dGrad: CpuKernel<ImageGradAttrs> = ({ inputs: { dy }, attrs: { inputShape }, backend }) => {
  const plan = adaptivePlan(inputShape, dy.shape[2], dy.shape[3]);
  const { info, values: dx } = backend.allocate(inputShape, 'float32');
  meanOverWindows(plan, windowAreas(plan.rows, plan.cols), backend.values(dy.dataId), dx, true);
  return info;
};

const adaptiveMaxPool2d: CpuKernel<AdaptivePool2DAttrs> = ({ inputs: { x }, attrs: { outputSize }, backend }) => {
  const plan = adaptivePlan(x.shape, outputSize[0], outputSize[1]);
  const outShape = [x.shape[0], x.shape[1], ...outputSize];
  const values = backend.allocate(outShape, 'float32');
  const indices = backend.allocate(outShape, 'int32');
  maxOverWindows(plan, 1, 1, backend.values(x.dataId), values.values, indices.values);
  return [values.info, indices.info];
};

export const adaptivePool2dKernels: KernelConfig[] = [
  { kernelName: KernelName.AdaptiveAvgPool2D, kernelFunc: adaptiveAvgPool2d },
  { kernelName: KernelName.AdaptiveAvgPool2DGrad, kernelFunc: adaptiveAvgPool2dGrad },
  { kernelName: KernelName.AdaptiveMaxPool2D, kernelFunc: adaptiveMaxPool2d },
];
