/**
 * The app's pictures: grids of 28×28 images (samples, the VAE's latent map), rows of images
 * with a caption each (reconstructions beside inputs, samples over epochs, interpolations),
 * the VAE's test codes coloured by class, the share of each class in generated samples, and
 * line charts (the GAN players' losses). Grids are PNG images drawn pixel by pixel; the rest
 * are SVG rasterised by resvg, with the images embedded as PNG.
 */
import { encodePng } from '@nn/data';
import { chartSvg, niceTicks, type Line } from '@nn/app-kit/lines';
import { el, renderPng, svgDocument, text } from '@nn/app-kit/svg';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Ten class colours (Tableau 10). */
export const CLASS_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const toByte = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255);

/**
 * PNG of `count` images (N × 784 values in [0, 1]) in rows of `columns`, each pixel drawn
 * `scale` × `scale`, with a `gap`-pixel grey frame between them.
 */
export function imageGridPng(pixels: Float32Array, columns: number, scale = 2, gap = 2): Uint8Array {
  const count = pixels.length / PIXELS;
  const rows = Math.ceil(count / columns);
  const cell = SIDE * scale + gap;
  const width = columns * cell + gap;
  const height = rows * cell + gap;
  const data = new Uint8Array(width * height).fill(96);
  for (let k = 0; k < count; k++) {
    const x0 = gap + (k % columns) * cell;
    const y0 = gap + Math.floor(k / columns) * cell;
    for (let y = 0; y < SIDE * scale; y++) {
      for (let x = 0; x < SIDE * scale; x++) {
        data[(y0 + y) * width + x0 + x] = toByte(pixels[k * PIXELS + Math.floor(y / scale) * SIDE + Math.floor(x / scale)]);
      }
    }
  }
  return encodePng({ channels: 1, height, width, data });
}

export interface CaptionedRow {
  caption: string;
  /** Images of the row, M × 784 values in [0, 1]. */
  pixels: Float32Array;
}

/** Rows of images, each with its caption on the left, under a title. */
export function captionedRowsPng(title: string, rows: readonly CaptionedRow[], scale = 2): Uint8Array {
  const captionWidth = 130;
  const columns = Math.max(...rows.map((r) => r.pixels.length / PIXELS));
  const cell = SIDE * scale + 2;
  const width = captionWidth + columns * cell + 10;
  const top = 36;
  const body = [text(10, 22, title, { size: 14, weight: 'bold' })];
  rows.forEach((row, r) => {
    const y = top + r * (cell + 4);
    body.push(text(10, y + cell / 2, row.caption, { size: 12, baseline: 'middle' }));
    const href = `data:image/png;base64,${Buffer.from(imageGridPng(row.pixels, columns, scale)).toString('base64')}`;
    const png = imageSize(row.pixels.length / PIXELS, columns, scale);
    body.push(el('image', { x: captionWidth, y, width: png.width, height: png.height, href, 'image-rendering': 'optimizeSpeed' }));
  });
  return renderPng(svgDocument(width, top + rows.length * (cell + 4) + 10, body));
}

function imageSize(count: number, columns: number, scale: number, gap = 2): { width: number; height: number } {
  const cell = SIDE * scale + gap;
  return { width: columns * cell + gap, height: Math.ceil(count / columns) * cell + gap };
}

/** The test set's 2-D codes as dots coloured by their class, with a legend. */
export function codesScatterPng(title: string, codes: Float32Array, labels: Int32Array, classes: readonly string[]): Uint8Array {
  const size = { width: 640, height: 520, left: 60, right: 170, top: 44, bottom: 46 };
  const xs = codes.filter((_, i) => i % 2 === 0);
  const ys = codes.filter((_, i) => i % 2 === 1);
  const limit = Math.max(3, ...[...xs, ...ys].map(Math.abs).filter(Number.isFinite));
  const plotW = size.width - size.left - size.right;
  const plotH = size.height - size.top - size.bottom;
  const px = (v: number): number => size.left + ((v + limit) / (2 * limit)) * plotW;
  const py = (v: number): number => size.top + plotH - ((v + limit) / (2 * limit)) * plotH;
  const body = [text(size.left + plotW / 2, 26, title, { size: 14, anchor: 'middle', weight: 'bold' })];
  body.push(el('rect', { x: size.left, y: size.top, width: plotW, height: plotH, fill: 'none', stroke: '#999' }));
  for (const t of niceTicks(-limit, limit)) {
    body.push(text(px(t), size.top + plotH + 16, String(t), { size: 11, anchor: 'middle' }));
    body.push(text(size.left - 6, py(t), String(t), { size: 11, anchor: 'end', baseline: 'middle' }));
  }
  body.push(text(size.left + plotW / 2, size.height - 10, 'z₁', { size: 12, anchor: 'middle' }));
  body.push(text(20, size.top + plotH / 2, 'z₂', { size: 12, anchor: 'middle' }));
  for (let i = 0; i < labels.length; i++) {
    body.push(el('circle', { cx: px(xs[i]), cy: py(ys[i]), r: 2.2, fill: CLASS_COLORS[labels[i] % 10], 'fill-opacity': 0.75 }));
  }
  classes.forEach((name, c) => {
    const y = size.top + 10 + c * 20;
    body.push(el('circle', { cx: size.width - size.right + 20, cy: y, r: 5, fill: CLASS_COLORS[c] }));
    body.push(text(size.width - size.right + 32, y, name, { size: 12, baseline: 'middle' }));
  });
  return renderPng(svgDocument(size.width, size.height, body));
}

/** Bars of the share of each class among generated samples, with the even share (1/classes) as a line. */
export function classSharesPng(title: string, shares: readonly number[], classes: readonly string[]): Uint8Array {
  const size = { width: 640, height: 400, left: 60, right: 20, top: 44, bottom: 90 };
  const plotW = size.width - size.left - size.right;
  const plotH = size.height - size.top - size.bottom;
  const top = Math.max(0.2, ...shares) * 1.1;
  const py = (v: number): number => size.top + plotH - (v / top) * plotH;
  const barW = plotW / shares.length;
  const body = [text(size.width / 2, 26, title, { size: 14, anchor: 'middle', weight: 'bold' })];
  for (const t of niceTicks(0, top)) {
    if (t > top) continue;
    body.push(el('line', { x1: size.left, y1: py(t), x2: size.left + plotW, y2: py(t), stroke: '#eee' }));
    body.push(text(size.left - 6, py(t), `${Math.round(t * 100)}%`, { size: 11, anchor: 'end', baseline: 'middle' }));
  }
  shares.forEach((share, c) => {
    const x = size.left + c * barW;
    body.push(el('rect', { x: x + 4, y: py(share), width: barW - 8, height: py(0) - py(share), fill: CLASS_COLORS[c % 10] }));
    body.push(text(x + barW / 2, py(share) - 4, `${(share * 100).toFixed(1)}%`, { size: 10, anchor: 'middle' }));
    body.push(text(x + barW / 2, py(0) + 14, classes[c] ?? String(c), { size: 11, anchor: 'end', rotate: -35 }));
  });
  const even = 1 / shares.length;
  body.push(el('line', { x1: size.left, y1: py(even), x2: size.left + plotW, y2: py(even), stroke: '#444', 'stroke-dasharray': '4 3' }));
  return renderPng(svgDocument(size.width, size.height, body));
}

export function lineChartPng(title: string, xLabel: string, yLabel: string, lines: readonly Line[]): Uint8Array {
  return renderPng(chartSvg({ title, xLabel, yLabel, lines }));
}
