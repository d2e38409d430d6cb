/**
 * Conv2DBackpropFilter: dW[o, c, ki, kj] = Σ_n,oh,ow dy[n, o, oh, ow] · x[n, c, ih, iw], i.e. per
 * group dW = Σ over images and pixel tiles of dy · colᵀ (im2col columns of x), accumulated by
 * the GEMM. A 1×1 unstrided conv uses x itself as the columns; depthwise convs take a
 * direct loop of dot products.
 */
import { KernelName, type Conv2DBackpropFilterAttrs } from '@nn/tensor';
import { prefersDirect } from './conv2d_direct.js';
import { backpropFilterPacked } from './conv2d_backprop_filter_packed.js';
import { prefersPacked } from './conv2d_packed.js';
import { gemm, type GemmArgs } from './gemm.js';
import { columnTile, convGeometry, gatherPlanes, im2col, imagesPerTile, isPointwise, padPlane, paddedExtent, scratch, scratch64, type ConvGeometry } from './im2col.js';
import type { CpuKernel, KernelConfig } from './types.js';

/** Adds the filter gradient of a conv with geometry g into dw (which the caller zeroed). */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  if (dy.length === 0 || dw.length === 0) return;
  if (isPointwise(g)) backpropFilterPointwise(x, dy, dw, g);
  else if (prefersPacked(g)) backpropFilterPacked(x, dy, dw, g);
  else if (prefersDirect(g)) backpropFilterDirect(x, dy, dw, g);
  else backpropFilterIm2col(x, dy, dw, g);
}

function backpropFilterPointwise(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, outArea } = g;
  const args: GemmArgs = { m: groupOut, n: groupIn, k: outArea, a: dy, aOffset: 0, lda: outArea, transA: false, b: x, bOffset: 0, ldb: outArea, transB: true, c: dw, cOffset: 0, ldc: groupIn, accumulate: true };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      args.aOffset = (n * g.outChannels + grp * groupOut) * outArea;
      args.bOffset = (n * g.inChannels + grp * groupIn) * outArea;
      args.cOffset = grp * groupOut * groupIn;
      gemm(args);
    }
  }
}

function backpropFilterIm2col(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const images = imagesPerTile(g);
  if (images > 1) backpropFilterImageTiles(x, dy, dw, g, images);
  else backpropFilterPixelTiles(x, dy, dw, g);
}

/** Small images: columns and dy of several images side by side, so each GEMM sums over a long K. */
function backpropFilterImageTiles(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry, images: number): void {
  const { groupIn, groupOut, patchSize, outArea } = g;
  const col = scratch(0, patchSize * images * outArea);
  const dyTile = scratch(1, groupOut * images * outArea);
  const args: GemmArgs = { m: groupOut, n: patchSize, k: 0, a: dyTile, aOffset: 0, lda: 0, transA: false, b: col, bOffset: 0, ldb: 0, transB: true, c: dw, cOffset: 0, ldc: patchSize, accumulate: true };
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const count = Math.min(images, g.batch - n0);
    const width = count * outArea;
    for (let grp = 0; grp < g.groups; grp++) {
      for (let t = 0; t < count; t++) im2col(x, ((n0 + t) * g.inChannels + grp * groupIn) * g.inArea, g, 0, outArea, col, width, t * outArea);
      gatherPlanes(dy, (n0 * g.outChannels + grp * groupOut) * outArea, g.outChannels * outArea, count, groupOut, outArea, dyTile);
      args.cOffset = grp * groupOut * patchSize;
      args.k = width;
      args.lda = width;
      args.ldb = width;
      gemm(args);
    }
  }
}

function backpropFilterPixelTiles(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, patchSize, outArea } = g;
  const tile = columnTile(g);
  const col = scratch(0, patchSize * tile);
  const args: GemmArgs = { m: groupOut, n: patchSize, k: 0, a: dy, aOffset: 0, lda: outArea, transA: false, b: col, bOffset: 0, ldb: 0, transB: true, c: dw, cOffset: 0, ldc: patchSize, accumulate: true };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xOffset = (n * g.inChannels + grp * groupIn) * g.inArea;
      args.cOffset = grp * groupOut * patchSize;
      for (let p0 = 0; p0 < outArea; p0 += tile) {
        const count = Math.min(tile, outArea - p0);
        im2col(x, xOffset, g, p0, count, col);
        args.k = count;
        args.ldb = count;
        args.aOffset = (n * g.outChannels + grp * groupOut) * outArea + p0;
        gemm(args);
      }
    }
  }
}

/**
 * One input channel per group (depthwise): each image's channel is padded once into float64
 * scratch, and every tap's gradient is a dot product of a dy plane with a strided window of
 * it. Four neighbouring taps of a kernel row go together: with stride 1 their windows slide
 * by one, so each dy value meets four inputs that were loaded one at a time.
 */
function backpropFilterDirect(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const { groupOut, outArea } = g;
  const [paddedH, paddedW] = paddedExtent(g);
  // Two elements of zeroed slack after the plane, for the dropped sums of a short last tap group.
  const plane = scratch64(0, paddedH * paddedW + 2);
  plane.fill(0, paddedH * paddedW, paddedH * paddedW + 2);
  const taps = g.kH * g.kW;
  const sums = scratch64(1, groupOut * taps);
  for (let c = 0; c < g.inChannels; c++) {
    sums.fill(0, 0, groupOut * taps);
    for (let n = 0; n < g.batch; n++) {
      padPlane(x, (n * g.inChannels + c) * g.inArea, g, plane, paddedH, paddedW);
      const dyBase = (n * g.outChannels + c * groupOut) * outArea;
      let j = 0;
      if (g.strideW === 1 && g.dilationW === 1) {
        for (; j + 1 < groupOut; j += 2) tapGradientsPair(plane, paddedW, dy, dyBase + j * outArea, sums, j * taps, g);
      }
      for (; j < groupOut; j++) tapGradients(plane, paddedW, dy, dyBase + j * outArea, sums, j * taps, g);
    }
    const wBase = c * groupOut * taps;
    for (let t = 0; t < groupOut * taps; t++) dw[wBase + t] += sums[t];
  }
}

/**
 * tapGradients for two output channels at once (dy planes at dyPlane and dyPlane + outArea,
 * sums at s0 and s0 + taps), stride 1 and no dilation along rows: each input loaded serves
 * eight multiply-adds instead of four. A last single tap of a kernel row (kW = 5) runs two
 * pixels at a time, so that its four sums are independent chains rather than one.
 */
function tapGradientsPair(plane: Float64Array, paddedW: number, dy: Float32Array, dyPlane: number, sums: Float64Array, s0: number, g: ConvGeometry): void {
  const { kH, kW, outH, outW, strideH, dilationH, outArea } = g;
  const s1 = s0 + kH * kW;
  const evenEnd = outW - (outW % 2);
  for (let ki = 0; ki < kH; ki++) {
    let kj = 0;
    // As in tapGradients, a last group of two or three taps reads past the row and drops those sums.
    for (; kj + 2 <= kW; kj += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let oh = 0; oh < outH; oh++) {
        const row = (oh * strideH + ki * dilationH) * paddedW + kj;
        const dyRow = dyPlane + oh * outW;
        let x1 = plane[row];
        let x2 = plane[row + 1];
        let x3 = plane[row + 2];
        for (let ow = 0; ow < outW; ow++) {
          const x0 = x1;
          x1 = x2;
          x2 = x3;
          x3 = plane[row + ow + 3];
          const d = dy[dyRow + ow];
          const e = dy[dyRow + ow + outArea];
          a0 += d * x0;
          a1 += d * x1;
          a2 += d * x2;
          a3 += d * x3;
          b0 += e * x0;
          b1 += e * x1;
          b2 += e * x2;
          b3 += e * x3;
        }
      }
      const sa = s0 + ki * kW + kj;
      const sb = s1 + ki * kW + kj;
      sums[sa] += a0;
      sums[sa + 1] += a1;
      sums[sb] += b0;
      sums[sb + 1] += b1;
      if (kj + 2 < kW) {
        sums[sa + 2] += a2;
        sums[sb + 2] += b2;
      }
      if (kj + 3 < kW) {
        sums[sa + 3] += a3;
        sums[sb + 3] += b3;
      }
    }
    if (kj < kW) {
      // One tap left.
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      for (let oh = 0; oh < outH; oh++) {
        const row = (oh * strideH + ki * dilationH) * paddedW + kj;
        const dyRow = dyPlane + oh * outW;
        let ow = 0;
        for (; ow < evenEnd; ow += 2) {
          const x0 = plane[row + ow];
          const x1 = plane[row + ow + 1];
          a0 += dy[dyRow + ow] * x0;
          a1 += dy[dyRow + ow + 1] * x1;
          b0 += dy[dyRow + ow + outArea] * x0;
          b1 += dy[dyRow + ow + outArea + 1] * x1;
        }
        if (ow < outW) {
          a0 += dy[dyRow + ow] * plane[row + ow];
          b0 += dy[dyRow + ow + outArea] * plane[row + ow];
        }
      }
      sums[s0 + ki * kW + kj] += a0 + a1;
      sums[s1 + ki * kW + kj] += b0 + b1;
    }
  }
}

/** sums[s0 + tap] += Σ_oh,ow dy[dyPlane + oh*outW + ow] · plane[window of the tap]. */
function tapGradients(plane: Float64Array, paddedW: number, dy: Float32Array, dyPlane: number, sums: Float64Array, s0: number, g: ConvGeometry): void {
  const { kH, kW, outH, outW, strideH, strideW, dilationH, dilationW } = g;
  const contiguous = strideW === 1 && dilationW === 1;
  for (let ki = 0; ki < kH; ki++) {
    let kj = 0;
    if (contiguous) {
      // A last group of two or three taps runs as a group of four too: the extra sums read
      // past the row (into the next row or the plane's slack) and are dropped.
      for (; kj + 2 <= kW; kj += 4) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let oh = 0; oh < outH; oh++) {
          const row = (oh * strideH + ki * dilationH) * paddedW + kj;
          const dyRow = dyPlane + oh * outW;
          let x1 = plane[row];
          let x2 = plane[row + 1];
          let x3 = plane[row + 2];
          for (let ow = 0; ow < outW; ow++) {
            const x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = plane[row + ow + 3];
            const d = dy[dyRow + ow];
            a0 += d * x0;
            a1 += d * x1;
            a2 += d * x2;
            a3 += d * x3;
          }
        }
        const s = s0 + ki * kW + kj;
        sums[s] += a0;
        sums[s + 1] += a1;
        if (kj + 2 < kW) sums[s + 2] += a2;
        if (kj + 3 < kW) sums[s + 3] += a3;
      }
    }
    for (; kj < kW; kj++) {
      let a = 0;
      for (let oh = 0; oh < outH; oh++) {
        let src = (oh * strideH + ki * dilationH) * paddedW + kj * dilationW;
        const end = dyPlane + (oh + 1) * outW;
        for (let d = dyPlane + oh * outW; d < end; d++, src += strideW) a += dy[d] * plane[src];
      }
      sums[s0 + ki * kW + kj] += a;
    }
  }
}

const conv2dBackpropFilterKernel: CpuKernel<Conv2DBackpropFilterAttrs> = ({ inputs: { x, dy }, attrs, backend }) => {
  const g = convGeometry(x.shape, attrs.filterShape, dy.shape[2], dy.shape[3], attrs);
  const { info, values } = backend.allocate(attrs.filterShape, 'float32');
  conv2dBackpropFilter(backend.values(x.dataId), backend.values(dy.dataId), values, g);
  return info;
};

export const conv2dBackpropFilterKernels: KernelConfig[] = [{ kernelName: KernelName.Conv2DBackpropFilter, kernelFunc: conv2dBackpropFilterKernel }];
