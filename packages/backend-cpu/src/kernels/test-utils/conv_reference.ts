/**
 * Test helpers for the convolution kernels: the definition of a grouped, strided, dilated,
 * padded conv2d as seven plain loops (in float64), its two adjoints written the same way,
 * and a seeded generator of random cases.
 */
import type { Conv2DAttrs } from '@nn/tensor';
import { convGeometry, convOutputHW, type ConvGeometry } from '../im2col.js';

export interface ConvCase {
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  attrs: Conv2DAttrs;
}

export function geometryOf(c: ConvCase): ConvGeometry {
  const [outH, outW] = convOutputHW(c.xShape, c.wShape, c.attrs);
  return convGeometry(c.xShape, c.wShape, outH, outW, c.attrs);
}

/**
 * Calls visit(yIndex, xIndex, wIndex) for every multiply-add of the convolution: the one loop
 * nest that defines forward, input gradient and filter gradient alike.
 */
function forEachTerm(g: ConvGeometry, visit: (yi: number, xi: number, wi: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < g.outChannels; o++)
      for (let oh = 0; oh < g.outH; oh++)
        for (let ow = 0; ow < g.outW; ow++)
          for (let c = 0; c < g.groupIn; c++)
            for (let ki = 0; ki < g.kH; ki++)
              for (let kj = 0; kj < g.kW; kj++) {
                const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
                const iw = ow * g.strideW - g.padLeft + kj * g.dilationW;
                if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
                const channel = Math.floor(o / g.groupOut) * g.groupIn + c;
                visit(
                  ((n * g.outChannels + o) * g.outH + oh) * g.outW + ow,
                  ((n * g.inChannels + channel) * g.inH + ih) * g.inW + iw,
                  ((o * g.groupIn + c) * g.kH + ki) * g.kW + kj,
                );
              }
}

export function referenceConv(x: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const y = new Float64Array(g.batch * g.outChannels * g.outArea);
  forEachTerm(g, (yi, xi, wi) => (y[yi] += x[xi] * w[wi]));
  return y;
}

export function referenceBackpropInput(dy: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const dx = new Float64Array(g.batch * g.inChannels * g.inArea);
  forEachTerm(g, (yi, xi, wi) => (dx[xi] += dy[yi] * w[wi]));
  return dx;
}

export function referenceBackpropFilter(x: ArrayLike<number>, dy: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const dw = new Float64Array(g.outChannels * g.patchSize);
  forEachTerm(g, (yi, xi, wi) => (dw[wi] += dy[yi] * x[xi]));
  return dw;
}

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomValues(random: () => number, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = random() * 2 - 1;
  return out;
}

/**
 * A random valid case: odd and size-1 extents, 1×1 to 5×5 kernels, strides and dilations up
 * to 3, asymmetric padding, 1 to 3 groups (sometimes depthwise).
 */
export function randomCase(random: () => number): ConvCase {
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  for (;;) {
    const groups = int(1, 3);
    const depthwise = random() < 0.2;
    const groupIn = depthwise ? 1 : int(1, 3);
    const groupOut = int(1, depthwise ? 2 : 4);
    const kH = int(1, 5);
    const kW = int(1, 5);
    const stride: [number, number] = [int(1, 3), int(1, 3)];
    const dilation: [number, number] = random() < 0.6 ? [1, 1] : [int(1, 3), int(1, 3)];
    const padding: [number, number, number, number] = [int(0, 3), int(0, 3), int(0, 3), int(0, 3)];
    const xShape: [number, number, number, number] = [int(1, 3), groupIn * groups, int(1, 11), int(1, 11)];
    const wShape: [number, number, number, number] = [groupOut * groups, groupIn, kH, kW];
    const c: ConvCase = { xShape, wShape, attrs: { stride, padding, dilation, groups } };
    const [outH, outW] = convOutputHW(xShape, wShape, c.attrs);
    if (outH >= 1 && outW >= 1) return c;
  }
}

/** Largest |a - b| relative to the scale of b, for comparing float32 kernels with float64 loops. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
