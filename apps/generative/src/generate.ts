/**
 * What the trained nets make, as plain pixels in [0, 1] (N × 784): samples from the prior
 * (the VAE's N(0, I), the GAN's z), reconstructions, and walks through the latent space.
 * All in eval mode (batch norm on running statistics) and without gradients, in chunks.
 */
import { noGrad } from '@nn/autograd';
import { randn, tensor, tidy, type Tensor } from '@nn/tensor';
import { PIXELS, SIDE } from './data.js';
import type { Nets } from './models.js';

const CHUNK = 200;

function pixelsOf(images: Tensor, signed: boolean): Float32Array {
  const values = images.dataSync() as Float32Array;
  return signed ? values.map((v) => (v + 1) / 2) : Float32Array.from(values);
}

function chunked(n: number, make: (at: number, m: number) => Float32Array): Float32Array {
  const out = new Float32Array(n * PIXELS);
  for (let at = 0; at < n; at += CHUNK) {
    const m = Math.min(CHUNK, n - at);
    noGrad(() => tidy(() => void out.set(make(at, m), at * PIXELS)));
  }
  return out;
}

function setEval(nets: Nets): void {
  if (nets.kind === 'dcgan') {
    nets.generator.eval();
    nets.discriminator.eval();
  } else {
    nets.model.eval();
  }
}

/** Decodes latent vectors (n × latentDim values) to pixels; for a conditional GAN, with classes. */
export function decodeLatents(nets: Nets, latents: Float32Array, labels?: Int32Array): Float32Array {
  setEval(nets);
  const dim = nets.kind === 'dcgan' ? nets.generator.latentDim : nets.model.latentDim;
  const n = latents.length / dim;
  return chunked(n, (at, m) => {
    const z = tensor(latents.slice(at * dim, (at + m) * dim), [m, dim]);
    if (nets.kind !== 'dcgan') return pixelsOf(nets.model.decode(z), false);
    const classes = nets.generator.numClasses > 0 ? tensor((labels ?? defaultLabels(n)).slice(at, at + m), [m], 'int32') : undefined;
    return pixelsOf(nets.generator.forward(z, classes), true);
  });
}

/** Classes 0, 1, …, 9, 0, 1, … for a conditional GAN's samples. */
export function defaultLabels(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % 10);
}

/** `n` latent vectors from N(0, I), drawn from the global generator (seed it first). */
export function priorLatents(nets: Nets, n: number): Float32Array {
  const dim = nets.kind === 'dcgan' ? nets.generator.latentDim : nets.model.latentDim;
  const z = randn([n, dim]);
  const values = Float32Array.from(z.dataSync());
  z.dispose();
  return values;
}

/** Codes of images (the VAE's means): n × latentDim. Not for the GAN, which has no encoder. */
export function encodeImages(nets: Nets, pixels: Float32Array): Float32Array {
  if (nets.kind === 'dcgan') throw new Error('encode: a GAN has no encoder; interpolate between images with an ae or vae model');
  setEval(nets);
  const model = nets.model;
  const n = pixels.length / PIXELS;
  const out = new Float32Array(n * model.latentDim);
  noGrad(() => {
    for (let at = 0; at < n; at += CHUNK) {
      const m = Math.min(CHUNK, n - at);
      tidy(() => {
        const x = tensor(pixels.slice(at * PIXELS, (at + m) * PIXELS), [m, 1, SIDE, SIDE]);
        const code = nets.kind === 'vae' ? nets.model.encode(x).mean : nets.model.encode(x);
        out.set(code.dataSync(), at * model.latentDim);
      });
    }
  });
  return out;
}

/** Reconstructions of images through the code (the VAE's mean). */
export function reconstruct(nets: Nets, pixels: Float32Array): Float32Array {
  return decodeLatents(nets, encodeImages(nets, pixels));
}

/** `steps` points on the segment from latent a to latent b, both ends included. */
export function lerpLatents(a: Float32Array, b: Float32Array, steps: number): Float32Array {
  const out = new Float32Array(steps * a.length);
  for (let s = 0; s < steps; s++) {
    const t = steps === 1 ? 0 : s / (steps - 1);
    for (let i = 0; i < a.length; i++) out[s * a.length + i] = (1 - t) * a[i] + t * b[i];
  }
  return out;
}

/** A grid×grid lattice over the 2-D latent plane at N(0, 1) quantiles 5%…95%: the VAE's map. */
export function latentMapPoints(grid: number): Float32Array {
  const out = new Float32Array(grid * grid * 2);
  const quantile = (p: number): number => Math.SQRT2 * inverseErf(2 * p - 1);
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const k = row * grid + col;
      out[2 * k] = quantile(0.05 + (0.9 * col) / (grid - 1));
      out[2 * k + 1] = quantile(0.95 - (0.9 * row) / (grid - 1));
    }
  }
  return out;
}

/** erf⁻¹ by Giles' single-precision approximation (2010): plenty for placing a map's points. */
function inverseErf(x: number): number {
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  return p * x;
}

/** Joins pixel arrays end to end. */
export function joinPixels(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
