/**
 * Conv2DBackpropInput: dx = the adjoint of Conv2D applied to dy. Per group and tile of output
 * pixels, the patch gradients are one GEMM, dcol = Wᵀ · dy, and col2im adds them back into
 * dx. convTranspose2d runs this kernel too (x as dy, its output as dx). A 1×1 unstrided conv
 * needs no col2im: dx = Wᵀ · dy directly; a depthwise conv scatters with a direct loop.
 */
import { KernelName, type Conv2DBackpropInputAttrs } from '@nn/tensor';
import { gemm, type GemmArgs } from './gemm.js';
import { col2im, columnTile, convGeometry, isPointwise, scratch, type ConvGeometry } from './im2col.js';
import type { CpuKernel, KernelConfig } from './types.js';

/** Adds the input gradient of a conv with geometry g into dx (which the caller zeroed). */
export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  if (dy.length === 0 || dx.length === 0 || g.patchSize === 0 || g.groupOut === 0) return;
  if (isPointwise(g)) backpropInputPointwise(dy, w, dx, g);
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

/** The transpose of conv2d's direct loop: each tap scatters a dy row, scaled, into a dx row. */
function backpropInputDirect(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { kH, kW, inH, inW, outH, outW, strideH, strideW, dilationH, dilationW, padTop, padLeft, groupIn, groupOut, outArea, inArea } = g;
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const grp = Math.floor(o / groupOut);
      const dyPlane = (n * g.outChannels + o) * outArea;
      for (let c = 0; c < groupIn; c++) {
        const dxPlane = (n * g.inChannels + grp * groupIn + c) * inArea;
        const wBase = (o * groupIn + c) * kH * kW;
        for (let ki = 0; ki < kH; ki++) {
          const shiftH = padTop - ki * dilationH;
          const ohLo = shiftH <= 0 ? 0 : Math.ceil(shiftH / strideH);
          const ohHi = Math.min(outH, Math.floor((inH - 1 + shiftH) / strideH) + 1);
          for (let kj = 0; kj < kW; kj++) {
            const wv = w[wBase + ki * kW + kj];
            const shiftW = padLeft - kj * dilationW;
            const owLo = shiftW <= 0 ? 0 : Math.ceil(shiftW / strideW);
            const owHi = Math.min(outW, Math.floor((inW - 1 + shiftW) / strideW) + 1);
            if (owHi <= owLo) continue;
            for (let oh = ohLo; oh < ohHi; oh++) {
              let dst = dxPlane + (oh * strideH - shiftH) * inW + owLo * strideW - shiftW;
              const srcEnd = dyPlane + oh * outW + owHi;
              for (let src = dyPlane + oh * outW + owLo; src < srcEnd; src++, dst += strideW) dx[dst] += wv * dy[src];
            }
          }
        }
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
