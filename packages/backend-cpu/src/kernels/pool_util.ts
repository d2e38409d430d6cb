/**
 * The window loops shared by the pooling kernels. Every pool here reads rectangular windows:
 * one row range and one column range per output position, the same in every NCHW plane. The
 * pools differ only in how they find those ranges (stride and padding, dilation, adaptive), so
 * each kernel computes its own `Windows` and these loops walk them.
 */

/** Per output row (or column), the half-open range [start, end) that its window covers along that axis. */
export interface Windows {
  start: Int32Array;
  end: Int32Array;
}

/** The planes of an [N, C, H, W] input and the windows over each plane. */
export interface WindowPlan {
  /** N * C */
  planes: number;
  inH: number;
  inW: number;
  rows: Windows;
  cols: Windows;
}

/**
 * Every kernel builds its plan here, so that the loops below only ever see one object shape:
 * V8 deoptimizes a hot loop that meets a second shape, and then runs it slowly until it has
 * recompiled.
 */
export function windowPlan(inputShape: readonly number[], rows: Windows, cols: Windows): WindowPlan {
  const [n, c, inH, inW] = inputShape;
  return { planes: n * c, inH, inW, rows, cols };
}

/** Each output position's window area, in the [outH, outW] layout of one plane: the divisor of a mean. */
export function windowAreas(rows: Windows, cols: Windows): Float64Array {
  const outH = rows.start.length;
  const outW = cols.start.length;
  const areas = new Float64Array(outH * outW);
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      areas[oh * outW + ow] = (rows.end[oh] - rows.start[oh]) * (cols.end[ow] - cols.start[ow]);
    }
  }
  return areas;
}

/**
 * Mean pooling and its gradient in one walk, so that the two can never disagree about a
 * window or its divisor (`divisors` holds one per output position of a plane). Forward, src
 * is x and dst[o] = sum of src over window o / divisor; backward, src is dy and each tap of
 * window o gets src[o] / divisor added. A window with no tap in the image (it lies in the
 * padding) is skipped: its output stays 0, as in PyTorch, and its gradient goes nowhere.
 */
export function meanOverWindows(plan: WindowPlan, divisors: Float64Array, src: Float32Array, dst: Float32Array, backward: boolean): void {
  const { planes, inH, inW, rows, cols } = plan;
  const outH = rows.start.length;
  const outW = cols.start.length;
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const height = rows.end[oh] - h0;
      if (height <= 0) {
        o += outW;
        continue;
      }
      const top = base + h0 * inW;
      for (let ow = 0, at = oh * outW; ow < outW; ow++, o++, at++) {
        const w0 = cols.start[ow];
        const width = cols.end[ow] - w0;
        if (width <= 0) continue;
        // Flat indices, one run of `width` per window row: measurably faster in V8 than row + w.
        const first = top + w0;
        const last = first + height * inW;
        if (backward) {
          const share = src[o] / divisors[at];
          for (let rowStart = first; rowStart < last; rowStart += inW) {
            const end = rowStart + width;
            for (let i = rowStart; i < end; i++) dst[i] += share;
          }
        } else {
          let sum = 0;
          for (let rowStart = first; rowStart < last; rowStart += inW) {
            const end = rowStart + width;
            for (let i = rowStart; i < end; i++) sum += src[i];
          }
          dst[o] = sum / divisors[at];
        }
      }
    }
  }
}

/**
 * Max pooling over windows whose taps are dH rows and dW columns apart (1 for dense
 * windows): the maximum into out and its flat `h*W + w` within the plane into idx, PyTorch's
 * indices. Strictly greater keeps the first maximum; NaN propagates, as in PyTorch.
 */
export function maxOverWindows(plan: WindowPlan, dH: number, dW: number, input: Float32Array, out: Float32Array, idx: Int32Array): void {
  const { planes, inH, inW, rows, cols } = plan;
  const outH = rows.start.length;
  const outW = cols.start.length;
  const inPlane = inH * inW;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        let best = -Infinity;
        let bestIndex = h0 * inW + w0;
        for (let h = h0; h < h1; h += dH) {
          const row = h * inW;
          for (let w = w0; w < w1; w += dW) {
            const v = input[base + row + w];
            if (v > best || v !== v) {
              best = v;
              bestIndex = row + w;
            }
          }
        }
        out[o] = best;
        idx[o] = bestIndex;
      }
    }
  }
}
