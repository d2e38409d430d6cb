/**
 * Conv2DBackpropInput: dx = the adjoint of Conv2D applied to dy. Per group and tile of output
 * pixels, the patch gradients are one GEMM, dcol = Wᵀ · dy, and col2im adds them back into
 * dx. convTranspose2d runs this kernel too (x as dy, its output as dx). A 1×1 unstrided conv
 * needs no col2im: dx = Wᵀ · dy directly; a depthwise conv scatters with a direct loop; a
 * stride-1 conv's is a forward conv of dy where the SIMD kernel runs (conv2d_backprop_input_conv.ts).
 */
import { KernelName, type Conv2DBackpropInputAttrs } from '@nn/tensor';
import { backpropInputAsConv, prefersForwardConv } from './conv2d_backprop_input_conv.js';
import { gemm, type GemmArgs } from './gemm.js';
import { col2im, columnTile, convGeometry, gatherPlanes, imagesPerTile, isPointwise, paddedExtent, scratch, scratch64, unpadPlane, type ConvGeometry } from './im2col.js';
import type { CpuKernel, KernelConfig } from './types.js';

/** Adds the input gradient of a conv with geometry g into dx (which the caller zeroed). */
export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  if (dy.length === 0 || dx.length === 0 || g.patchSize === 0 || g.groupOut === 0) return;
  if (isPointwise(g)) backpropInputPointwise(dy, w, dx, g);
  else if (prefersForwardConv(g)) backpropInputAsConv(dy, w, dx, g);
  // Scattering pays off for few output channels only (measured: 1→6 5×5 0.9 vs 0.6 GFLOP/s, 1→32 3×3 0.7 vs 1.0).
  else if (g.groupIn === 1 && g.groupOut <= 8) backpropInputDirect(dy, w, dx, g);
  else backpropInputIm2col(dy, w, dx, g);
}

function backpropInputPointwise(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, outArea } = g;
  const args: GemmArgs = { m: groupIn, n: outArea, k: groupOut, a: w, aOffset: 0, lda: groupIn, transA: true, b: dy, bOffset: 0, ldb: outArea, transB: false, c: dx, cOffset: 0, ldc: outArea, accumulate: false };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      args.aOffset = grp * groupOut * groupIn;
      args.bOffset = (n * g.outChannels + grp * groupOut) * outArea;
      args.cOffset = (n * g.inChannels + grp * groupIn) * outArea;
      gemm(args);
    }
  }
}

function backpropInputIm2col(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const images = imagesPerTile(g);
  if (images > 1) backpropInputImageTiles(dy, w, dx, g, images);
  else backpropInputPixelTiles(dy, w, dx, g);
}

/**
 * Small images: dy of several images gathered side by side, so that one GEMM with a long N
 * replaces many whose K (the output channels) is too short to pay for their packing.
 */
function backpropInputImageTiles(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry, images: number): void {
  const { groupIn, groupOut, patchSize, outArea } = g;
  const dcol = scratch(0, patchSize * images * outArea);
  const dyTile = scratch(1, groupOut * images * outArea);
  const args: GemmArgs = { m: patchSize, n: 0, k: groupOut, a: w, aOffset: 0, lda: patchSize, transA: true, b: dyTile, bOffset: 0, ldb: 0, transB: false, c: dcol, cOffset: 0, ldc: 0, accumulate: false };
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const count = Math.min(images, g.batch - n0);
    const width = count * outArea;
    for (let grp = 0; grp < g.groups; grp++) {
      gatherPlanes(dy, (n0 * g.outChannels + grp * groupOut) * outArea, g.outChannels * outArea, count, groupOut, outArea, dyTile);
      args.aOffset = grp * groupOut * patchSize;
      args.n = width;
      args.ldb = width;
      args.ldc = width;
      gemm(args);
      for (let t = 0; t < count; t++) col2im(dcol, g, 0, outArea, dx, ((n0 + t) * g.inChannels + grp * groupIn) * g.inArea, width, t * outArea);
    }
  }
}

function backpropInputPixelTiles(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, patchSize, outArea } = g;
  const tile = columnTile(g);
  const dcol = scratch(0, patchSize * tile);
  const args: GemmArgs = { m: patchSize, n: 0, k: groupOut, a: w, aOffset: 0, lda: patchSize, transA: true, b: dy, bOffset: 0, ldb: outArea, transB: false, c: dcol, cOffset: 0, ldc: 0, accumulate: false };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const dxOffset = (n * g.inChannels + grp * groupIn) * g.inArea;
      args.aOffset = grp * groupOut * patchSize;
      for (let p0 = 0; p0 < outArea; p0 += tile) {
        const count = Math.min(tile, outArea - p0);
        args.n = count;
        args.ldc = count;
        args.bOffset = (n * g.outChannels + grp * groupOut) * outArea + p0;
        gemm(args);
        col2im(dcol, g, p0, count, dx, dxOffset);
      }
    }
  }
}

/**
 * One input channel per group (depthwise): the transpose of the direct forward loop. Each
 * output channel's dy scatters, tap by tap, into a zero-padded float64 plane that is then
 * added into dx without its border. With stride 1, four neighbouring dy values go together:
 * along a kernel row their contributions slide by one, so they are summed in registers and
 * each plane element is read and written once per kernel row instead of once per tap.
 */
function backpropInputDirect(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { groupOut, outArea } = g;
  const [paddedH, paddedW] = paddedExtent(g);
  const plane = scratch64(0, paddedH * paddedW);
  const taps = g.kH * g.kW;
  const weights = scratch64(1, groupOut * taps);
  for (let c = 0; c < g.inChannels; c++) {
    const wBase = c * groupOut * taps;
    for (let t = 0; t < groupOut * taps; t++) weights[t] = w[wBase + t];
    for (let n = 0; n < g.batch; n++) {
      plane.fill(0, 0, paddedH * paddedW);
      for (let j = 0; j < groupOut; j++) scatterTaps(dy, (n * g.outChannels + c * groupOut + j) * outArea, weights, j * taps, plane, paddedW, g);
      unpadPlane(plane, paddedH, paddedW, g, dx, (n * g.inChannels + c) * g.inArea);
    }
  }
}

/** plane[window of each tap] += weights[w0 + tap] · dy[dyPlane + pixel], for every pixel and tap. */
function scatterTaps(dy: Float32Array, dyPlane: number, weights: Float64Array, w0: number, plane: Float64Array, paddedW: number, g: ConvGeometry): void {
  const { kH, kW, outH, outW, strideH, strideW, dilationH, dilationW } = g;
  const blockEnd = strideW === 1 && dilationW === 1 ? outW - (outW % 4) : 0;
  for (let oh = 0; oh < outH; oh++) {
    const dyRow = dyPlane + oh * outW;
    for (let ki = 0; ki < kH; ki++) {
      const row = (oh * strideH + ki * dilationH) * paddedW;
      const wRow = w0 + ki * kW;
      let ow = 0;
      for (; ow < blockEnd; ow += 4) {
        const d0 = dy[dyRow + ow];
        const d1 = dy[dyRow + ow + 1];
        const d2 = dy[dyRow + ow + 2];
        const d3 = dy[dyRow + ow + 3];
        // Before tap kj, r0..r2 hold the sums pending for plane positions base+kj .. base+kj+2.
        const base = row + ow;
        let r0 = 0;
        let r1 = 0;
        let r2 = 0;
        for (let kj = 0; kj < kW; kj++) {
          const wv = weights[wRow + kj];
          plane[base + kj] += r0 + wv * d0;
          r0 = r1 + wv * d1;
          r1 = r2 + wv * d2;
          r2 = wv * d3;
        }
        plane[base + kW] += r0;
        plane[base + kW + 1] += r1;
        plane[base + kW + 2] += r2;
      }
      for (; ow < outW; ow++) {
        const d = dy[dyRow + ow];
        let dst = row + ow * strideW;
        for (let kj = 0; kj < kW; kj++, dst += dilationW) plane[dst] += weights[wRow + kj] * d;
      }
    }
  }
}

const conv2dBackpropInputKernel: CpuKernel<Conv2DBackpropInputAttrs> = ({ inputs: { dy, weight }, attrs, backend }) => {
  const g = convGeometry(attrs.inputShape, weight.shape, dy.shape[2], dy.shape[3], attrs);
  const { info, values } = backend.allocate(attrs.inputShape, 'float32');
  conv2dBackpropInput(backend.values(dy.dataId), backend.values(weight.dataId), values, g);
  return info;
};

export const conv2dBackpropInputKernels: KernelConfig[] = [{ kernelName: KernelName.Conv2DBackpropInput, kernelFunc: conv2dBackpropInputKernel }];
