/**
 * The input gradient of a stride-1 undilated conv as a forward conv, so that it runs on the
 * forward kernels' fast paths (conv2d_packed.ts, conv2d_winograd.ts) instead of a GEMM into
 * patch gradients and a col2im scatter:
 *
 *   dx[c, ih, iw] = Σ_o,ki,kj dy[o, ih + padTop - ki, iw + padLeft - kj] · w[o, c, ki, kj]
 *
 * is the correlation of dy, padded by k - 1 - pad, with the weight flipped in space and its
 * input and output channels swapped (per group). It replaces, on LeNet-5's 6→16 5×5 layer,
 * a col2im scatter that was a tenth of the training step.
 */
import { conv2dForward } from './conv2d.js';
import { gemmKernel } from './gemm.js';
import { scratch, type ConvGeometry } from './im2col.js';

/** Stride 1, no dilation, and padding at most k - 1 (else the correlation would need negative padding). */
export function prefersForwardConv(g: ConvGeometry): boolean {
  return (
    gemmKernel() === 'wasm' && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1 &&
    g.padTop <= g.kH - 1 && g.padLeft <= g.kW - 1 && g.groupIn > 1
  );
}

/** Writes the input gradient of the conv with geometry g into dx. */
export function backpropInputAsConv(dy: Float32Array, w: Float32Array, dx: Float32Array, g: ConvGeometry): void {
  const { kH, kW, groupIn, groupOut } = g;
  const taps = kH * kW;
  // w'[grp·groupIn + c, o, i, j] = w[grp·groupOut + o, c, kH-1-i, kW-1-j]
  const flipped = scratch(2, g.outChannels * g.patchSize);
  for (let grp = 0; grp < g.groups; grp++) {
    for (let o = 0; o < groupOut; o++) {
      for (let c = 0; c < groupIn; c++) {
        const src = ((grp * groupOut + o) * groupIn + c) * taps;
        const dst = ((grp * groupIn + c) * groupOut + o) * taps + taps - 1;
        for (let t = 0; t < taps; t++) flipped[dst - t] = w[src + t];
      }
    }
  }
  const adjoint: ConvGeometry = {
    batch: g.batch,
    inChannels: g.outChannels,
    inH: g.outH,
    inW: g.outW,
    outChannels: g.inChannels,
    outH: g.inH,
    outW: g.inW,
    kH,
    kW,
    strideH: 1,
    strideW: 1,
    padTop: kH - 1 - g.padTop,
    padLeft: kW - 1 - g.padLeft,
    dilationH: 1,
    dilationW: 1,
    groups: g.groups,
    groupIn: groupOut,
    groupOut: groupIn,
    patchSize: groupOut * taps,
    outArea: g.inArea,
    inArea: g.outArea,
  };
  conv2dForward(dy, flipped, dx, adjoint);
}
