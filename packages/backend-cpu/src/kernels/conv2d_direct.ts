/**
 * The direct forward loop for convolutions with one input channel per group: depthwise
 * convs, and single-channel inputs such as LeNet's first layer on MNIST. There im2col would
 * copy kH*kW values per pixel only to feed a GEMM whose M and K are tiny; instead each
 * input plane is padded once into float64 scratch (no bounds tests, no float32 widening in
 * the inner loop) and every output row is computed a block of pixels at a time with the
 * sums held in registers.
 */
import { padPlane, paddedExtent, scratch64, type ConvGeometry } from './im2col.js';

/**
 * Whether a conv's forward pass and filter gradient should run direct. Measured (Node 20,
 * Xeon): with one input channel per group the direct loops beat im2col + GEMM, whose K is
 * only kH*kW, by 1.3-2× at stride 1 (LeNet's 1→6 5×5 forward: 1.5 vs 0.8 GFLOP/s; 1→32 3×3
 * filter gradient: 1.5 vs 0.9); with a wide strided kernel and many filters (1→64 7×7
 * stride 2) the GEMM is ahead (forward 1.6 vs 1.3, filter gradient 1.6 vs 0.5).
 */
export function prefersDirect(g: ConvGeometry): boolean {
  return g.groupIn === 1 && (g.groupOut <= 8 || (g.strideW === 1 && g.dilationW === 1));
}

/**
 * Direct loop for one input channel per group. The channel is first copied into a zero-padded
 * float64 scratch plane, so no tap needs a bounds test; each output row is then computed
 * four pixels by two channels at a time, with the sums in registers, so that each tap loads
 * four inputs and two weights for eight multiply-adds.
 */
export function forwardDirect(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { kH, kW, groupOut, outArea } = g;
  const [paddedH, paddedW] = paddedExtent(g);
  const plane = scratch64(0, paddedH * paddedW);
  const taps = kH * kW;
  const weights = scratch64(1, taps * groupOut);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      padPlane(x, (n * g.inChannels + c) * g.inArea, g, plane, paddedH, paddedW);
      const wBase = c * groupOut * taps;
      for (let t = 0; t < groupOut * taps; t++) weights[t] = w[wBase + t];
      const yBase = (n * g.outChannels + c * groupOut) * outArea;
      let j = 0;
      for (; j + 1 < groupOut; j += 2) directPair(plane, paddedW, weights, j * taps, y, yBase + j * outArea, g);
      if (j < groupOut) directSingle(plane, paddedW, weights, j * taps, y, yBase + j * outArea, g);
    }
  }
}

/**
 * Output planes y[yPlane] and y[yPlane + outArea] from one padded input plane, with the taps
 * of the first at weights[w0] and of the second right after.
 */
function directPair(plane: Float64Array, paddedW: number, weights: Float64Array, w0: number, y: Float32Array, yPlane: number, g: ConvGeometry): void {
  const { kH, kW, outH, outW, strideH, strideW, dilationH, dilationW, outArea } = g;
  const w1 = w0 + kH * kW;
  const rowJump = dilationH * paddedW;
  const rowStep = rowJump - kW * dilationW;
  const blockEnd = outW - (outW % 4);
  const s1 = strideW;
  const s2 = 2 * strideW;
  const s3 = 3 * strideW;
  const contiguous = strideW === 1 && dilationW === 1;
  for (let oh = 0; oh < outH; oh++) {
    const rowBase = oh * strideH * paddedW;
    let dst = yPlane + oh * outW;
    let ow = 0;
    for (; ow < blockEnd; ow += 4, dst += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      let src = rowBase + ow * strideW;
      let t = 0;
      if (contiguous) {
        // Stride 1, no dilation: the four windows slide by one, so each tap loads one new input.
        for (let ki = 0; ki < kH; ki++, src += rowJump) {
          let x0 = 0;
          let x1 = plane[src];
          let x2 = plane[src + 1];
          let x3 = plane[src + 2];
          for (let kj = 0; kj < kW; kj++, t++) {
            x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = plane[src + kj + 3];
            const wa = weights[w0 + t];
            const wb = weights[w1 + t];
            a0 += wa * x0;
            a1 += wa * x1;
            a2 += wa * x2;
            a3 += wa * x3;
            b0 += wb * x0;
            b1 += wb * x1;
            b2 += wb * x2;
            b3 += wb * x3;
          }
        }
      } else for (let ki = 0; ki < kH; ki++, src += rowStep) {
        for (let kj = 0; kj < kW; kj++, t++, src += dilationW) {
          const x0 = plane[src];
          const x1 = plane[src + s1];
          const x2 = plane[src + s2];
          const x3 = plane[src + s3];
          const wa = weights[w0 + t];
          const wb = weights[w1 + t];
          a0 += wa * x0;
          a1 += wa * x1;
          a2 += wa * x2;
          a3 += wa * x3;
          b0 += wb * x0;
          b1 += wb * x1;
          b2 += wb * x2;
          b3 += wb * x3;
        }
      }
      y[dst] = a0;
      y[dst + 1] = a1;
      y[dst + 2] = a2;
      y[dst + 3] = a3;
      y[dst + outArea] = b0;
      y[dst + outArea + 1] = b1;
      y[dst + outArea + 2] = b2;
      y[dst + outArea + 3] = b3;
    }
    for (; ow < outW; ow++, dst++) {
      let a = 0;
      let b = 0;
      let src = rowBase + ow * strideW;
      let t = 0;
      for (let ki = 0; ki < kH; ki++, src += rowStep) {
        for (let kj = 0; kj < kW; kj++, t++, src += dilationW) {
          a += weights[w0 + t] * plane[src];
          b += weights[w1 + t] * plane[src];
        }
      }
      y[dst] = a;
      y[dst + outArea] = b;
    }
  }
}

/** One output plane y[yPlane] from one padded input plane (taps at weights[w0]): directPair's loop for one channel. */
function directSingle(plane: Float64Array, paddedW: number, weights: Float64Array, w0: number, y: Float32Array, yPlane: number, g: ConvGeometry): void {
  const { kH, kW, outH, outW, strideH, strideW, dilationH, dilationW } = g;
  const rowJump = dilationH * paddedW;
  const rowStep = rowJump - kW * dilationW;
  const blockEnd = outW - (outW % 4);
  const s1 = strideW;
  const s2 = 2 * strideW;
  const s3 = 3 * strideW;
  const contiguous = strideW === 1 && dilationW === 1;
  for (let oh = 0; oh < outH; oh++) {
    const rowBase = oh * strideH * paddedW;
    let dst = yPlane + oh * outW;
    let ow = 0;
    for (; ow < blockEnd; ow += 4, dst += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let src = rowBase + ow * strideW;
      let t = w0;
      if (contiguous) {
        for (let ki = 0; ki < kH; ki++, src += rowJump) {
          let x0 = 0;
          let x1 = plane[src];
          let x2 = plane[src + 1];
          let x3 = plane[src + 2];
          for (let kj = 0; kj < kW; kj++, t++) {
            x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = plane[src + kj + 3];
            const wa = weights[t];
            a0 += wa * x0;
            a1 += wa * x1;
            a2 += wa * x2;
            a3 += wa * x3;
          }
        }
      } else for (let ki = 0; ki < kH; ki++, src += rowStep) {
        for (let kj = 0; kj < kW; kj++, t++, src += dilationW) {
          const wa = weights[t];
          a0 += wa * plane[src];
          a1 += wa * plane[src + s1];
          a2 += wa * plane[src + s2];
          a3 += wa * plane[src + s3];
        }
      }
      y[dst] = a0;
      y[dst + 1] = a1;
      y[dst + 2] = a2;
      y[dst + 3] = a3;
    }
    for (; ow < outW; ow++, dst++) {
      let a = 0;
      let src = rowBase + ow * strideW;
      let t = w0;
      for (let ki = 0; ki < kH; ki++, src += rowStep) {
        for (let kj = 0; kj < kW; kj++, t++, src += dilationW) a += weights[t] * plane[src];
      }
      y[dst] = a;
    }
  }
}
