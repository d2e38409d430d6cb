/**
 * A grid of misclassified test images, enlarged with their pixels kept square, each with
 * its true class and the model's guess and confidence below it.
 */
import { encodePng, type Image } from '@nn/data';
import { el, svgDocument, text } from '@nn/app-kit/svg';

export interface Mistake {
  /** The test image as stored (bytes, grey). */
  image: Image;
  actual: string;
  predicted: string;
  /** The probability the model gave its (wrong) guess. */
  confidence: number;
}

export interface MistakesPlotOptions {
  mistakes: readonly Mistake[];
  title: string;
  columns?: number;
  /** Pixels per image pixel. */
  scale?: number;
}

/** Whole per cent, but one decimal (rounded down) near certainty: 99.97 % is not 100 %. */
const percent = (p: number): string => (p >= 0.995 ? `${(Math.floor(p * 1000) / 10).toFixed(1)} %` : `${Math.round(100 * p)} %`);

export function mistakesSvg({ mistakes, title, columns = 8, scale = 4 }: MistakesPlotOptions): string {
  const imageSide = Math.max(...mistakes.map((m) => Math.max(m.image.height, m.image.width)), 28) * scale;
  const cellWidth = Math.max(imageSide, 112) + 40; // room for 'guess: Ankle boot 99.9 %'
  const cellHeight = imageSide + 52;
  const top = 60;
  const cols = Math.max(1, Math.min(columns, mistakes.length));
  const rows = Math.ceil(mistakes.length / cols);
  const width = Math.max(cols * cellWidth + 24, 520);
  const height = top + Math.max(rows, 1) * cellHeight + 12;
  const body: string[] = [text(width / 2, 32, title, { size: 18, weight: 'bold', anchor: 'middle' })];
  if (mistakes.length === 0) body.push(text(width / 2, top + 30, 'no test image was misclassified', { size: 14, anchor: 'middle' }));
  mistakes.forEach((m, k) => {
    const x = 12 + (k % cols) * cellWidth;
    const y = top + Math.floor(k / cols) * cellHeight;
    const cx = x + cellWidth / 2;
    const href = `data:image/png;base64,${Buffer.from(encodePng(m.image)).toString('base64')}`;
    const w = m.image.width * scale;
    const h = m.image.height * scale;
    body.push(el('image', { x: cx - w / 2, y, width: w, height: h, href, 'image-rendering': 'optimizeSpeed' }));
    body.push(el('rect', { x: cx - w / 2, y, width: w, height: h, fill: 'none', stroke: '#999', 'stroke-width': 1 }));
    body.push(text(cx, y + imageSide + 17, `true: ${m.actual}`, { size: 12, anchor: 'middle', fill: '#1a5e20' }));
    body.push(text(cx, y + imageSide + 34, `guess: ${m.predicted} ${percent(m.confidence)}`, { size: 12, anchor: 'middle', fill: '#b71c1c' }));
  });
  return svgDocument(width, height, body);
}
