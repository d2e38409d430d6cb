/**
 * The confusion matrix as a heat map: rows are the true classes, columns the predicted ones
 * (scikit-learn's layout), each cell shows its count and is shaded by the fraction of its
 * row, so the diagonal shows each class's recall and a dark cell off the diagonal is a
 * confusion worth looking at (Fashion-MNIST's shirts and T-shirts). The shade follows the
 * square root of the fraction so that errors of a few per cent are still visible.
 */
import { el, svgDocument, text } from './svg.js';

/** ColorBrewer's "Blues", light to dark. */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

/** The colour for t in [0, 1], interpolated between the palette's stops. */
export function blues(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = (hex: string): number[] => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  const [a, b] = [rgb(BLUES[i]), rgb(BLUES[i + 1])];
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(',')})`;
}

const shade = (fraction: number): number => Math.sqrt(fraction);

export interface ConfusionPlotOptions {
  classes: readonly string[];
  /** counts[true][predicted]. */
  counts: number[][];
  title: string;
}

export function confusionSvg({ classes, counts, title }: ConfusionPlotOptions): string {
  const n = classes.length;
  const cell = n <= 10 ? 56 : Math.max(24, Math.floor(560 / n));
  const left = 130;
  const top = 64;
  const grid = n * cell;
  const bottom = 100;
  const barX = left + grid + 36;
  const width = barX + 110;
  const height = top + grid + bottom;
  const body: string[] = [text(left + grid / 2, 30, title, { size: 18, weight: 'bold', anchor: 'middle' })];
  const fontSize = Math.min(14, cell * 0.3);

  counts.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const fraction = total === 0 ? 0 : count / total;
      const x = left + p * cell;
      const y = top + t * cell;
      body.push(el('rect', { x, y, width: cell, height: cell, fill: blues(shade(fraction)), stroke: '#fff', 'stroke-width': 1 }));
      if (count > 0) {
        const dark = shade(fraction) > 0.55;
        body.push(text(x + cell / 2, y + cell / 2, String(count), { size: fontSize, anchor: 'middle', baseline: 'middle', fill: dark ? '#fff' : '#222', weight: t === p ? 'bold' : 'normal' }));
      }
    });
  });
  // Class names: true classes on the left, predicted ones below, slanted to fit.
  classes.forEach((name, k) => {
    body.push(text(left - 8, top + k * cell + cell / 2, name, { size: 13, anchor: 'end', baseline: 'middle' }));
    const x = left + k * cell + cell / 2;
    body.push(text(x + 4, top + grid + 12, name, { size: 13, anchor: 'end', rotate: -40 }));
  });
  body.push(el('rect', { x: left, y: top, width: grid, height: grid, fill: 'none', stroke: '#444', 'stroke-width': 1 }));
  body.push(text(left + grid / 2, height - 12, 'predicted class', { size: 14, anchor: 'middle', weight: 'bold' }));
  body.push(text(18, top + grid / 2, 'true class', { size: 14, anchor: 'middle', weight: 'bold', rotate: -90 }));

  // Colour bar, ticked at round fractions placed on the square-root scale.
  const steps = 64;
  for (let s = 0; s < steps; s++) {
    const y = top + grid - ((s + 1) * grid) / steps;
    body.push(el('rect', { x: barX, y, width: 18, height: grid / steps + 0.5, fill: blues((s + 0.5) / steps) }));
  }
  body.push(el('rect', { x: barX, y: top, width: 18, height: grid, fill: 'none', stroke: '#444', 'stroke-width': 1 }));
  for (const fraction of [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1]) {
    const y = top + grid - shade(fraction) * grid;
    body.push(el('line', { x1: barX + 18, y1: y, x2: barX + 23, y2: y, stroke: '#444' }));
    body.push(text(barX + 27, y, `${Math.round(fraction * 100)} %`, { size: 11, baseline: 'middle' }));
  }
  body.push(text(barX + 9, top - 10, 'share of row', { size: 11, anchor: 'middle' }));
  return svgDocument(width, height, body);
}
