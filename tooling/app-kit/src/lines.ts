/**
 * A line chart with axes, ticks and a legend: the loss curves (loss per epoch) and the
 * precision–recall curves (one per class) are both drawn with it.
 */
import { el, svgDocument, text } from './svg.js';

export interface Line {
  label: string;
  x: readonly number[];
  y: readonly number[];
  color: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: readonly Line[];
  /** Fixed axis ranges (default: the data's). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

/** Round tick values covering [min, max], 1, 2 or 5 times a power of ten apart. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return niceTicks(min - 1, max + 1, count);
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const SIZE = { width: 640, height: 420, left: 70, right: 190, top: 50, bottom: 52 };

export function chartSvg(options: ChartOptions): string {
  const finite = (values: readonly number[]): number[] => values.filter(Number.isFinite);
  const xs = options.lines.flatMap((l) => finite(l.x));
  const ys = options.lines.flatMap((l) => finite(l.y));
  const [x0, x1] = options.xRange ?? [Math.min(...xs, 0), Math.max(...xs, 1)];
  const [y0, y1] = options.yRange ?? [Math.min(...ys, 0), Math.max(...ys, 1e-9)];
  const plotW = SIZE.width - SIZE.left - SIZE.right;
  const plotH = SIZE.height - SIZE.top - SIZE.bottom;
  const px = (v: number): number => SIZE.left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const py = (v: number): number => SIZE.top + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;
  const body: string[] = [text(SIZE.width / 2 - SIZE.right / 2 + SIZE.left / 2, 24, options.title, { size: 14, anchor: 'middle', weight: 'bold' })];
  body.push(el('rect', { x: SIZE.left, y: SIZE.top, width: plotW, height: plotH, fill: 'none', stroke: '#999' }));
  for (const t of niceTicks(x0, x1)) {
    if (t < x0 || t > x1) continue;
    body.push(el('line', { x1: px(t), y1: SIZE.top + plotH, x2: px(t), y2: SIZE.top + plotH + 5, stroke: '#999' }));
    body.push(text(px(t), SIZE.top + plotH + 18, String(t), { size: 11, anchor: 'middle' }));
  }
  for (const t of niceTicks(y0, y1)) {
    if (t < y0 || t > y1) continue;
    body.push(el('line', { x1: SIZE.left, y1: py(t), x2: SIZE.left + plotW, y2: py(t), stroke: '#eee' }));
    body.push(text(SIZE.left - 6, py(t), String(t), { size: 11, anchor: 'end', baseline: 'middle' }));
  }
  body.push(text(SIZE.left + plotW / 2, SIZE.height - 12, options.xLabel, { size: 12, anchor: 'middle' }));
  body.push(text(18, SIZE.top + plotH / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }));
  options.lines.forEach((line, i) => {
    const points = line.x.map((x, k) => [x, line.y[k]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length > 0) {
      body.push(el('polyline', { points: points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' '), fill: 'none', stroke: line.color, 'stroke-width': 2 }));
    }
    const ly = SIZE.top + 8 + i * 18;
    body.push(el('line', { x1: SIZE.width - SIZE.right + 14, y1: ly, x2: SIZE.width - SIZE.right + 34, y2: ly, stroke: line.color, 'stroke-width': 3 }));
    body.push(text(SIZE.width - SIZE.right + 40, ly, line.label, { size: 11, baseline: 'middle' }));
  });
  return svgDocument(SIZE.width, SIZE.height, body);
}
