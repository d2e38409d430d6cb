/**
 * Conv2D: y[n, o] = Σ_c,ki,kj w[o, c, ki, kj] · x[n, c, oh*s - pad + ki*d, ow*s - pad + kj*d]
 * per group. Picked per shape: a 1×1 unstrided conv is one GEMM on the input as it lies;
 * where the WebAssembly SIMD kernel runs, 3×3 stride-1 layers with enough tiles go through
 * Winograd F(2×2, 3×3) (conv2d_winograd.ts) and the rest through a GEMM whose B panels are
 * packed straight from the padded input (conv2d_packed.ts), except depthwise convs, which
 * run a direct loop (conv2d_direct.ts), as the GEMM's M and K would be tiny. Without SIMD
 * (the JavaScript GEMM) the direct loop takes one input channel per group and im2col tiles
 * with the shared GEMM take the rest.
 */
import { KernelName, type Conv2DAttrs } from '@nn/tensor';
import { gemm, type GemmArgs } from './gemm.js';
import { forwardPacked, prefersPacked } from './conv2d_packed.js';
import { forwardWinograd, prefersWinograd } from './conv2d_winograd.js';
import { forwardDirect, prefersDirect } from './conv2d_direct.js';
import { columnTile, convGeometry, convOutputHW, im2col, imagesPerTile, isPointwise, scatterPlanes, scratch, type ConvGeometry } from './im2col.js';
import type { CpuKernel, KernelConfig } from './types.js';

export function conv2dForward(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  if (y.length === 0 || g.patchSize === 0) return;
  if (isPointwise(g)) forwardPointwise(x, w, y, g);
  else if (prefersWinograd(g)) forwardWinograd(x, w, y, g);
  else if (prefersPacked(g)) forwardPacked(x, w, y, g);
  else if (prefersDirect(g)) forwardDirect(x, w, y, g);
  else forwardIm2col(x, w, y, g);
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
  const images = imagesPerTile(g);
  if (images > 1) forwardImageTiles(x, w, y, g, images);
  else forwardPixelTiles(x, w, y, g);
}

/** Small images: the columns of several images side by side, one GEMM, then each image's planes put in place. */
function forwardImageTiles(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry, images: number): void {
  const { groupIn, groupOut, patchSize, outArea } = g;
  const col = scratch(0, patchSize * images * outArea);
  const product = scratch(1, groupOut * images * outArea);
  const args: GemmArgs = { m: groupOut, n: 0, k: patchSize, a: w, aOffset: 0, lda: patchSize, transA: false, b: col, bOffset: 0, ldb: 0, transB: false, c: product, cOffset: 0, ldc: 0, accumulate: false };
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const count = Math.min(images, g.batch - n0);
    const width = count * outArea;
    for (let grp = 0; grp < g.groups; grp++) {
      for (let t = 0; t < count; t++) im2col(x, ((n0 + t) * g.inChannels + grp * groupIn) * g.inArea, g, 0, outArea, col, width, t * outArea);
      args.aOffset = grp * groupOut * patchSize;
      args.n = width;
      args.ldb = width;
      args.ldc = width;
      gemm(args);
      scatterPlanes(product, count, groupOut, outArea, y, (n0 * g.outChannels + grp * groupOut) * outArea, g.outChannels * outArea);
    }
  }
}

function forwardPixelTiles(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
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

const conv2dKernel: CpuKernel<Conv2DAttrs> = ({ inputs: { x, weight }, attrs, backend }) => {
  const [outH, outW] = convOutputHW(x.shape, weight.shape, attrs);
  const g = convGeometry(x.shape, weight.shape, outH, outW, attrs);
  const { info, values } = backend.allocate([g.batch, g.outChannels, outH, outW], 'float32');
  conv2dForward(backend.values(x.dataId), backend.values(weight.dataId), values, g);
  return info;
};

export const conv2dKernels: KernelConfig[] = [{ kernelName: KernelName.Conv2D, kernelFunc: conv2dKernel }];
