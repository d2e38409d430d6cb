/**
 * The datasets: TF Playground's six (circle, exclusive-or, two Gaussians, spiral; plane and
 * multi-Gaussian for regression), drawn as its dataset.ts draws them, and more: moons,
 * a checkerboard, and points above or below a function (sin, cubic, |x|). Points lie in
 * [-6, 6]²; class labels are ±1, regression values lie in [-1, 1]. Seeded, so a URL
 * reproduces the same points.
 */
import type { DatasetName } from './config.js';

export interface Point {
  x: number;
  y: number;
  label: number;
}

export type Rng = () => number;

/** mulberry32: a small, fast, well-mixed 32-bit generator. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniform = (rng: Rng, a: number, b: number): number => a + rng() * (b - a);

/** Box–Muller. */
function normal(rng: Rng, mean: number, variance: number): number {
  const u = 1 - rng();
  const v = rng();
  return mean + Math.sqrt(variance) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export const NUM_SAMPLES_CLASSIFY = 500;
export const NUM_SAMPLES_REGRESS = 1200;

type Generator = (rng: Rng, n: number, noise: number) => Point[];

function circle(rng: Rng, n: number, noise: number): Point[] {
  const radius = 5;
  const points: Point[] = [];
  const add = (rMin: number, rMax: number): void => {
    for (let i = 0; i < n / 2; i++) {
      const r = uniform(rng, rMin, rMax);
      const angle = uniform(rng, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = uniform(rng, -radius, radius) * noise;
      const ny = uniform(rng, -radius, radius) * noise;
      // As TF Playground: the label comes from the noisy position, the point keeps the clean one.
      points.push({ x, y, label: Math.hypot(x + nx, y + ny) < radius * 0.5 ? 1 : -1 });
    }
  };
  add(0, radius * 0.5);
  add(radius * 0.7, radius);
  return points;
}

function xor(rng: Rng, n: number, noise: number): Point[] {
  const padding = 0.3;
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    let x = uniform(rng, -5, 5);
    x += x > 0 ? padding : -padding;
    let y = uniform(rng, -5, 5);
    y += y > 0 ? padding : -padding;
    const nx = uniform(rng, -5, 5) * noise;
    const ny = uniform(rng, -5, 5) * noise;
    points.push({ x, y, label: (x + nx) * (y + ny) >= 0 ? 1 : -1 });
  }
  return points;
}

function gauss(rng: Rng, n: number, noise: number): Point[] {
  const variance = 0.5 + (noise / 0.5) * 3.5;
  const points: Point[] = [];
  for (const [c, label] of [[2, 1], [-2, -1]] as const) {
    for (let i = 0; i < n / 2; i++) points.push({ x: normal(rng, c, variance), y: normal(rng, c, variance), label });
  }
  return points;
}

function spiral(rng: Rng, n: number, noise: number): Point[] {
  const points: Point[] = [];
  const half = n / 2;
  for (const [deltaT, label] of [[0, 1], [Math.PI, -1]] as const) {
    for (let i = 0; i < half; i++) {
      const r = (i / half) * 5;
      const t = ((1.75 * i) / half) * 2 * Math.PI + deltaT;
      points.push({ x: r * Math.sin(t) + uniform(rng, -1, 1) * noise, y: r * Math.cos(t) + uniform(rng, -1, 1) * noise, label });
    }
  }
  return points;
}

/** Two interleaving half circles (scikit-learn's make_moons), scaled to the plane. */
function moons(rng: Rng, n: number, noise: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const upper = i < n / 2;
    const t = uniform(rng, 0, Math.PI);
    const mx = upper ? Math.cos(t) : 1 - Math.cos(t);
    const my = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    const x = (mx - 0.5) * 4 + normal(rng, 0, 1) * noise * 2;
    const y = (my - 0.25) * 4 + normal(rng, 0, 1) * noise * 2;
    points.push({ x, y, label: upper ? 1 : -1 });
  }
  return points;
}

/** A 4 × 4 board of 3 × 3 squares. */
function checkerboard(rng: Rng, n: number, noise: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x = uniform(rng, -6, 6);
    const y = uniform(rng, -6, 6);
    const nx = x + uniform(rng, -3, 3) * noise;
    const ny = y + uniform(rng, -3, 3) * noise;
    points.push({ x, y, label: (Math.floor(nx / 3) + Math.floor(ny / 3)) % 2 === 0 ? 1 : -1 });
  }
  return points;
}

/** Points above (+1) or below (−1) the curve x2 = f(x1). */
function boundary(f: (x: number) => number): Generator {
  return (rng, n, noise) => {
    const points: Point[] = [];
    for (let i = 0; i < n; i++) {
      const x = uniform(rng, -6, 6);
      const y = uniform(rng, -6, 6);
      const ny = y + uniform(rng, -6, 6) * noise;
      points.push({ x, y, label: ny > f(x) ? 1 : -1 });
    }
    return points;
  };
}

function regression(label: (x: number, y: number) => number): Generator {
  return (rng, n, noise) => {
    const radius = 6;
    const points: Point[] = [];
    for (let i = 0; i < n; i++) {
      const x = uniform(rng, -radius, radius);
      const y = uniform(rng, -radius, radius);
      const nx = uniform(rng, -radius, radius) * noise;
      const ny = uniform(rng, -radius, radius) * noise;
      points.push({ x, y, label: label(x + nx, y + ny) });
    }
    return points;
  };
}

const plane = regression((x, y) => clamp((x + y) / 10, -1, 1));

const GAUSSIANS: readonly [number, number, number][] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];
const multigauss = regression((x, y) => {
  let label = 0;
  for (const [cx, cy, sign] of GAUSSIANS) {
    const value = sign * clamp(1 - Math.hypot(x - cx, y - cy) / 2, 0, 1);
    if (Math.abs(value) > Math.abs(label)) label = value;
  }
  return label;
});

const GENERATORS: Record<Exclude<DatasetName, 'csv'>, Generator> = {
  circle,
  xor,
  gauss,
  spiral,
  moons,
  checkerboard,
  sin: boundary((x) => 3 * Math.sin(x)),
  cubic: boundary((x) => (x * x * x) / 25),
  abs: boundary((x) => Math.abs(x) - 2),
  plane,
  multigauss,
};

export const DATASET_LABELS: Record<DatasetName, string> = {
  circle: 'Circle',
  xor: 'Exclusive or',
  gauss: 'Gaussian',
  spiral: 'Spiral',
  moons: 'Moons',
  checkerboard: 'Checkerboard',
  sin: 'Above sin',
  cubic: 'Above cubic',
  abs: 'Above |x|',
  plane: 'Plane',
  multigauss: 'Multi-Gaussian',
  csv: 'Your CSV',
};

/** The points of a built-in dataset; noise is TF Playground's 0–50 slider. */
export function generate(name: Exclude<DatasetName, 'csv'>, noise: number, seed: number): Point[] {
  const regress = name === 'plane' || name === 'multigauss';
  return GENERATORS[name](makeRng(seed), regress ? NUM_SAMPLES_REGRESS : NUM_SAMPLES_CLASSIFY, noise / 100);
}

/** Shuffles (seeded) and splits into training and test points at trainRatio percent. */
export function split(points: readonly Point[], trainRatio: number, seed: number): { train: Point[]; test: Point[] } {
  const shuffled = [...points];
  const rng = makeRng(seed ^ 0x9e3779b9);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const cut = Math.round((shuffled.length * trainRatio) / 100);
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}
