/**
 * Scene backgrounds drawn from the seeded generator with + - * / only (no Math.sin or exp,
 * whose last bits differ between engines), so a seed paints the same floats everywhere.
 * Values stay in [0, 0.5) so that the items pasted on top (brighter, see scene.ts) stand out.
 */
import type { Generator } from '@nn/tensor';

export type BackgroundKind = 'plain' | 'noise' | 'gradient' | 'texture';
export const BACKGROUND_KINDS: readonly BackgroundKind[] = ['plain', 'noise', 'gradient', 'texture'];

const DARK = 0.5;

function color(generator: Generator, channels: number): number[] {
  return Array.from({ length: channels }, () => generator.nextFloat() * DARK);
}

/** Planar [channels, height, width] background of the given kind. */
export function paintBackground(kind: BackgroundKind, channels: number, height: number, width: number, generator: Generator): Float32Array {
  const plane = height * width;
  const out = new Float32Array(channels * plane);
  const base = color(generator, channels);
  if (kind === 'plain') {
    for (let c = 0; c < channels; c++) out.fill(base[c], c * plane, (c + 1) * plane);
  } else if (kind === 'noise') {
    // A base colour with uniform noise of up to ±0.1 per pixel and channel, clamped to [0, DARK).
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < plane; p++) out[c * plane + p] = Math.min(DARK - 1e-3, Math.max(0, base[c] + 0.2 * (generator.nextFloat() - 0.5)));
    }
  } else if (kind === 'gradient') {
    // Linear from one colour to another along a random direction (dx, dy), t in [0, 1].
    const end = color(generator, channels);
    const dx = generator.nextFloat() * 2 - 1;
    const dy = generator.nextFloat() * 2 - 1;
    const corners = [0, dx * (width - 1), dy * (height - 1), dx * (width - 1) + dy * (height - 1)];
    const low = Math.min(...corners);
    const range = Math.max(...corners) - low || 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (dx * x + dy * y - low) / range;
        for (let c = 0; c < channels; c++) out[c * plane + y * width + x] = base[c] + (end[c] - base[c]) * t;
      }
    }
  } else {
    // Value noise: random colours on a coarse grid (a cell of 4 to 16 pixels), bilinearly
    // interpolated: soft blotches, like out-of-focus clutter.
    const cell = 4 << generator.nextInt(0, 3);
    const gridH = Math.floor((height - 1) / cell) + 2;
    const gridW = Math.floor((width - 1) / cell) + 2;
    const grid = Array.from({ length: gridH * gridW }, () => color(generator, channels));
    for (let y = 0; y < height; y++) {
      const gy = Math.floor(y / cell);
      const ty = (y - gy * cell) / cell;
      for (let x = 0; x < width; x++) {
        const gx = Math.floor(x / cell);
        const tx = (x - gx * cell) / cell;
        const a = grid[gy * gridW + gx];
        const b = grid[gy * gridW + gx + 1];
        const d = grid[(gy + 1) * gridW + gx];
        const e = grid[(gy + 1) * gridW + gx + 1];
        for (let c = 0; c < channels; c++) {
          const top = a[c] + (b[c] - a[c]) * tx;
          const bottom = d[c] + (e[c] - d[c]) * tx;
          out[c * plane + y * width + x] = top + (bottom - top) * ty;
        }
      }
    }
  }
  return out;
}
