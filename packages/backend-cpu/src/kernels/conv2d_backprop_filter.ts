/**
 * Conv2DBackpropFilter: dW[o, c, ki, kj] = Σ_n,oh,ow dy[n, o, oh, ow] · x[n, c, ih, iw], i.e. per
 * group dW = Σ over images and pixel tiles of dy · colᵀ (im2col columns of x), accumulated by
 * the GEMM. A 1×1 unstrided conv uses x itself as the columns; depthwise convs take a
 * direct loop of dot products.
 */
import { KernelName, type Conv2DBackpropFilterAttrs } from '@nn/tensor';
import { gemm, type GemmArgs } from './gemm.js';
import { columnTile, convGeometry, im2col, isPointwise, scratch, type ConvGeometry } from './im2col.js';
import type { CpuKernel, KernelConfig } from './types.js';

/** Adds the filter gradient of a conv with geometry g into dw (which the caller zeroed). */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  if (dy.length === 0 || dw.length === 0) return;
  if (isPointwise(g)) backpropFilterPointwise(x, dy, dw, g);
  else if (g.groupIn === 1 && g.groupOut <= 8) backpropFilterDirect(x, dy, dw, g);
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

/** Each tap's gradient is a sum of products of a dy row with a strided x row. */
function backpropFilterDirect(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const { kH, kW, inH, inW, outH, outW, strideH, strideW, dilationH, dilationW, padTop, padLeft, groupIn, groupOut, outArea, inArea } = g;
  for (let o = 0; o < g.outChannels; o++) {
    const grp = Math.floor(o / groupOut);
    for (let c = 0; c < groupIn; c++) {
      const wBase = (o * groupIn + c) * kH * kW;
      for (let ki = 0; ki < kH; ki++) {
        const shiftH = padTop - ki * dilationH;
        const ohLo = shiftH <= 0 ? 0 : Math.ceil(shiftH / strideH);
        const ohHi = Math.min(outH, Math.floor((inH - 1 + shiftH) / strideH) + 1);
        for (let kj = 0; kj < kW; kj++) {
          const shiftW = padLeft - kj * dilationW;
          const owLo = shiftW <= 0 ? 0 : Math.ceil(shiftW / strideW);
          const owHi = Math.min(outW, Math.floor((inW - 1 + shiftW) / strideW) + 1);
          let sum = 0;
          for (let n = 0; owHi > owLo && n < g.batch; n++) {
            const dyPlane = (n * g.outChannels + o) * outArea;
            const xPlane = (n * g.inChannels + grp * groupIn + c) * inArea;
            for (let oh = ohLo; oh < ohHi; oh++) {
              let src = xPlane + (oh * strideH - shiftH) * inW + owLo * strideW - shiftW;
              const end = dyPlane + oh * outW + owHi;
              for (let d = dyPlane + oh * outW + owLo; d < end; d++, src += strideW) sum += dy[d] * x[src];
            }
          }
          dw[wBase + ki * kW + kj] += sum;
        }
      }
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
