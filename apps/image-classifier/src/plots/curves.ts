/**
 * Learning curves: loss and accuracy per epoch, on the training batches (as the model saw
 * them during the epoch, in training mode) and on the validation images after the epoch,
 * with the epoch whose checkpoint was kept marked.
 */
import { el, svgDocument, text } from '@nn/app-kit/svg';

export interface Series {
  label: string;
  values: readonly number[];
  color: string;
  dashed?: boolean;
}

export interface PanelOptions {
  title: string;
  yLabel: string;
  series: readonly Series[];
  /** Formats a y tick. */
  format?: (v: number) => string;
  /** Epoch (from 1) to mark with a vertical line, or undefined. */
  marked?: number;
}

/** Round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

const PANEL = { width: 520, height: 360, left: 70, right: 24, top: 66, bottom: 52 };

function panel(x0: number, options: PanelOptions): string[] {
  const { width, height, left, right, top, bottom } = PANEL;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const epochs = Math.max(...options.series.map((s) => s.values.length), 1);
  const all = options.series.flatMap((s) => s.values.filter(Number.isFinite));
  const ticks = niceTicks(Math.min(...all), Math.max(...all));
  const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
  const format = options.format ?? ((v: number) => String(v));
  const px = (epoch: number): number => x0 + left + (epochs === 1 ? plotW / 2 : ((epoch - 1) / (epochs - 1)) * plotW);
  const py = (v: number): number => top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const body: string[] = [text(x0 + left + plotW / 2, 28, options.title, { size: 16, weight: 'bold', anchor: 'middle' })];

  for (const t of ticks) {
    body.push(el('line', { x1: x0 + left, y1: py(t), x2: x0 + left + plotW, y2: py(t), stroke: '#e4e4e4' }));
    body.push(text(x0 + left - 8, py(t), format(t), { size: 12, anchor: 'end', baseline: 'middle' }));
  }
  const every = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 1; e <= epochs; e++) {
    if ((e - 1) % every !== 0 && e !== epochs) continue;
    body.push(el('line', { x1: px(e), y1: top + plotH, x2: px(e), y2: top + plotH + 5, stroke: '#444' }));
    body.push(text(px(e), top + plotH + 19, String(e), { size: 12, anchor: 'middle' }));
  }
  body.push(el('rect', { x: x0 + left, y: top, width: plotW, height: plotH, fill: 'none', stroke: '#444' }));
  body.push(text(x0 + left + plotW / 2, height - 10, 'epoch', { size: 13, anchor: 'middle' }));
  body.push(text(x0 + 18, top + plotH / 2, options.yLabel, { size: 13, anchor: 'middle', rotate: -90 }));
  if (options.marked !== undefined) {
    const x = px(options.marked);
    const nearRight = x > x0 + left + plotW * 0.8;
    body.push(el('line', { x1: x, y1: top, x2: x, y2: top + plotH, stroke: '#888', 'stroke-dasharray': '4 4' }));
    body.push(text(nearRight ? x - 5 : x + 5, top + plotH - 8, `kept (epoch ${options.marked})`, { size: 11, fill: '#666', anchor: nearRight ? 'end' : 'start' }));
  }
  for (const s of options.series) {
    const points = s.values.map((v, i) => `${px(i + 1).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    body.push(el('polyline', { points, fill: 'none', stroke: s.color, 'stroke-width': 2.2, 'stroke-dasharray': s.dashed === true ? '6 4' : undefined }));
    s.values.forEach((v, i) => body.push(el('circle', { cx: px(i + 1), cy: py(v), r: 3, fill: s.color })));
  }
  // Legend between the title and the plot, where it hides no data.
  options.series.forEach((s, k) => {
    const y = top - 16;
    const x = x0 + left + plotW / 2 - 110 + k * 120;
    body.push(el('line', { x1: x, y1: y, x2: x + 24, y2: y, stroke: s.color, 'stroke-width': 2.2, 'stroke-dasharray': s.dashed === true ? '6 4' : undefined }));
    body.push(text(x + 30, y, s.label, { size: 12, baseline: 'middle' }));
  });
  return body;
}

export interface CurvesOptions {
  title: string;
  loss: { train: readonly number[]; val: readonly number[] };
  accuracy: { train: readonly number[]; val: readonly number[] };
  /** The epoch (from 1) whose weights were kept. */
  best?: number;
}

export function curvesSvg(options: CurvesOptions): string {
  const train = '#1f77b4';
  const val = '#d62728';
  const percent = (v: number): string => `${Math.round(v * 1000) / 10} %`;
  const body = [
    text(PANEL.width, 22, options.title, { size: 13, anchor: 'middle', fill: '#555' }),
    ...panel(0, {
      title: 'Loss (cross entropy)',
      yLabel: 'loss',
      series: [
        { label: 'training', values: options.loss.train, color: train },
        { label: 'validation', values: options.loss.val, color: val, dashed: true },
      ],
      format: (v) => String(Math.round(v * 1000) / 1000),
      marked: options.best,
    }),
    ...panel(PANEL.width, {
      title: 'Accuracy',
      yLabel: 'accuracy',
      series: [
        { label: 'training', values: options.accuracy.train, color: train },
        { label: 'validation', values: options.accuracy.val, color: val, dashed: true },
      ],
      format: percent,
      marked: options.best,
    }),
  ];
  // The panels' titles sit at y 28; push everything down to make room for the run's title.
  return svgDocument(2 * PANEL.width, PANEL.height + 24, [`<g transform="translate(0 24)">${body.slice(1).join('')}</g>`, body[0]]);
}
