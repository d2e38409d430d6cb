/**
 * Heat maps: n × n values filled into an ImageData, then scaled onto the visible canvas
 * (smoothed, as TF Playground's); the output's map also carries the points.
 */
import type { Point } from '../datasets.js';
import { DOMAIN } from '../features.js';
import { colorOf } from './colors.js';

const scratch = document.createElement('canvas');

/** Draws column `column` of `values` (rows of `stride` per grid point, row-major from the top) over the canvas. */
export function drawHeatmap(canvas: HTMLCanvasElement, values: Float32Array, n: number, options: { stride?: number; column?: number; discretize?: boolean } = {}): void {
  const stride = options.stride ?? 1;
  const column = options.column ?? 0;
  scratch.width = n;
  scratch.height = n;
  const context = scratch.getContext('2d')!;
  const image = context.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = colorOf(values[i * stride + column], options.discretize);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext('2d')!;
  target.imageSmoothingEnabled = true;
  target.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/** Points on the map: filled by label, ringed white (training) or black (test). */
export function drawPoints(canvas: HTMLCanvasElement, points: readonly Point[], test: boolean): void {
  const context = canvas.getContext('2d')!;
  const scale = canvas.width / (2 * DOMAIN);
  for (const p of points) {
    const [r, g, b] = colorOf(p.label);
    context.beginPath();
    context.arc((p.x + DOMAIN) * scale, (DOMAIN - p.y) * scale, 3.5, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${r | 0},${g | 0},${b | 0})`;
    context.fill();
    context.lineWidth = 0.8;
    context.strokeStyle = test ? 'black' : 'white';
    context.stroke();
  }
}
