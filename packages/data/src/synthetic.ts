/**
 * The four classification sets of the TensorFlow Playground (playground.tensorflow.org,
 * src/dataset.ts): two circles, XOR, two Gaussians and two spirals, as 2-d points in about
 * [-6, 6]² with two classes. `noise` is the playground's slider divided by 100 (0 to 0.5);
 * the draws come from a seeded generator, so a seed gives the same points everywhere.
 */
import { tensor, type Generator } from '@nn/tensor';
import { TensorDataset } from './dataset.js';
import { resolveGenerator, uniform, type RandomOptions } from './random.js';

export interface PointSetOptions extends RandomOptions {
  /** Number of points (default 500); the classes get half each. */
  numSamples?: number;
  /** The playground's noise, 0 (clean) to 0.5 (its maximum); default 0. */
  noise?: number;
  /** 'binary' (default): classes 1 (the playground's positive, blue) and 0; 'signed': +1 and -1 as the playground. */
  labels?: 'binary' | 'signed';
}

export interface PointSet {
  numSamples: number;
  /** x, y of each point: numSamples × 2 values. */
  points: Float32Array;
  /** One label per point. */
  labels: Float32Array;
}

type Sampler = (generator: Generator, noise: number, positive: boolean) => [x: number, y: number, positive: boolean];

function makeSet(name: string, options: PointSetOptions, sample: (generator: Generator, noise: number, index: number, n: number) => [number, number, boolean]): PointSet {
  const numSamples = options.numSamples ?? 500;
  const noise = options.noise ?? 0;
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new Error(`${name}: numSamples must be a positive integer, got ${numSamples}`);
  if (!(noise >= 0 && noise <= 1)) throw new Error(`${name}: noise must be in [0, 1] (the playground uses 0 to 0.5), got ${noise}`);
  const generator = resolveGenerator(options);
  const points = new Float32Array(2 * numSamples);
  const labels = new Float32Array(numSamples);
  const negative = options.labels === 'signed' ? -1 : 0;
  for (let i = 0; i < numSamples; i++) {
    const [x, y, positive] = sample(generator, noise, i, numSamples);
    points[2 * i] = x;
    points[2 * i + 1] = y;
    labels[i] = positive ? 1 : negative;
  }
  return { numSamples, points, labels };
}

/** The first ceil(n/2) points are drawn for the positive class, the rest for the negative. */
const half = (sampler: Sampler) => (generator: Generator, noise: number, i: number, n: number) => sampler(generator, noise, i < Math.ceil(n / 2));

/**
 * A disc of radius 2.5 (positive) inside a ring from 3.5 to 5 (negative); with noise, a
 * point's label is that of its jittered position, as in the playground.
 */
export function twoCircles(options: PointSetOptions = {}): PointSet {
  const radius = 5;
  return makeSet(
    'twoCircles',
    options,
    half((g, noise, inner) => {
      const r = inner ? uniform(g, 0, radius * 0.5) : uniform(g, radius * 0.7, radius);
      const angle = uniform(g, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = uniform(g, -radius, radius) * noise;
      const ny = uniform(g, -radius, radius) * noise;
      return [x, y, Math.hypot(x + nx, y + ny) < radius * 0.5];
    }),
  );
}

/** Uniform in [-5, 5]² pushed 0.3 away from the axes; positive where x·y >= 0 (of the jittered point). */
export function xor(options: PointSetOptions = {}): PointSet {
  const awayFromAxis = (v: number): number => v + (v > 0 ? 0.3 : -0.3);
  return makeSet('xor', options, (g, noise) => {
    const x = awayFromAxis(uniform(g, -5, 5));
    const y = awayFromAxis(uniform(g, -5, 5));
    const nx = uniform(g, -5, 5) * noise;
    const ny = uniform(g, -5, 5) * noise;
    return [x, y, (x + nx) * (y + ny) >= 0];
  });
}

/** Gaussians at (2, 2) (positive) and (-2, -2); the variance grows linearly from 0.5 (noise 0) to 4 (noise 0.5). */
export function twoGaussians(options: PointSetOptions = {}): PointSet {
  return makeSet(
    'twoGaussians',
    options,
    half((g, noise, positive) => {
      const sd = Math.sqrt(0.5 + 7 * noise);
      const c = positive ? 2 : -2;
      return [c + sd * g.nextNormal(), c + sd * g.nextNormal(), positive];
    }),
  );
}

/** Two interleaved spirals of 1.75 turns out to radius 5; noise jitters each point by up to ±noise. */
export function spiral(options: PointSetOptions = {}): PointSet {
  return makeSet('spiral', options, (g, noise, i, n) => {
    const perClass = Math.ceil(n / 2);
    const positive = i < perClass;
    const k = positive ? i : i - perClass;
    const r = (k / perClass) * 5;
    const t = 1.75 * (k / perClass) * 2 * Math.PI + (positive ? 0 : Math.PI);
    return [r * Math.sin(t) + uniform(g, -1, 1) * noise, r * Math.cos(t) + uniform(g, -1, 1) * noise, positive];
  });
}

/** Points [n, 2] and labels [n, 1] (float32, for a one-output network with BCE or MSE) as a TensorDataset. */
export function pointDataset(set: PointSet): TensorDataset {
  return new TensorDataset(tensor(set.points, [set.numSamples, 2]), tensor(set.labels, [set.numSamples, 1]));
}
