/**
 * Max pooling over NCHW planes, and the scatter that is its gradient. Indices are flat
 * `h*W + w` within each input plane, as PyTorch returns them, so one MaxPool2DGrad also
 * serves AdaptiveMaxPool2D.
 */
import { KernelName, type ImageGradAttrs, type MaxPool2DAttrs } from '@nn/tensor';
import { maxPoolWasm } from './max_pool_wasm.js';
import { maxOverWindows, windowPlan, type Windows } from './pool_util.js';
import type { CpuKernel, KernelConfig } from './types.js';

/**
 * Per output row (or column), the first in-image tap of its window and the end of the
 * window clipped to the image. The first tap keeps the dilation phase: it is the window
 * start plus the fewest whole dilation steps that bring it to 0 or beyond.
 */
function dilatedWindows(outSize: number, inSize: number, kernel: number, stride: number, padBefore: number, dilation: number): Windows {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - padBefore;
    start[o] = s < 0 ? s + Math.ceil(-s / dilation) * dilation : s;
    end[o] = Math.min(s + (kernel - 1) * dilation + 1, inSize);
  }
  return { start, end };
}

const maxPool2d: CpuKernel<MaxPool2DAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = attrs.outputSize;
  const [kH, kW] = attrs.kernelSize;
  const [sH, sW] = attrs.stride;
  const [dH, dW] = attrs.dilation;
  const input = backend.values(x.dataId);
  const outShape = [n, c, outH, outW];
  const values = backend.allocate(outShape, 'float32');
  const indices = backend.allocate(outShape, 'int32');
  const unpadded = attrs.padding.every((p) => p === 0) && dH === 1 && dW === 1;
  if (unpadded && kH === 2 && kW === 2 && sH === 2 && sW === 2 && 2 * outH <= inH && 2 * outW <= inW) {
    maxPool2x2(input, n * c, inH, inW, outH, outW, values.values, indices.values);
  } else {
    const rows = dilatedWindows(outH, inH, kH, sH, attrs.padding[0], dH);
    const cols = dilatedWindows(outW, inW, kW, sW, attrs.padding[2], dW);
    const plan = windowPlan(x.shape, rows, cols);
    if (!(dH === 1 && dW === 1 && maxPoolWasm(plan, input, values.values, indices.values))) maxOverWindows(plan, dH, dW, input, values.values, indices.values);
  }
  return [values.info, indices.info];
};

/**
 * The common 2×2, stride 2, unpadded pool without a branch per tap: on real activations
 * which tap wins is a coin toss, and a mispredicted branch costs more than the compare. The
 * winner's index moves by a 0/1 mask (same rule: strictly greater, or NaN, replaces) and
 * the running maximum is re-read from the input at that index.
 */
function maxPool2x2(input: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array, idx: Int32Array): void {
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      let i0 = base + 2 * oh * inW;
      for (let ow = 0; ow < outW; ow++, o++, i0 += 2) {
        const i2 = i0 + inW;
        let best = input[i0];
        let at = i0;
        let v = input[i0 + 1];
        at += (i0 + 1 - at) * (+(v > best) | +(v !== v));
        best = input[at];
        v = input[i2];
        at += (i2 - at) * (+(v > best) | +(v !== v));
        best = input[at];
        v = input[i2 + 1];
        at += (i2 + 1 - at) * (+(v > best) | +(v !== v));
        out[o] = input[at];
        idx[o] = at - base;
      }
    }
  }
}

/** dx[plane, indices[o]] += dy[o] for every output element o of every plane. */
const maxPool2dGrad: CpuKernel<ImageGradAttrs> = ({ inputs: { dy, indices }, attrs: { inputShape }, backend }) => {
  const grad = backend.values(dy.dataId);
  const idx = backend.values<Int32Array>(indices.dataId);
  const { info, values: dx } = backend.allocate(inputShape, 'float32');
  const [n, c, inH, inW] = inputShape;
  const inPlane = inH * inW;
  const outPlane = dy.shape[2] * dy.shape[3];
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inPlane;
    for (let i = 0; i < outPlane; i++, o++) {
      const at = idx[o];
      // A window wholly in the padding has no input to send its gradient to.
      if (at >= 0 && at < inPlane) dx[base + at] += grad[o];
    }
  }
  return info;
};

export const maxPool2dKernels: KernelConfig[] = [
  { kernelName: KernelName.MaxPool2D, kernelFunc: maxPool2d },
  { kernelName: KernelName.MaxPool2DGrad, kernelFunc: maxPool2dGrad },
];
