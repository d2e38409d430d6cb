/**
 * The lowering shared by the convolution kernels. im2col copies the input patches of a run
 * of output pixels into the columns of a [Cin/groups * kH * kW, count] matrix, so that a
 * convolution becomes one GEMM with the weight; col2im adds such a matrix back into an
 * image (the adjoint, for the input gradient). Both work on a tile of output pixels at a
 * time so that the column buffer stays in cache, and both know the valid column range of
 * each kernel tap in advance, so the inner loops carry no bounds tests.
 */
import type { ConvGeometry } from '@nn/tensor';

// The geometry lives in @nn/tensor, shared with the other backends.
export { convGeometry, convOutputHW, type ConvGeometry } from '@nn/tensor';

/** A 1×1, stride 1, unpadded convolution: the input already is the column matrix. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;
}

/** Floats of column buffer per tile: 1 MiB, about an L2's worth, shared by the GEMM's packed panels. */
const COLUMN_BUDGET = 1 << 18;

/**
 * Output pixels per tile: the whole image when its columns fit the budget, else whole output
 * rows where at least 64 pixels' worth fit (im2col's fast path), else a multiple of 16.
 */
export function columnTile(g: ConvGeometry): number {
  if (g.patchSize * g.outArea <= COLUMN_BUDGET) return g.outArea;
  const rows = Math.floor(COLUMN_BUDGET / g.patchSize / g.outW);
  if (rows * g.outW >= 64) return rows * g.outW;
  const tile = Math.max(64, Math.floor(COLUMN_BUDGET / g.patchSize / 16) * 16);
  return Math.min(tile, g.outArea);
}

/**
 * Whole images per GEMM when one image's columns fit the budget several times over: small
 * images (LeNet's 10×10 outputs) make thin GEMMs that pay their packing per image.
 */
export function imagesPerTile(g: ConvGeometry): number {
  const perImage = g.patchSize * g.outArea;
  return perImage > COLUMN_BUDGET ? 1 : Math.max(1, Math.min(g.batch, Math.floor(COLUMN_BUDGET / perImage)));
}

/**
 * Copies `planes` consecutive planes of `area` values for each of `images` images
 * (image t's at src[srcOffset + t*imageStride]) into dst as a [planes, images*area] matrix,
 * the layout of a GEMM operand that covers several images.
 */
export function gatherPlanes(src: Float32Array, srcOffset: number, imageStride: number, images: number, planes: number, area: number, dst: Float32Array): void {
  const ld = images * area;
  for (let t = 0; t < images; t++) {
    for (let o = 0; o < planes; o++) {
      let s = srcOffset + t * imageStride + o * area;
      let d = o * ld + t * area;
      for (const end = d + area; d < end; d++) dst[d] = src[s++];
    }
  }
}

/** The inverse of gatherPlanes: scatters a [planes, images*area] matrix back into image planes. */
export function scatterPlanes(src: Float32Array, images: number, planes: number, area: number, dst: Float32Array, dstOffset: number, imageStride: number): void {
  const ld = images * area;
  for (let t = 0; t < images; t++) {
    for (let o = 0; o < planes; o++) {
      let s = o * ld + t * area;
      let d = dstOffset + t * imageStride + o * area;
      for (const end = d + area; d < end; d++) dst[d] = src[s++];
    }
  }
}

const scratchBuffers: Float32Array[] = [];
const scratchBuffers64: Float64Array[] = [];

/**
 * A reusable float buffer of at least `size` elements (contents undefined). `slot` keeps
 * buffers that are live at the same time apart. Kernels run one at a time, so one set serves all.
 */
export function scratch(slot: number, size: number): Float32Array {
  const current = scratchBuffers[slot];
  if (current !== undefined && current.length >= size) return current;
  const next = new Float32Array(Math.max(size, current ? current.length * 2 : 0));
  scratchBuffers[slot] = next;
  return next;
}

/** The same in float64, for operands that inner loops read many times (no float32 widening per load). */
export function scratch64(slot: number, size: number): Float64Array {
  const current = scratchBuffers64[slot];
  if (current !== undefined && current.length >= size) return current;
  const next = new Float64Array(Math.max(size, current ? current.length * 2 : 0));
  scratchBuffers64[slot] = next;
  return next;
}

/** First output column whose tap kj lands inside the input row (ow*strideW - padLeft + kj*dilationW >= 0). */
function firstValidColumn(g: ConvGeometry, kj: number): number {
  const shift = g.padLeft - kj * g.dilationW;
  return shift <= 0 ? 0 : Math.min(g.outW, Math.ceil(shift / g.strideW));
}

/** One past the last output column whose tap kj lands inside the input row. */
function endValidColumn(g: ConvGeometry, kj: number): number {
  const last = g.inW - 1 + g.padLeft - kj * g.dilationW;
  return last < 0 ? 0 : Math.min(g.outW, Math.floor(last / g.strideW) + 1);
}

/** First output row whose tap ki lands inside the input (oh*strideH - padTop + ki*dilationH >= 0). */
function firstValidRow(g: ConvGeometry, ki: number): number {
  const shift = g.padTop - ki * g.dilationH;
  return shift <= 0 ? 0 : Math.min(g.outH, Math.ceil(shift / g.strideH));
}

/** One past the last output row whose tap ki lands inside the input. */
function endValidRow(g: ConvGeometry, ki: number): number {
  const last = g.inH - 1 + g.padTop - ki * g.dilationH;
  return last < 0 ? 0 : Math.min(g.outH, Math.floor(last / g.strideH) + 1);
}

/**
 * Fills col[colOffset + row * ldcol + (p - p0)] for rows (c, ki, kj) of the channels of one
 * group of one image (x read from xOffset, channel c at xOffset + c*inArea) and output pixels
 * p in [p0, p0 + count). `ldcol` (count by default) lets several images' columns sit side by
 * side in one matrix, so that one GEMM serves them all.
 */
export function im2col(x: Float32Array, xOffset: number, g: ConvGeometry, p0: number, count: number, col: Float32Array, ldcol = count, colOffset = 0): void {
  if (p0 % g.outW === 0 && count % g.outW === 0) im2colRows(x, xOffset, g, p0 / g.outW, count / g.outW, col, ldcol, colOffset);
  else im2colPixels(x, xOffset, g, p0, count, col, ldcol, colOffset);
}

/**
 * im2col for whole output rows [oh0, oh0 + rows): LeNet-sized images have rows of 10-28
 * pixels, so everything that does not change along a row (the tap's valid rows and columns)
 * is found once per tap, and each row is two zero runs around one straight copy.
 */
function im2colRows(x: Float32Array, xOffset: number, g: ConvGeometry, oh0: number, rows: number, col: Float32Array, ldcol: number, colOffset: number): void {
  const { kH, kW, inW, outW, strideH, strideW, dilationH, padTop, padLeft, dilationW, inArea } = g;
  const ohEnd = oh0 + rows;
  let row = 0;
  for (let c = 0; c < g.groupIn; c++) {
    const plane = xOffset + c * inArea;
    for (let ki = 0; ki < kH; ki++) {
      const validFrom = Math.min(ohEnd, Math.max(oh0, firstValidRow(g, ki)));
      const validTo = Math.max(validFrom, Math.min(ohEnd, endValidRow(g, ki)));
      for (let kj = 0; kj < kW; kj++, row++) {
        const rowStart = colOffset + row * ldcol;
        // Rows whose tap falls in the top or bottom padding are zeros, one run each.
        if (validFrom > oh0) col.fill(0, rowStart, rowStart + (validFrom - oh0) * outW);
        if (validTo < ohEnd) col.fill(0, rowStart + (validTo - oh0) * outW, rowStart + rows * outW);
        const lo = firstValidColumn(g, kj);
        const hi = Math.max(lo, endValidColumn(g, kj));
        const width = hi - lo;
        // Padding columns first, then one copy of `width` values per row: short rows make the per-row work what counts.
        if (lo > 0 || hi < outW) {
          for (let oh = validFrom; oh < validTo; oh++) {
            const dst = rowStart + (oh - oh0) * outW;
            for (let q = dst; q < dst + lo; q++) col[q] = 0;
            for (let q = dst + hi; q < dst + outW; q++) col[q] = 0;
          }
        }
        const srcStep = strideH * inW - width * strideW;
        let src = plane + (validFrom * strideH - padTop + ki * dilationH) * inW + lo * strideW + kj * dilationW - padLeft;
        let dst = rowStart + (validFrom - oh0) * outW + lo;
        const dstStep = outW - width;
        if (strideW === 1) {
          for (let oh = validFrom; oh < validTo; oh++, src += srcStep, dst += dstStep) {
            for (const end = dst + width; dst < end; dst++) col[dst] = x[src++];
          }
        } else {
          for (let oh = validFrom; oh < validTo; oh++, src += srcStep, dst += dstStep) {
            for (const end = dst + width; dst < end; dst++, src += strideW) col[dst] = x[src];
          }
        }
      }
    }
  }
}

/** im2col for a tile that starts or ends inside an output row (very wide images only). */
function im2colPixels(x: Float32Array, xOffset: number, g: ConvGeometry, p0: number, count: number, col: Float32Array, ldcol: number, colOffset: number): void {
  const { kH, kW, inW, inH, outW, strideH, strideW, dilationH, padTop, padLeft, dilationW, inArea } = g;
  const pEnd = p0 + count;
  let row = 0;
  for (let c = 0; c < g.groupIn; c++) {
    const plane = xOffset + c * inArea;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++, row++) {
        const lo = firstValidColumn(g, kj);
        const hi = endValidColumn(g, kj);
        const tapShift = kj * dilationW - padLeft;
        let dst = colOffset + row * ldcol;
        let p = p0;
        while (p < pEnd) {
          const oh = Math.floor(p / outW);
          const owStart = p - oh * outW;
          const owEnd = Math.min(outW, owStart + pEnd - p);
          const ih = oh * strideH - padTop + ki * dilationH;
          if (ih < 0 || ih >= inH) {
            for (let ow = owStart; ow < owEnd; ow++) col[dst++] = 0;
          } else {
            const a = Math.max(owStart, Math.min(lo, owEnd));
            const b = Math.max(a, Math.min(hi, owEnd));
            let ow = owStart;
            for (; ow < a; ow++) col[dst++] = 0;
            let src = plane + ih * inW + a * strideW + tapShift;
            for (; ow < b; ow++, src += strideW) col[dst++] = x[src];
            for (; ow < owEnd; ow++) col[dst++] = 0;
          }
          p += owEnd - owStart;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds col's entries (laid out as im2col writes them, with the same
 * ldcol and colOffset) back into the image planes at dx[dxOffset + c*inArea + ...].
 */
export function col2im(col: Float32Array, g: ConvGeometry, p0: number, count: number, dx: Float32Array, dxOffset: number, ldcol = count, colOffset = 0): void {
  if (p0 % g.outW === 0 && count % g.outW === 0) col2imRows(col, g, p0 / g.outW, count / g.outW, dx, dxOffset, ldcol, colOffset);
  else col2imPixels(col, g, p0, count, dx, dxOffset, ldcol, colOffset);
}

/** col2im for whole output rows: each tap adds one straight run per row where it lands inside. */
function col2imRows(col: Float32Array, g: ConvGeometry, oh0: number, rows: number, dx: Float32Array, dxOffset: number, ldcol: number, colOffset: number): void {
  const { kH, kW, inW, outW, strideH, strideW, dilationH, padTop, padLeft, dilationW, inArea } = g;
  const ohEnd = oh0 + rows;
  let row = 0;
  for (let c = 0; c < g.groupIn; c++) {
    const plane = dxOffset + c * inArea;
    for (let ki = 0; ki < kH; ki++) {
      const validFrom = Math.max(oh0, firstValidRow(g, ki));
      const validTo = Math.min(ohEnd, endValidRow(g, ki));
      for (let kj = 0; kj < kW; kj++, row++) {
        const lo = firstValidColumn(g, kj);
        const width = endValidColumn(g, kj) - lo;
        if (width <= 0) continue;
        let src = colOffset + row * ldcol + (validFrom - oh0) * outW + lo;
        let dst = plane + (validFrom * strideH - padTop + ki * dilationH) * inW + lo * strideW + kj * dilationW - padLeft;
        const srcStep = outW - width;
        const dstStep = strideH * inW - width * strideW;
        if (strideW === 1) {
          for (let oh = validFrom; oh < validTo; oh++, src += srcStep, dst += dstStep) {
            for (const end = src + width; src < end; src++) dx[dst++] += col[src];
          }
        } else {
          for (let oh = validFrom; oh < validTo; oh++, src += srcStep, dst += dstStep) {
            for (const end = src + width; src < end; src++, dst += strideW) dx[dst] += col[src];
          }
        }
      }
    }
  }
}

/** col2im for a tile that starts or ends inside an output row. */
function col2imPixels(col: Float32Array, g: ConvGeometry, p0: number, count: number, dx: Float32Array, dxOffset: number, ldcol: number, colOffset: number): void {
  const { kH, kW, inW, inH, outW, strideH, strideW, dilationH, padTop, padLeft, dilationW, inArea } = g;
  const pEnd = p0 + count;
  let row = 0;
  for (let c = 0; c < g.groupIn; c++) {
    const plane = dxOffset + c * inArea;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++, row++) {
        const lo = firstValidColumn(g, kj);
        const hi = endValidColumn(g, kj);
        const tapShift = kj * dilationW - padLeft;
        const rowStart = colOffset + row * ldcol - p0;
        let p = p0;
        while (p < pEnd) {
          const oh = Math.floor(p / outW);
          const owStart = p - oh * outW;
          const owEnd = Math.min(outW, owStart + pEnd - p);
          const ih = oh * strideH - padTop + ki * dilationH;
          if (ih >= 0 && ih < inH) {
            const a = Math.max(owStart, Math.min(lo, owEnd));
            const b = Math.max(a, Math.min(hi, owEnd));
            let src = rowStart + oh * outW + a;
            let dst = plane + ih * inW + a * strideW + tapShift;
            for (let ow = a; ow < b; ow++, dst += strideW) dx[dst] += col[src++];
          }
          p += owEnd - owStart;
        }
      }
    }
  }
}

/** The extent [rows, columns] of the zero-padded input that a conv's taps read (for the direct loops). */
export function paddedExtent(g: ConvGeometry): [number, number] {
  return [(g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1, (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW + 1];
}

/** Copies the input plane at x[offset] into the top-left-padded window [paddedH × paddedW], zeros elsewhere. */
export function padPlane(x: Float32Array, offset: number, g: ConvGeometry, plane: Float64Array, paddedH: number, paddedW: number): void {
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

/** The adjoint of padPlane: adds the interior of a padded plane into the image plane at dx[offset]. */
export function unpadPlane(plane: Float64Array, paddedH: number, paddedW: number, g: ConvGeometry, dx: Float32Array, offset: number): void {
  const { inH, inW, padTop, padLeft } = g;
  const rows = Math.min(inH, paddedH - padTop);
  const cols = Math.min(inW, paddedW - padLeft);
  for (let r = 0; r < rows; r++) {
    let src = (r + padTop) * paddedW + padLeft;
    let dst = offset + r * inW;
    for (let col = 0; col < cols; col++) dx[dst++] += plane[src++];
  }
}
