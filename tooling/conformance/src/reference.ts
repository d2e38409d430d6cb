/**
 * Naive reference implementations in plain JavaScript (float64 accumulation), written as
 * the definitions read, for the property tests: slow and obviously right, independent of
 * any backend. Arrays are flat and row-major, as dataSync() gives them.
 */

export interface Ref {
  shape: number[];
  data: Float64Array;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

/** For each flat index of `outShape`, the flat index into `shape` broadcast to it. */
function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const out = new Int32Array(sizeOf(outShape));
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const index = new Array<number>(outShape.length).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let source = 0;
    for (let axis = offset; axis < outShape.length; axis++) {
      if (shape[axis - offset] !== 1) source += index[axis] * strides[axis - offset];
    }
    out[flat] = source;
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < outShape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

export function broadcastBinary(
  aShape: readonly number[],
  a: ArrayLike<number>,
  bShape: readonly number[],
  b: ArrayLike<number>,
  fn: (x: number, y: number) => number,
): Ref {
  const shape = broadcastShape(aShape, bShape);
  const ia = broadcastIndex(aShape, shape);
  const ib = broadcastIndex(bShape, shape);
  const data = new Float64Array(ia.length);
  for (let i = 0; i < data.length; i++) data[i] = fn(a[ia[i]], b[ib[i]]);
  return { shape, data };
}

export function permuteRef(shape: readonly number[], x: ArrayLike<number>, perm: readonly number[]): Ref {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const data = new Float64Array(x.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    let source = 0;
    for (let axis = 0; axis < outShape.length; axis++) source += index[axis] * inStrides[perm[axis]];
    data[flat] = x[source];
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < outShape[axis]) break;
      index[axis] = 0;
    }
  }
  return { shape: outShape, data };
}

/** torch.matmul: 1-D operands gain and then lose an axis; batch dimensions broadcast. */
export function matmulRef(aShape: readonly number[], a: ArrayLike<number>, bShape: readonly number[], b: ArrayLike<number>): Ref {
  const as = aShape.length === 1 ? [1, aShape[0]] : [...aShape];
  const bs = bShape.length === 1 ? [bShape[0], 1] : [...bShape];
  const m = as[as.length - 2];
  const k = as[as.length - 1];
  const n = bs[bs.length - 1];
  const batchA = as.slice(0, -2);
  const batchB = bs.slice(0, -2);
  const batch = broadcastShape(batchA, batchB);
  const ia = broadcastIndex(batchA, batch);
  const ib = broadcastIndex(batchB, batch);
  const data = new Float64Array(ia.length * m * n);
  for (let p = 0; p < ia.length; p++) {
    const aOff = ia[p] * m * k;
    const bOff = ib[p] * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[aOff + i * k + q] * b[bOff + q * n + j];
        data[(p * m + i) * n + j] = s;
      }
    }
  }
  const shape = [...batch];
  if (aShape.length !== 1) shape.push(m);
  if (bShape.length !== 1) shape.push(n);
  return { shape, data };
}

export interface ConvParams {
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** F.conv2d by its definition: x [N, C, H, W], w [Cout, C / groups, kH, kW]. */
export function conv2dRef(
  xShape: readonly number[],
  x: ArrayLike<number>,
  wShape: readonly number[],
  w: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  p: ConvParams,
): Ref {
  const [N, C, H, W] = xShape;
  const [Cout, Cg, kH, kW] = wShape;
  const [sH, sW] = p.stride;
  const [pT, pB, pL, pR] = p.padding;
  const [dH, dW] = p.dilation;
  const outH = Math.floor((H + pT + pB - dH * (kH - 1) - 1) / sH) + 1;
  const outW = Math.floor((W + pL + pR - dW * (kW - 1) - 1) / sW) + 1;
  const coutPerGroup = Cout / p.groups;
  const data = new Float64Array(N * Cout * outH * outW);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Cout; co++) {
      const g = Math.floor(co / coutPerGroup);
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++) {
          let s = bias ? bias[co] : 0;
          for (let ci = 0; ci < Cg; ci++)
            for (let i = 0; i < kH; i++)
              for (let j = 0; j < kW; j++) {
                const ih = oh * sH - pT + i * dH;
                const iw = ow * sW - pL + j * dW;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += x[((n * C + g * Cg + ci) * H + ih) * W + iw] * w[((co * Cg + ci) * kH + i) * kW + j];
              }
          data[((n * Cout + co) * outH + oh) * outW + ow] = s;
        }
    }
  return { shape: [N, Cout, outH, outW], data };
}

/**
 * F.conv_transpose2d by its definition (each input pixel scatters weight * value):
 * x [N, Cin, H, W], w [Cin, Cout / groups, kH, kW], symmetric padding.
 */
export function convTranspose2dRef(
  xShape: readonly number[],
  x: ArrayLike<number>,
  wShape: readonly number[],
  w: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  p: { stride: [number, number]; padding: [number, number]; outputPadding: [number, number]; dilation: [number, number]; groups: number },
): Ref {
  const [N, Cin, H, W] = xShape;
  const [, CoutG, kH, kW] = wShape;
  const Cout = CoutG * p.groups;
  const CinG = Cin / p.groups;
  const [sH, sW] = p.stride;
  const [pH, pW] = p.padding;
  const [dH, dW] = p.dilation;
  const outH = (H - 1) * sH - 2 * pH + dH * (kH - 1) + p.outputPadding[0] + 1;
  const outW = (W - 1) * sW - 2 * pW + dW * (kW - 1) + p.outputPadding[1] + 1;
  const data = new Float64Array(N * Cout * outH * outW);
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < Cin; ci++) {
      const g = Math.floor(ci / CinG);
      for (let ih = 0; ih < H; ih++)
        for (let iw = 0; iw < W; iw++) {
          const v = x[((n * Cin + ci) * H + ih) * W + iw];
          for (let oc = 0; oc < CoutG; oc++)
            for (let i = 0; i < kH; i++)
              for (let j = 0; j < kW; j++) {
                const oh = ih * sH - pH + i * dH;
                const ow = iw * sW - pW + j * dW;
                if (oh < 0 || oh >= outH || ow < 0 || ow >= outW) continue;
                data[((n * Cout + g * CoutG + oc) * outH + oh) * outW + ow] += v * w[((ci * CoutG + oc) * kH + i) * kW + j];
              }
        }
    }
  if (bias) for (let i = 0; i < data.length; i++) data[i] += bias[Math.floor(i / (outH * outW)) % Cout];
  return { shape: [N, Cout, outH, outW], data };
}

/** PyTorch's pooling output size (ceil mode drops a last window that starts in the right padding). */
export function poolOutputSize(inSize: number, k: number, s: number, pad: number, d: number, ceilMode: boolean): number {
  let out = Math.floor((inSize + 2 * pad - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= inSize + pad) out--;
  return out;
}

export interface PoolParams {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

/** F.max_pool2d with indices (h*W + w within each plane; the first maximum wins). */
export function maxPool2dRef(shape: readonly number[], x: ArrayLike<number>, p: PoolParams): { values: Ref; indices: Ref } {
  const [N, C, H, W] = shape;
  const outH = poolOutputSize(H, p.kernelSize[0], p.stride[0], p.padding[0], p.dilation[0], p.ceilMode);
  const outW = poolOutputSize(W, p.kernelSize[1], p.stride[1], p.padding[1], p.dilation[1], p.ceilMode);
  const values = new Float64Array(N * C * outH * outW);
  const indices = new Float64Array(values.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++, o++) {
        let best = -Infinity;
        let where = -1;
        for (let i = 0; i < p.kernelSize[0]; i++)
          for (let j = 0; j < p.kernelSize[1]; j++) {
            const ih = oh * p.stride[0] - p.padding[0] + i * p.dilation[0];
            const iw = ow * p.stride[1] - p.padding[1] + j * p.dilation[1];
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            const v = x[plane * H * W + ih * W + iw];
            if (v > best || where < 0) {
              best = v;
              where = ih * W + iw;
            }
          }
        values[o] = best;
        indices[o] = where;
      }
  const outShape = [N, C, outH, outW];
  return { values: { shape: outShape, data: values }, indices: { shape: outShape, data: indices } };
}

/**
 * F.avg_pool2d: the window is clipped to the padded input for countIncludePad's divisor and
 * to the input itself for the sum and the other divisor, as PyTorch's kernel does.
 */
export function avgPool2dRef(
  shape: readonly number[],
  x: ArrayLike<number>,
  p: Omit<PoolParams, 'dilation'> & { countIncludePad: boolean; divisorOverride: number | null },
): Ref {
  const [N, C, H, W] = shape;
  const [kH, kW] = p.kernelSize;
  const outH = poolOutputSize(H, kH, p.stride[0], p.padding[0], 1, p.ceilMode);
  const outW = poolOutputSize(W, kW, p.stride[1], p.padding[1], 1, p.ceilMode);
  const data = new Float64Array(N * C * outH * outW);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++, o++) {
        let h0 = oh * p.stride[0] - p.padding[0];
        let w0 = ow * p.stride[1] - p.padding[1];
        let h1 = Math.min(h0 + kH, H + p.padding[0]);
        let w1 = Math.min(w0 + kW, W + p.padding[1]);
        const padded = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, H);
        w1 = Math.min(w1, W);
        let s = 0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) s += x[plane * H * W + ih * W + iw];
        const divisor = p.divisorOverride ?? (p.countIncludePad ? padded : (h1 - h0) * (w1 - w0));
        data[o] = s / divisor;
      }
  return { shape: [N, C, outH, outW], data };
}

/** Adaptive pooling windows: [floor(i*In/Out), ceil((i+1)*In/Out)). */
export function adaptivePool2dRef(shape: readonly number[], x: ArrayLike<number>, outH: number, outW: number, kind: 'avg' | 'max'): { values: Ref; indices: Ref } {
  const [N, C, H, W] = shape;
  const values = new Float64Array(N * C * outH * outW);
  const indices = new Float64Array(values.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++)
    for (let oh = 0; oh < outH; oh++)
      for (let ow = 0; ow < outW; ow++, o++) {
        const h0 = Math.floor((oh * H) / outH);
        const h1 = Math.ceil(((oh + 1) * H) / outH);
        const w0 = Math.floor((ow * W) / outW);
        const w1 = Math.ceil(((ow + 1) * W) / outW);
        let s = 0;
        let best = -Infinity;
        let where = -1;
        for (let ih = h0; ih < h1; ih++)
          for (let iw = w0; iw < w1; iw++) {
            const v = x[plane * H * W + ih * W + iw];
            s += v;
            if (v > best || where < 0) {
              best = v;
              where = ih * W + iw;
            }
          }
        values[o] = kind === 'avg' ? s / ((h1 - h0) * (w1 - w0)) : best;
        indices[o] = where;
      }
  const outShape = [N, C, outH, outW];
  return { values: { shape: outShape, data: values }, indices: { shape: outShape, data: indices } };
}
