/**
 * `vision-tasks train --task segment|localize|detect`: seeded scenes, Adam, a progress bar per
 * epoch; then the second stage (classifier.ts) on crops of fresh training scenes; then the
 * held-out test scenes. Leaves model.safetensors, metrics.json, loss.png and predictions.png
 * (and precision_recall.png for detect) in --out.
 */
import { resolve } from 'node:path';
import { Adam, OneCycleLR } from '@nn/layers';
import { checkOutputDir, displayPath, makeOutputDir } from '@nn/layers/node';
import { manualSeed, tidy } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { saveModel } from './checkpoint.js';
import { imageBatch, type Task } from './data.js';
import { writeLossPicture } from './outputs.js';
import type { Writer } from '@nn/app-kit/cli';
import { EpochBar } from '@nn/app-kit/progress';
import { makeScenes, testAndReport } from './run.js';
import { Stage2Training } from './stage2.js';
import { RUNNERS, type Detector, type ModelConfig } from './tasks/index.js';

export interface TrainOptions {
  task: Task;
  out: string;
  backend: BackendName;
  itemsDir: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  trainScenes?: number;
  testScenes?: number;
  width?: number;
  mode?: 'multiclass' | 'binary';
  backbone?: string;
  detector?: Detector;
  schedule?: Schedule;
  /** The second stage: 'cropnet' (the default, but for segment --mode binary and YOLO) or 'none'. */
  classifier?: Stage2;
  classifierEpochs?: number;
  itemEpochs?: number;
  crops?: number;
  classifierWidth?: number;
  /** Crop classifiers trained side by side, their probabilities averaged. */
  classifiers?: number;
  seed: number;
}

export const STAGE2_CHOICES = ['cropnet', 'none'] as const;
export type Stage2 = (typeof STAGE2_CHOICES)[number];

/** 'onecycle': the lr warms up to --lr and anneals to near 0, stepped per batch (Smith & Topin); 'constant': --lr throughout. */
export const SCHEDULES = ['onecycle', 'constant'] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** A seeded shuffle of 0..n-1 (Fisher–Yates on a small LCG: the same order everywhere). */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export async function train(options: TrainOptions, out: Writer, err: Writer): Promise<Record<string, unknown>> {
  const runner = RUNNERS[options.task];
  const d = runner.defaults;
  const config: ModelConfig = { mode: options.mode ?? d.config.mode, width: options.width ?? d.config.width, backbone: options.backbone ?? d.config.backbone, ...(options.task === 'detect' ? { detector: options.detector ?? d.config.detector ?? 'yolo' } : {}) };
  if (options.task !== 'detect' && options.detector !== undefined) throw new Error('--detector: only --task detect has a detector');
  if (options.task !== 'segment' && config.mode === 'binary') throw new Error('--mode binary: only --task segment has a binary mode');
  // Binary masks and YOLO's grid have no second stage: there is nothing to name, or no box list to name.
  const oneStage = config.mode === 'binary' || config.detector === 'yolo';
  if (options.classifier === 'cropnet' && oneStage) throw new Error(`--classifier cropnet: ${config.mode === 'binary' ? '--mode binary has no classes to name' : '--detector yolo has no second stage (use --detector centernet)'}`);
  if ((options.classifier ?? (oneStage ? 'none' : 'cropnet')) === 'cropnet') {
    const members = options.classifiers ?? d.classifier.members;
    config.classifier = { width: options.classifierWidth ?? 1, ...(d.config.classifier?.masked ? { masked: true } : {}), ...(members > 1 ? { members } : {}) };
  }
  // Two-stage segmentation: the U-Net also finds the garments' centres, to split touching ones.
  if (config.classifier !== undefined && d.config.centres === true) config.centres = true;
  if (config.classifier !== undefined && (options.itemEpochs ?? d.classifier.itemEpochs) === 0 && (options.classifierEpochs ?? d.classifier.epochs) === 0) throw new Error('--item-epochs 0 and --classifier-epochs 0: the crop classifier needs at least one epoch');
  if (options.task === 'segment' && options.backbone !== undefined) throw new Error('--backbone: --task segment uses the U-Net (set its width with --width)');
  const epochs = options.epochs ?? d.epochs;
  const batchSize = options.batchSize ?? d.batchSize;
  const lr = options.lr ?? runner.defaultLr?.(config) ?? d.lr;
  await checkOutputDir(options.out, '--out');
  const backend = await useBackend(options.backend);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const trainScenes = await makeScenes(options.itemsDir, 'train', options.task, options.trainScenes ?? d.trainScenes, options.seed);
  const testScenes = await makeScenes(options.itemsDir, 'test', options.task, options.testScenes ?? d.testScenes, options.seed);
  manualSeed(options.seed);
  const model = runner.build(config);
  const optimizer = new Adam(model.parameters(), { lr });
  const schedule = options.schedule ?? d.schedule;
  const stepsPerEpoch = Math.ceil(trainScenes.length / batchSize);
  const scheduler = schedule === 'onecycle' ? new OneCycleLR(optimizer, lr, { epochs, stepsPerEpoch, pctStart: 0.2 }) : null;
  const stages = config.classifier === undefined ? '' : ' + cropnet';
  out.write(`${options.task} (${config.mode}, ${config.detector === undefined ? '' : `${config.detector} on `}${config.backbone}, width ${config.width}${stages}) on ${backend}: ${trainScenes.length} training scenes, ${epochs} epochs, batch ${batchSize}, Adam lr ${lr} (${schedule})\n`);
  const stage2 = config.classifier === undefined ? undefined : startStage2(options, config.classifier, out);
  const bar = new EpochBar(err, 'scenes');
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      const order = shuffled(trainScenes.length, options.seed * 1000 + epoch);
      bar.start(`epoch ${epoch + 1}/${epochs}`, trainScenes.length);
      model.train();
      let sum = 0;
      let done = 0;
      try {
        for (let at = 0; at < order.length; at += batchSize) {
          const batch = order.slice(at, at + batchSize).map((i) => trainScenes[i]);
          optimizer.zeroGrad();
          const value = tidy(() => {
            const loss = runner.loss(model, imageBatch(batch), batch, config);
            const v = loss.item();
            if (!Number.isFinite(v)) throw new Error(`train: the loss is ${v} at epoch ${epoch + 1} (too high a learning rate? try --lr ${lr / 3})`);
            loss.backward();
            return v;
          });
          optimizer.step();
          scheduler?.step();
          sum += value * batch.length;
          done += batch.length;
          bar.update(done, sum / done, (performance.now() - epochStart) / 1000);
        }
      } finally {
        bar.stop();
      }
      losses.push(sum / done);
      const seconds = (performance.now() - epochStart) / 1000;
      out.write(`epoch ${epoch + 1}/${epochs}  loss ${(sum / done).toFixed(4)}  ${Math.round(done / seconds)} scenes/s  ${seconds.toFixed(1)} s\n`);
    }
  } catch (error) {
    // The children must not train on after the run failed.
    stage2?.cancel();
    throw error;
  }
  optimizer.zeroGrad();
  const firstCpu = process.cpuUsage(cpuStarted);
  const stage1CpuSeconds = (firstCpu.user + firstCpu.system) / 1e6;
  if (stage2 !== undefined) out.write(`second stage: ${stage2.members > 1 ? `${stage2.members} classifiers` : 'the classifier'}, training since the start beside the first stage:\n`);
  const second = await stage2?.finish(out, err);
  const trainSeconds = (performance.now() - started) / 1000;
  // CPU time says how long the run takes on a machine of its own (wall time grows with the load): this process's and the second stage's.
  const cpu = process.cpuUsage(cpuStarted);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6 + Number(second?.report.cpuSeconds ?? 0);
  await makeOutputDir(options.out, '--out');
  const checkpoint = await saveModel(options.out, options.task, config, model, second?.net);
  await writeLossPicture(options.out, `${options.task}: training loss per epoch`, losses);
  const metrics = await testAndReport(
    options.out,
    options.task,
    config,
    model,
    second?.net,
    testScenes,
    { backend, epochs, batchSize, lr, schedule, seed: options.seed, trainScenes: trainScenes.length, trainSeconds, trainCpuSeconds, stage1CpuSeconds, lossPerEpoch: losses, ...(second === undefined ? {} : { stage2: second.report }) },
    out,
  );
  out.write(`saved ${displayPath(checkpoint)} (${trainSeconds.toFixed(0)} s of training, ${trainCpuSeconds.toFixed(0)} s of CPU time)\n`);
  return metrics;
}

/** The second stage, started in child processes (stage2.ts): the crop classifier, or `members` of them. */
function startStage2(options: TrainOptions, stage: NonNullable<ModelConfig['classifier']>, out: Writer): Stage2Training {
  const d = RUNNERS[options.task].defaults.classifier;
  const settings = { itemEpochs: options.itemEpochs ?? d.itemEpochs, epochs: options.classifierEpochs ?? d.epochs, crops: options.crops ?? d.crops, batchSize: d.batchSize, lr: d.lr, width: stage.width, masked: stage.masked === true };
  const members = stage.members ?? 1;
  out.write(
    `second stage: cropnet (width ${settings.width}) on ${settings.crops} objects per epoch: clean items × ${settings.itemEpochs}, then${settings.masked ? ' masked' : ''} crops of scenes × ${settings.epochs}; batch ${settings.batchSize}, Adam, one cycle to ${settings.lr}; ` +
      `${members > 1 ? `an ensemble of ${members}, each` : 'it'} in a process of its own, beside the first stage\n`,
  );
  return new Stage2Training({ task: options.task, itemsDir: resolve(options.itemsDir), backend: options.backend, runSeed: options.seed, settings }, members);
}
