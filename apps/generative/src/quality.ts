/**
 * How good the samples are, judged by the LeNet-5 judge (judge.ts): the Fréchet distance
 * between the judge's features of generated images and of the real test images, beside two
 * baselines (real training images, which no generator can beat by much, and Gaussian noise
 * images with the data's pixel mean and spread, which any generator should beat by far), and
 * the share of each class the judge assigns to the generated images (a generator that makes
 * only a few kinds of clothes, mode collapse, shows as a skewed histogram).
 */
import type { LeNet5 } from '@nn/models-zoo';
import { FEATURE_DIM, judgeImages } from './judge.js';
import { fitGaussian, frechetDistance, type Gaussian } from './fid.js';
import { PIXELS, type ImageSet } from './data.js';

export interface Quality {
  /** Images compared on each side. */
  count: number;
  fid: { generated: number; realVsReal: number; noise: number };
  /** Share of each class among the generated images, by the judge. */
  classShares: number[];
  /** Classes holding at least a quarter of an even share (2.5% of 10 classes). */
  classesCovered: number;
}

function gaussianOf(judge: LeNet5, pixels: Float32Array): Gaussian {
  return fitGaussian(judgeImages(judge, pixels).features, pixels.length / PIXELS, FEATURE_DIM);
}

/** Gaussian noise images: each pixel N(mean, std²) of the data's pixels, clipped to [0, 1]; seeded. */
export function noiseImages(count: number, like: Float32Array, seed: number): Float32Array {
  let sum = 0;
  let squares = 0;
  for (const v of like) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / like.length;
  const std = Math.sqrt(Math.max(squares / like.length - mean * mean, 0));
  let state = (seed * 2654435761) >>> 0 || 1;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float32Array(count * PIXELS);
  for (let i = 0; i < out.length; i++) {
    // Box–Muller.
    const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    out[i] = Math.min(1, Math.max(0, mean + std * normal));
  }
  return out;
}

/**
 * Scores `generated` (N × 784 in [0, 1]) against the first N test images; the real baseline
 * uses the first N training images, the noise baseline N noise images.
 */
export function measureQuality(judge: LeNet5, generated: Float32Array, train: ImageSet, test: ImageSet, seed: number): Quality {
  const count = Math.min(generated.length / PIXELS, test.length, train.length);
  const take = (pixels: Float32Array): Float32Array => pixels.subarray(0, count * PIXELS);
  const real = gaussianOf(judge, take(test.pixels));
  const fid = {
    generated: frechetDistance(gaussianOf(judge, take(generated)), real),
    realVsReal: frechetDistance(gaussianOf(judge, take(train.pixels)), real),
    noise: frechetDistance(gaussianOf(judge, noiseImages(count, take(train.pixels), seed)), real),
  };
  const classes = judgeImages(judge, take(generated)).classes;
  const counts = new Array<number>(10).fill(0);
  for (const c of classes) counts[c]++;
  const classShares = counts.map((n) => n / count);
  return { count, fid, classShares, classesCovered: classShares.filter((s) => s >= 0.025).length };
}
