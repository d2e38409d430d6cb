/**
 * Test scenes, ground truth beside prediction: class masks blended over the image with a
 * legend of the classes' colours (segment), or boxes in the class's colour labelled with the
 * class and score (localize, detect).
 */
import { encodePng, type Image } from '@nn/data';
import { el, svgDocument, text } from '@nn/app-kit/svg';

/** Ten clothes colours (Tableau 10); background is not painted. */
export const CLASS_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface SceneBox {
  box: readonly [number, number, number, number];
  classId: number;
  /** Absent for ground truth. */
  score?: number;
}

export interface ScenePanel {
  image: Image;
  /** Class per pixel: 0 background, 1 + class (segment); for binary masks 1 is 'clothes'. */
  mask?: Uint8Array;
  boxes?: readonly SceneBox[];
}

export interface ScenesOptions {
  title: string;
  classes: readonly string[];
  rows: readonly { truth: ScenePanel; prediction: ScenePanel }[];
  /** Caption of the left panels. Default 'ground truth'. */
  leftCaption?: string;
  /** Pixels per scene pixel. Default 3. */
  scale?: number;
}

const hex = (color: string): number[] => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));

/** The image with each labelled pixel blended half-way to its class colour. */
function overlay(image: Image, mask: Uint8Array): Image {
  const { height, width, channels } = image;
  const plane = height * width;
  const data = new Uint8Array(3 * plane);
  const scale = image.data instanceof Uint8Array ? 1 : 255;
  for (let i = 0; i < plane; i++) {
    const label = mask[i];
    const color = label > 0 ? hex(CLASS_COLORS[(label - 1) % CLASS_COLORS.length]) : null;
    for (let c = 0; c < 3; c++) {
      const v = image.data[(channels === 3 ? c : 0) * plane + i] * scale;
      data[c * plane + i] = color === null ? v : Math.round(0.45 * v + 0.55 * color[c]);
    }
  }
  return { channels: 3, height, width, data };
}

function panel(x: number, y: number, p: ScenePanel, scale: number, classes: readonly string[]): string[] {
  const image = p.mask === undefined ? p.image : overlay(p.image, p.mask);
  const href = `data:image/png;base64,${Buffer.from(encodePng(image)).toString('base64')}`;
  const out = [el('image', { x, y, width: image.width * scale, height: image.height * scale, href, 'image-rendering': 'optimizeSpeed' })];
  for (const b of p.boxes ?? []) {
    const color = CLASS_COLORS[b.classId % CLASS_COLORS.length];
    const [x0, y0, x1, y1] = b.box.map((v) => v * scale);
    out.push(el('rect', { x: x + x0, y: y + y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0), fill: 'none', stroke: color, 'stroke-width': 2 }));
    const label = b.score === undefined ? classes[b.classId] : `${classes[b.classId]} ${b.score.toFixed(2)}`;
    out.push(el('rect', { x: x + x0, y: y + Math.max(0, y0 - 13), width: 6.2 * label.length + 4, height: 13, fill: color }));
    out.push(text(x + x0 + 2, y + Math.max(0, y0 - 13) + 10, label, { size: 10, fill: 'white' }));
  }
  return out;
}

export function scenesSvg(options: ScenesOptions): string {
  const scale = options.scale ?? 3;
  const side = Math.max(...options.rows.map((r) => r.truth.image.width), 1) * scale;
  const gap = 14;
  const pairs = 2; // pairs per row of the picture
  const width = pairs * (2 * side + gap) + (pairs + 1) * gap + gap;
  const rows = Math.ceil(options.rows.length / pairs);
  const legendRows = Math.ceil(options.classes.length / 5);
  const height = 60 + rows * (side + 26) + legendRows * 20 + 20;
  const body: string[] = [text(width / 2, 24, options.title, { size: 14, anchor: 'middle', weight: 'bold' })];
  options.rows.forEach((row, i) => {
    const x = gap + (i % pairs) * (2 * side + 2 * gap);
    const y = 60 + Math.floor(i / pairs) * (side + 26);
    body.push(text(x + side / 2, y - 6, options.leftCaption ?? 'ground truth', { size: 11, anchor: 'middle', fill: '#555' }));
    body.push(text(x + side + gap + side / 2, y - 6, 'prediction', { size: 11, anchor: 'middle', fill: '#555' }));
    body.push(...panel(x, y, row.truth, scale, options.classes), ...panel(x + side + gap, y, row.prediction, scale, options.classes));
  });
  const legendTop = 60 + rows * (side + 26);
  options.classes.forEach((name, k) => {
    const x = gap + (k % 5) * 130;
    const y = legendTop + Math.floor(k / 5) * 20;
    body.push(el('rect', { x, y, width: 14, height: 14, fill: CLASS_COLORS[k % CLASS_COLORS.length] }));
    body.push(text(x + 20, y + 11, name, { size: 11 }));
  });
  return svgDocument(width, height, body);
}
