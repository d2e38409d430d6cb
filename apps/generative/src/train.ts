/**
 * `generative train --model ae|vae|dcgan`: seeded, Adam, a progress bar per epoch, a
 * checkpoint after every epoch (so `--resume` continues an interrupted or finished run, the
 * GAN with both players and both optimizers), an 8×8 grid of samples per epoch and a strip
 * of them over the epochs, then the pictures of the finished model and its quality by the
 * LeNet-5 judge (metrics.json). Each epoch reseeds from (seed, epoch), so a resumed run
 * makes the same numbers as one that never stopped.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Adam, type Optimizer } from '@nn/layers';
import { readImageFile } from '@nn/data/node';
import { checkOutputDir, displayPath, makeOutputDir } from '@nn/layers/node';
import { discriminatorLoss, generatorLoss, type LeNet5 } from '@nn/models-zoo';
import { manualSeed, randn, tensor, tidy } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { checkpointPath, loadRun, saveRun, type History } from './checkpoint.js';
import { batchOf, FASHION_CLASSES, perClass, PIXELS, readImages, shuffled, type ImageSet } from './data.js';
import { decodeLatents, defaultLabels, encodeImages, joinPixels, latentMapPoints, lerpLatents, priorLatents, reconstruct } from './generate.js';
import { JUDGE_FILE, loadJudge, saveJudge, trainJudge } from './judge.js';
import { buildNets, DEFAULTS, type ModelConfig, type ModelKind, type Nets } from './models.js';
import { FILES, writeMetrics, writePng } from './outputs.js';
import { captionedRowsPng, classSharesPng, codesScatterPng, imageGridPng, lineChartPng } from './plots/pictures.js';
import type { Writer } from '@nn/app-kit/cli';
import { EpochBar } from '@nn/app-kit/progress';
import { measureQuality } from './quality.js';

export interface TrainOptions {
  model: ModelKind;
  out: string;
  backend: BackendName;
  dataDir: string;
  seed: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  latentDim?: number;
  width?: number;
  noiseStd?: number;
  klWeight?: number;
  conditional?: boolean;
  resume?: boolean;
  /** The judge checkpoint; trained there first if missing. Default: judge/judge.safetensors beside --out. */
  judge?: string;
  /** Use only the first n training / test images (quick runs and tests). */
  trainImages?: number;
  testImages?: number;
  /** Epochs of the judge when it has to be trained. Default 8. */
  judgeEpochs?: number;
}

/** Steps per point of the GAN's loss curves. */
const LOG_EVERY = 10;
const GRID = 64;

function head(set: ImageSet, n: number | undefined): ImageSet {
  if (n === undefined || n >= set.length) return set;
  return { pixels: set.pixels.slice(0, n * PIXELS), labels: set.labels.slice(0, n), length: n };
}

function optimizersOf(nets: Nets, lr: number): Record<string, Optimizer> {
  if (nets.kind !== 'dcgan') return { model: new Adam(nets.model.parameters(), { lr }) };
  // The paper's β1 = 0.5: the default 0.9 made training oscillate and unstable.
  return { generator: new Adam(nets.generator.parameters(), { lr, betas: [0.5, 0.999] }), discriminator: new Adam(nets.discriminator.parameters(), { lr, betas: [0.5, 0.999] }) };
}

/** One optimisation step on a batch; returns the losses to log by name. */
function step(nets: Nets, optimizers: Record<string, Optimizer>, config: ModelConfig, train: ImageSet, indices: number[]): Record<string, number> {
  let losses: Record<string, number> = {};
  tidy(() => {
    if (nets.kind === 'dcgan') {
      const { generator: g, discriminator: d } = nets;
      const real = batchOf(train, indices, 'signed');
      const labels = config.conditional ? tensor(Int32Array.from(indices, (i) => train.labels[i]), [indices.length], 'int32') : undefined;
      const fake = g.forward(randn([indices.length, g.latentDim]), labels);
      const lossD = discriminatorLoss(d.forward(real, labels), d.forward(fake.detach(), labels));
      optimizers.discriminator.zeroGrad();
      lossD.backward();
      optimizers.discriminator.step();
      // Non-saturating: G maximises log D(G(z)); D's gradients from this pass are cleared before its next step.
      const lossG = generatorLoss(d.forward(fake, labels));
      optimizers.generator.zeroGrad();
      lossG.backward();
      optimizers.generator.step();
      losses = { generator: lossG.item(), discriminator: lossD.item() };
      return;
    }
    const x = batchOf(train, indices);
    const loss = nets.kind === 'vae' ? nets.model.loss(x, { klWeight: config.klWeight }).loss : nets.model.loss(x, { noiseStd: config.noiseStd });
    optimizers.model.zeroGrad();
    loss.backward();
    optimizers.model.step();
    losses = { loss: loss.item() };
  });
  return losses;
}

function setTrain(nets: Nets): void {
  if (nets.kind === 'dcgan') {
    nets.generator.train();
    nets.discriminator.train();
  } else {
    nets.model.train();
  }
}

/** The 64 images of the per-epoch grid: samples from fixed latents (vae, dcgan), reconstructions of fixed test images (ae). */
function gridImages(nets: Nets, fixed: { latents: Float32Array; labels: Int32Array; test: Float32Array }, noiseStd: number): Float32Array {
  if (nets.kind === 'ae') return reconstruct(nets, noiseStd > 0 ? corruptPixels(fixed.test, noiseStd) : fixed.test);
  return decodeLatents(nets, fixed.latents, fixed.labels);
}

/** Deterministic Gaussian corruption of pixels (for the denoising autoencoder's pictures). */
function corruptPixels(pixels: Float32Array, std: number): Float32Array {
  const noise = randn([pixels.length]);
  const values = noise.dataSync();
  noise.dispose();
  return pixels.map((v, i) => Math.min(1, Math.max(0, v + std * values[i])));
}

export async function train(options: TrainOptions, out: Writer, err: Writer): Promise<Record<string, unknown>> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await checkOutputDir(options.out, '--out');
  const backend = await useBackend(options.backend);
  const trainSet = head(await readImages(options.dataDir, 'train'), options.trainImages);
  const testSet = head(await readImages(options.dataDir, 'test'), options.testImages);

  const defaults = DEFAULTS[options.model];
  let config: ModelConfig;
  let nets: Nets;
  let epochsDone = 0;
  let history: History;
  let restore: ((o: Record<string, Optimizer>) => void) | null = null;
  if (options.resume === true) {
    const file = checkpointPath(options.out);
    if (!existsSync(file)) throw new Error(`--resume: ${displayPath(file)} does not exist (train without --resume first)`);
    const run = await loadRun(file);
    if (run.config.model !== options.model) throw new Error(`--resume: ${displayPath(file)} holds a ${run.config.model} model, not ${options.model}`);
    ({ config, nets, epochsDone, history } = run);
    restore = run.restoreOptimizers;
  } else {
    config = {
      model: options.model,
      latentDim: options.latentDim ?? defaults.config.latentDim,
      width: options.width ?? defaults.config.width,
      noiseStd: options.noiseStd ?? defaults.config.noiseStd,
      klWeight: options.klWeight ?? defaults.config.klWeight,
      conditional: options.conditional ?? defaults.config.conditional,
    };
    manualSeed(options.seed);
    nets = buildNets(config);
    history = { epochs: {}, steps: {} };
  }
  const epochs = options.epochs ?? defaults.epochs;
  const batchSize = options.batchSize ?? defaults.batchSize;
  const lr = options.lr ?? defaults.lr;
  const optimizers = optimizersOf(nets, lr);
  restore?.(optimizers);
  await makeOutputDir(options.out, '--out');

  // Fixed latents and images for the per-epoch pictures, from their own seed.
  manualSeed(options.seed + 7919);
  const fixed = { latents: priorLatents(nets, GRID), labels: defaultLabels(GRID), test: testSet.pixels.slice(0, GRID * PIXELS) };
  const variant = config.model === 'ae' && config.noiseStd > 0 ? ` (denoising, noise σ ${config.noiseStd})` : config.model === 'dcgan' && config.conditional ? ' (conditional)' : '';
  out.write(
    `${config.model}${variant} (latent ${config.latentDim}, width ${config.width}) on ${backend}: ${trainSet.length} training images, ` +
      `${epochs} epochs${epochsDone > 0 ? ` (resuming after ${epochsDone})` : ''}, batch ${batchSize}, Adam lr ${lr}\n`,
  );

  const bar = new EpochBar(err, 'images');
  for (let epoch = epochsDone; epoch < epochs; epoch++) {
    manualSeed(options.seed * 1000 + epoch + 1);
    const order = shuffled(trainSet.length, options.seed * 1000 + epoch);
    setTrain(nets);
    bar.start(`epoch ${epoch + 1}/${epochs}`, order.length);
    const epochStarted = performance.now();
    const sums: Record<string, number> = {};
    const block: Record<string, number> = {};
    let steps = 0;
    try {
      for (let at = 0; at < order.length; at += batchSize) {
        const losses = step(nets, optimizers, config, trainSet, order.slice(at, at + batchSize));
        for (const [name, value] of Object.entries(losses)) {
          if (!Number.isFinite(value)) throw new Error(`train: the ${name} loss is ${value} at epoch ${epoch + 1} (too high a learning rate? try --lr ${lr / 3})`);
          sums[name] = (sums[name] ?? 0) + value;
          block[name] = (block[name] ?? 0) + value;
        }
        steps++;
        if (steps % LOG_EVERY === 0) {
          for (const name of Object.keys(block)) {
            (history.steps[name] ??= []).push(block[name] / LOG_EVERY);
            block[name] = 0;
          }
        }
        bar.update(Math.min(at + batchSize, order.length), losses.loss ?? losses.generator, (performance.now() - epochStarted) / 1000);
      }
    } finally {
      bar.stop();
    }
    const means = Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / steps]));
    for (const [name, mean] of Object.entries(means)) (history.epochs[name] ??= []).push(mean);
    const grid = gridImages(nets, fixed, config.noiseStd);
    await writePng(options.out, FILES.samples(epoch + 1), imageGridPng(grid, 8));
    await saveRun(options.out, nets, optimizers, { config, epochsDone: epoch + 1, history });
    const shown = Object.entries(means).map(([name, mean]) => `${name} ${mean.toFixed(4)}`).join(', ');
    out.write(`epoch ${epoch + 1}/${epochs}: ${shown} (${((performance.now() - epochStarted) / 1000).toFixed(1)} s)\n`);
  }
  const files = await finish(options.out, config, nets, history, testSet, fixed, epochs);

  const judgeFile = options.judge ?? join(dirname(options.out), 'judge', JUDGE_FILE);
  const judged = await judgeFor(judgeFile, options, trainSet, testSet, out, err);
  manualSeed(options.seed + 104729);
  const generated = generatedForQuality(nets, testSet, config);
  const quality = measureQuality(judged.judge, generated, trainSet, testSet, options.seed);
  files.push(
    await writePng(
      options.out,
      FILES.classShares,
      classSharesPng(`${config.model === 'ae' ? 'Reconstructions' : 'Samples'} by the judge's class (${quality.count} images)`, quality.classShares, FASHION_CLASSES),
    ),
  );
  const cpu = process.cpuUsage(cpuStarted);
  const metrics = {
    model: config.model,
    config,
    backend,
    data: displayPath(options.dataDir),
    trainImages: trainSet.length,
    testImages: testSet.length,
    epochs,
    batchSize,
    lr,
    seed: options.seed,
    losses: history.epochs,
    quality: { compared: config.model === 'ae' ? 'test-set reconstructions' : 'samples from the prior', ...quality },
    judge: { file: displayPath(judgeFile), testAccuracy: judged.accuracy },
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    wallSeconds: Math.round((performance.now() - started) / 10) / 100,
  };
  files.push(await writeMetrics(options.out, metrics));
  const f = quality.fid;
  out.write(
    `Fréchet distance to ${quality.count} test images in the judge's features: ${f.generated.toFixed(2)} (${metrics.quality.compared}); ` +
      `real training images ${f.realVsReal.toFixed(2)}, Gaussian noise ${f.noise.toFixed(2)}\n`,
  );
  out.write(`classes by the judge: ${quality.classShares.map((s, c) => `${FASHION_CLASSES[c]} ${(s * 100).toFixed(1)}%`).join(', ')} (${quality.classesCovered} of 10 above 2.5%)\n`);
  out.write(`${metrics.cpuSeconds} CPU s, ${metrics.wallSeconds} s wall\n`);
  out.write(`wrote ${[checkpointPath(options.out), ...files].map((p) => displayPath(p)).join(', ')}\n`);
  return metrics;
}

async function judgeFor(file: string, options: TrainOptions, trainSet: ImageSet, testSet: ImageSet, out: Writer, err: Writer): Promise<{ judge: LeNet5; accuracy: number }> {
  if (existsSync(file)) return loadJudge(file);
  out.write(`no judge at ${displayPath(file)}: training one (LeNet-5) first\n`);
  const trained = trainJudge(trainSet, testSet, { epochs: options.judgeEpochs ?? 8, seed: options.seed }, err);
  await makeOutputDir(dirname(file), '--judge');
  await saveJudge(file, trained.judge, trained.accuracy);
  out.write(`judge: test accuracy ${(trained.accuracy * 100).toFixed(1)}%, saved to ${displayPath(file)}\n`);
  return trained;
}

/** What the quality is measured on: as many images as the test set (at most 1,000). */
function generatedForQuality(nets: Nets, testSet: ImageSet, config: ModelConfig): Float32Array {
  const n = Math.min(1000, testSet.length);
  if (nets.kind === 'ae') return reconstruct(nets, config.noiseStd > 0 ? corruptPixels(testSet.pixels.slice(0, n * PIXELS), config.noiseStd) : testSet.pixels.slice(0, n * PIXELS));
  return decodeLatents(nets, priorLatents(nets, n), defaultLabels(n));
}

/** The pictures of the finished model; returns their paths. */
async function finish(
  dir: string,
  config: ModelConfig,
  nets: Nets,
  history: History,
  testSet: ImageSet,
  fixed: { latents: Float32Array; labels: Int32Array },
  epochs: number,
): Promise<string[]> {
  const files: string[] = [];
  // The strip is read back from every epoch's grid on disk, so it spans a resumed run too.
  files.push(await writePng(dir, FILES.strip, captionedRowsPng(`${config.model === 'ae' ? 'Reconstructions' : 'Samples from fixed latents'} after each epoch`, await stripOf(dir, epochs))));
  if (nets.kind !== 'dcgan') {
    // Two test images of each class: inputs (noisy ones for the denoising autoencoder) above their reconstructions.
    const picked = perClass(testSet, 2);
    const inputs = joinPixels(picked.map((i) => testSet.pixels.slice(i * PIXELS, (i + 1) * PIXELS)));
    const rows = [{ caption: 'input', pixels: inputs }];
    const noisy = config.noiseStd > 0 ? corruptPixels(inputs, config.noiseStd) : inputs;
    if (config.noiseStd > 0) rows.push({ caption: `noisy (σ ${config.noiseStd})`, pixels: noisy });
    rows.push({ caption: 'reconstruction', pixels: reconstruct(nets, noisy) });
    files.push(await writePng(dir, FILES.reconstructions, captionedRowsPng('Test images and their reconstructions', rows)));
    files.push(await writePng(dir, FILES.interpolation, captionedRowsPng('Interpolation through the code between two test images', interpolationRows(nets, testSet))));
    if (nets.kind === 'vae' && config.latentDim === 2) {
      files.push(await writePng(dir, FILES.latentMap, imageGridPng(decodeLatents(nets, latentMapPoints(20)), 20, 1, 1)));
      const n = Math.min(testSet.length, 1000);
      const codes = encodeImages(nets, testSet.pixels.slice(0, n * PIXELS));
      files.push(await writePng(dir, FILES.latentCodes, codesScatterPng(`Codes (means) of ${n} test images`, codes, testSet.labels.slice(0, n), FASHION_CLASSES)));
    }
  } else {
    const z = fixed.latents;
    const dim = config.latentDim;
    const rows = [0, 1, 2].map((r) => ({
      caption: `z${2 * r} to z${2 * r + 1}`,
      pixels: decodeLatents(nets, lerpLatents(z.slice(2 * r * dim, (2 * r + 1) * dim), z.slice((2 * r + 1) * dim, (2 * r + 2) * dim), 10), new Int32Array(10).fill(r)),
    }));
    files.push(await writePng(dir, FILES.interpolation, captionedRowsPng('Interpolation between two latent vectors', rows)));
  }
  const colors = ['#1f77b4', '#d62728', '#2ca02c'];
  const names = Object.keys(history.steps);
  const lines = names.map((name, k) => ({ label: name, x: history.steps[name].map((_, i) => (i + 1) * LOG_EVERY), y: history.steps[name], color: colors[k % colors.length] }));
  files.push(await writePng(dir, FILES.losses, lineChartPng(nets.kind === 'dcgan' ? 'The two players’ losses' : 'Training loss', `step (mean of ${LOG_EVERY})`, 'loss', lines)));
  return files;
}

function interpolationRows(nets: Nets, testSet: ImageSet): { caption: string; pixels: Float32Array }[] {
  const firstOf = (c: number): number => testSet.labels.indexOf(c);
  const pairs: [number, number][] = [
    [1, 9],
    [0, 7],
    [8, 3],
  ];
  return pairs
    .filter(([a, b]) => firstOf(a) >= 0 && firstOf(b) >= 0)
    .map(([a, b]) => {
      const ends = joinPixels([a, b].map((c) => testSet.pixels.slice(firstOf(c) * PIXELS, (firstOf(c) + 1) * PIXELS)));
      const codes = encodeImages(nets, ends);
      const dim = codes.length / 2;
      return { caption: `${FASHION_CLASSES[a]} to ${FASHION_CLASSES[b]}`, pixels: decodeLatents(nets, lerpLatents(codes.slice(0, dim), codes.slice(dim), 10)) };
    });
}

/** The first 8 images of each epoch's grid, read back from the PNG grids on disk. */
async function stripOf(dir: string, epochs: number): Promise<{ caption: string; pixels: Float32Array }[]> {
  const rows = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const path = join(dir, FILES.samples(epoch));
    if (!existsSync(path)) continue;
    const image = await readImageFile(path, { mode: 'grey' });
    rows.push({ caption: `epoch ${epoch}`, pixels: firstRowOfGrid(image.data, image.width, 8) });
  }
  return rows;
}

/** The first `count` 28×28 cells of an imageGridPng grid (scale 2, gap 2), as pixels in [0, 1]. */
function firstRowOfGrid(data: Uint8Array | Float32Array, width: number, count: number): Float32Array {
  const out = new Float32Array(count * PIXELS);
  const cell = 28 * 2 + 2;
  for (let k = 0; k < count; k++) {
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[k * PIXELS + y * 28 + x] = data[(2 + y * 2) * width + 2 + k * cell + x * 2] / 255;
  }
  return out;
}
