/**
 * `generative sample --model DIR -n 64 --seed 3`: a grid of images from a trained VAE's or
 * GAN's prior (a conditional GAN's in class order, or all of `--class`); and
 * `generative interpolate A.png B.png --model DIR`: both images coded by an autoencoder or
 * VAE, and the codes on the segment between them decoded.
 */
import { readImageFile } from '@nn/data/node';
import { resize } from '@nn/data';
import { checkInputFile, checkOutputFile, displayPath, makeOutputDir, writeFileAtomic } from '@nn/layers/node';
import { manualSeed } from '@nn/tensor';
import { dirname } from 'node:path';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadRun } from './checkpoint.js';
import { PIXELS, SIDE } from './data.js';
import { decodeLatents, defaultLabels, encodeImages, joinPixels, lerpLatents, priorLatents } from './generate.js';
import { captionedRowsPng, imageGridPng } from './plots/pictures.js';
import type { Writer } from '@nn/app-kit/cli';

export interface SampleOptions {
  model: string;
  count: number;
  seed: number;
  out: string;
  backend: BackendName;
  /** A conditional GAN's class for every sample (default: 0, 1, …, 9 in turn). */
  classId?: number;
}

export async function sample(options: SampleOptions, out: Writer): Promise<string> {
  await useBackend(options.backend);
  const run = await loadRun(options.model);
  // The default --out (out/…) need not exist yet on a fresh checkout.
  await makeOutputDir(dirname(options.out), '--out');
  await checkOutputFile(options.out, '--out');
  const { nets } = run;
  if (nets.kind === 'ae') throw new Error(`sample: ${displayPath(options.model)} is an autoencoder, which has no prior to sample from; use a vae or dcgan model`);
  if (options.classId !== undefined && !(nets.kind === 'dcgan' && nets.generator.numClasses > 0)) throw new Error('sample: --class needs a conditional dcgan model (train --model dcgan --conditional)');
  if (options.classId !== undefined && !(options.classId >= 0 && options.classId < 10)) throw new Error(`sample: --class must be 0..9, got ${options.classId}`);
  manualSeed(options.seed);
  const labels = options.classId === undefined ? defaultLabels(options.count) : new Int32Array(options.count).fill(options.classId);
  const pixels = decodeLatents(nets, priorLatents(nets, options.count), labels);
  const columns = Math.ceil(Math.sqrt(options.count));
  const path = options.out;
  await writeFileAtomic(path, imageGridPng(pixels, columns));
  out.write(`wrote ${options.count} samples of ${run.config.model} (seed ${options.seed}) to ${displayPath(path)}\n`);
  return path;
}

export interface InterpolateOptions {
  model: string;
  images: [string, string];
  steps: number;
  out: string;
  backend: BackendName;
}

/** A picture file as 784 grey pixels in [0, 1], resized to 28×28 if it is another size. */
async function readPicture(path: string): Promise<Float32Array> {
  await checkInputFile(path, 'image');
  let image = await readImageFile(path, { mode: 'grey' });
  if (image.height !== SIDE || image.width !== SIDE) image = resize([SIDE, SIDE])(image);
  const scale = image.data instanceof Uint8Array ? 1 / 255 : 1;
  return Float32Array.from(image.data.subarray(0, PIXELS), (v) => v * scale);
}

export async function interpolate(options: InterpolateOptions, out: Writer): Promise<string> {
  await useBackend(options.backend);
  const run = await loadRun(options.model);
  await makeOutputDir(dirname(options.out), '--out');
  await checkOutputFile(options.out, '--out');
  if (run.nets.kind === 'dcgan') throw new Error(`interpolate: ${displayPath(options.model)} is a GAN, which has no encoder to code images with; use an ae or vae model`);
  const ends = joinPixels(await Promise.all(options.images.map(readPicture)));
  const codes = encodeImages(run.nets, ends);
  const dim = codes.length / 2;
  const walk = decodeLatents(run.nets, lerpLatents(codes.slice(0, dim), codes.slice(dim), options.steps));
  const rows = [
    { caption: 'inputs', pixels: ends },
    { caption: 'through the code', pixels: walk },
  ];
  const path = options.out;
  await writeFileAtomic(path, captionedRowsPng(`${run.config.model}: interpolation in ${options.steps} steps`, rows));
  out.write(`wrote the interpolation to ${displayPath(path)}\n`);
  return path;
}
