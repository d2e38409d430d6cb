/**
 * Images (NCHW): convolutions, pools, local response norm and resizes. Each forward kernel
 * has a gradient kernel that every backend implements; the rules here only wire them up.
 * Conv2DBackpropInput (the forward of convTranspose2d) and Conv2DBackpropFilter are linear
 * in each input, so their gradients are the other two members of the conv2d family.
 */
import {
  adaptiveAvgPool2dGrad,
  avgPool2dGrad,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  gather,
  KernelName,
  lrnGrad,
  maxPool2dGrad,
  reshape,
  resizeBilinearGrad,
  resizeNearestGrad,
  type AvgPool2DAttrs,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type ImageGradAttrs,
  type LRNAttrs,
  type ResizeAttrs,
  type Shape,
} from '@nn/tensor';
import { gradient, type GradientTable } from './types.js';

type Shape4 = [number, number, number, number];
const four = (shape: Shape): Shape4 => [shape[0], shape[1], shape[2], shape[3]];

const convOptions = ({ stride, padding, dilation, groups }: Conv2DAttrs) => ({ stride, padding, dilation, groups });

/** The pooled (max) gradient: dy back to the element each window chose, from the forward's indices. */
const scatterToIndices = gradient<Record<string, unknown>>({
  saveOutputs: true,
  grad: (dy, { output, inputShape }) => ({ x: maxPool2dGrad(dy, output(1), four(inputShape('x'))) }),
});

export const imageGradients: GradientTable = {
  // y = conv(x, w): dx = conv^T(dy, w), dw = correlation of x with dy
  [KernelName.Conv2D]: gradient<Conv2DAttrs>({
    saveInputs: ['x', 'weight'],
    grad: (dy, { input, inputShape, needs, attrs }) => ({
      x: needs('x') ? conv2dBackpropInput(dy, input('weight'), four(inputShape('x')), attrs) : undefined,
      weight: needs('weight') ? conv2dBackpropFilter(input('x'), dy, four(inputShape('weight')), attrs) : undefined,
    }),
  }),
  // z = conv^T(dy, w) (convTranspose2d): d dy = conv(dz, w), dw = correlation of dz with dy
  [KernelName.Conv2DBackpropInput]: gradient<Conv2DBackpropInputAttrs>({
    saveInputs: ['dy', 'weight'],
    grad: (dz, { input, inputShape, needs, attrs }) => ({
      dy: needs('dy') ? conv2d(dz, input('weight'), null, convOptions(attrs)) : undefined,
      weight: needs('weight') ? conv2dBackpropFilter(dz, input('dy'), four(inputShape('weight')), attrs) : undefined,
    }),
  }),
  // z = dW(x, dy), linear in each: d dy = conv(x, dz), dx = conv^T(dy, dz)
  [KernelName.Conv2DBackpropFilter]: gradient<Conv2DBackpropFilterAttrs>({
    saveInputs: ['x', 'dy'],
    grad: (dz, { input, inputShape, needs, attrs }) => ({
      x: needs('x') ? conv2dBackpropInput(input('dy'), dz, four(inputShape('x')), attrs) : undefined,
      dy: needs('dy') ? conv2d(input('x'), dz, null, convOptions(attrs)) : undefined,
    }),
  }),
  [KernelName.MaxPool2D]: scatterToIndices,
  [KernelName.AdaptiveMaxPool2D]: scatterToIndices,
  // MaxPool2DGrad is linear in dy: its adjoint reads dz back at the same per-plane indices.
  [KernelName.MaxPool2DGrad]: gradient<ImageGradAttrs>({
    saveInputs: ['indices'],
    grad: (dz, { input, inputShape }) => {
      const indices = input('indices');
      const [n, c, h, w] = indices.shape;
      const planes = reshape(dz, [n, c, -1]);
      return { dy: reshape(gather(planes, 2, reshape(indices, [n, c, h * w])), inputShape('dy')) };
    },
  }),
  [KernelName.AvgPool2D]: gradient<AvgPool2DAttrs>({
    grad: (dy, { inputShape, attrs }) => ({ x: avgPool2dGrad(dy, four(inputShape('x')), attrs) }),
  }),
  [KernelName.AdaptiveAvgPool2D]: { grad: (dy, { inputShape }) => ({ x: adaptiveAvgPool2dGrad(dy, four(inputShape('x'))) }) },
  [KernelName.LRN]: gradient<LRNAttrs>({
    saveInputs: ['x'],
    saveOutputs: true,
    grad: (dy, { input, output, attrs }) => ({ x: lrnGrad(input('x'), output(), dy, attrs) }),
  }),
  [KernelName.ResizeNearest]: gradient<ResizeAttrs>({
    grad: (dy, { inputShape, attrs }) => ({ x: resizeNearestGrad(dy, inputShape('x'), attrs) }),
  }),
  [KernelName.ResizeBilinear]: gradient<ResizeAttrs>({
    grad: (dy, { inputShape, attrs }) => ({ x: resizeBilinearGrad(dy, inputShape('x'), attrs) }),
  }),
};
