/**
 * Conv2D: y[n, o] = Σ_c,ki,kj w[o, c, ki, kj] · x[n, c, oh*s - pad + ki*d, ow*s - pad + kj*d]
 * per group. Three ways, picked per shape: a 1×1 unstrided conv is one GEMM on the input as
 * it lies; a conv with a single input channel per group and few output channels (depthwise,
 * or LeNet's first layer) runs a direct loop, where the GEMM would be a thin outer product;
 * everything else goes through im2col tiles and the shared GEMM.
 */
import { KernelName, type Conv2DAttrs } from '@nn/tensor';
import { gemm, type GemmArgs } from './gemm.js';
import { columnTile, convGeometry, convOutputHW, im2col, isPointwise, scratch, type ConvGeometry } from './im2col.js';
import type { CpuKernel, KernelConfig } from './types.js';

export function conv2dForward(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  if (y.length === 0 || g.patchSize === 0) return;
  if (isPointwise(g)) forwardPointwise(x, w, y, g);
  else if (prefersDirect(g)) forwardDirect(x, w, y, g);
  else forwardIm2col(x, w, y, g);
}

/**
 * The direct loop wins when each group has one input channel and few outputs: im2col would
 * copy kH*kW values per pixel to feed a GEMM whose M and K are tiny.
 */
function prefersDirect(g: ConvGeometry): boolean {
  return g.groupIn === 1 && g.groupOut <= 8;
}

function forwardPointwise(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, outArea } = g;
  const args: GemmArgs = { m: groupOut, n: outArea, k: groupIn, a: w, aOffset: 0, lda: groupIn, transA: false, b: x, bOffset: 0, ldb: outArea, transB: false, c: y, cOffset: 0, ldc: outArea, accumulate: false };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      args.aOffset = grp * groupOut * groupIn;
      args.bOffset = (n * g.inChannels + grp * groupIn) * outArea;
      args.cOffset = (n * g.outChannels + grp * groupOut) * outArea;
      gemm(args);
    }
  }
}

function forwardIm2col(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, patchSize, outArea } = g;
  const tile = columnTile(g);
  const col = scratch(0, patchSize * tile);
  const args: GemmArgs = { m: groupOut, n: 0, k: patchSize, a: w, aOffset: 0, lda: patchSize, transA: false, b: col, bOffset: 0, ldb: 0, transB: false, c: y, cOffset: 0, ldc: outArea, accumulate: false };
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xOffset = (n * g.inChannels + grp * groupIn) * g.inArea;
      args.aOffset = grp * groupOut * patchSize;
      for (let p0 = 0; p0 < outArea; p0 += tile) {
        const count = Math.min(tile, outArea - p0);
        im2col(x, xOffset, g, p0, count, col);
        args.n = count;
        args.ldb = count;
        args.cOffset = (n * g.outChannels + grp * groupOut) * outArea + p0;
        gemm(args);
      }
    }
  }
}

/**
 * Direct loop for one input channel per group. The channel is first copied into a zero-padded
 * scratch plane, so no tap needs a bounds test; each output row is then computed four
 * pixels at a time with the sums in registers (one weight load feeds four multiply-adds).
 */
function forwardDirect(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { kH, kW, outH, outW, strideH, strideW, dilationH, dilationW, groupOut, outArea } = g;
  // The extent of the padded input that the taps read.
  const paddedH = (outH - 1) * strideH + (kH - 1) * dilationH + 1;
  const paddedW = (outW - 1) * strideW + (kW - 1) * dilationW + 1;
  const plane = scratch(1, paddedH * paddedW);
  const taps = kH * kW;
  const rowStep = dilationH * paddedW;
  const blockEnd = outW - (outW % 4);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      padPlane(x, (n * g.inChannels + c) * g.inArea, g, plane, paddedH, paddedW);
      for (let j = 0; j < groupOut; j++) {
        const o = c * groupOut + j;
        const wBase = o * taps;
        const yPlane = (n * g.outChannels + o) * outArea;
        for (let oh = 0; oh < outH; oh++) {
          const rowBase = oh * strideH * paddedW;
          let dst = yPlane + oh * outW;
          let ow = 0;
          for (; ow < blockEnd; ow += 4, dst += 4) {
            let s0 = 0;
            let s1 = 0;
            let s2 = 0;
            let s3 = 0;
            let t = wBase;
            for (let ki = 0, row = rowBase + ow * strideW; ki < kH; ki++, row += rowStep) {
              for (let kj = 0, src = row; kj < kW; kj++, src += dilationW) {
                const wv = w[t++];
                s0 += wv * plane[src];
                s1 += wv * plane[src + strideW];
                s2 += wv * plane[src + 2 * strideW];
                s3 += wv * plane[src + 3 * strideW];
              }
            }
            y[dst] = s0;
            y[dst + 1] = s1;
            y[dst + 2] = s2;
            y[dst + 3] = s3;
          }
          for (; ow < outW; ow++, dst++) {
            let sum = 0;
            let t = wBase;
            for (let ki = 0, row = rowBase + ow * strideW; ki < kH; ki++, row += rowStep) {
              for (let kj = 0, src = row; kj < kW; kj++, src += dilationW) sum += w[t++] * plane[src];
            }
            y[dst] = sum;
          }
        }
      }
    }
  }
}

/** Copies the input plane at x[offset] into the top-left-padded window [paddedH × paddedW], zeros elsewhere. */
function padPlane(x: Float32Array, offset: number, g: ConvGeometry, plane: Float32Array, paddedH: number, paddedW: number): void {
  const { inH, inW, padTop, padLeft } = g;
  plane.fill(0, 0, paddedH * paddedW);
  const rows = Math.min(inH, paddedH - padTop);
  const cols = Math.min(inW, paddedW - padLeft);
  for (let r = 0; r < rows; r++) {
    let src = offset + r * inW;
    let dst = (r + padTop) * paddedW + padLeft;
    for (let col = 0; col < cols; col++) plane[dst++] = x[src++];
  }
}

const conv2dKernel: CpuKernel<Conv2DAttrs> = ({ inputs: { x, weight }, attrs, backend }) => {
  const [outH, outW] = convOutputHW(x.shape, weight.shape, attrs);
  const g = convGeometry(x.shape, weight.shape, outH, outW, attrs);
  const { info, values } = backend.allocate([g.batch, g.outChannels, outH, outW], 'float32');
  conv2dForward(backend.values(x.dataId), backend.values(weight.dataId), values, g);
  return info;
};

export const conv2dKernels: KernelConfig[] = [{ kernelName: KernelName.Conv2D, kernelFunc: conv2dKernel }];
