/**
 * `train`: fit a model on the training images (less a seeded validation share), keep the
 * weights of the epoch with the best validation accuracy, then score them on the test
 * images and write the model folder: the checkpoint, the scores as JSON, and the plots.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Accuracy, Adam, CosineAnnealingLR, CrossEntropyLoss, fit, SGD, type History, type LRScheduler, type Optimizer, type OptimizerOptions, type TensorModule } from '@nn/layers';
import { checkOutputDir, displayPath, load, makeOutputDir, ModelCheckpoint } from '@nn/layers/node';
import { dispose, manualSeed } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { CHECKPOINT_FILE, toMetadata, type ModelConfig } from './checkpoint.js';
import { loadData, type DatasetKind } from './data.js';
import { examples, imageAt, limited, loader, validationSplit } from './datasets.js';
import { modelSpec, resolveWidth } from './models.js';
import { writePlots } from './outputs.js';
import { imageTransform, pixelStatistics } from './preprocess.js';
import { EpochLines, EpochProgress, type Writer } from './progress.js';
import { formatReport, type TestReport } from './report.js';
import { runTitle, scoreSplit } from './scoring.js';

export interface TrainOptions {
  model: string;
  width?: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  /** 'cosine' anneals the learning rate to 0 over the epochs; 'constant' keeps it. */
  schedule: 'cosine' | 'constant';
  augment: boolean;
  backend: BackendName;
  out: string;
  /** A folder of MNIST-format files; the embedded subset if undefined. */
  data?: string;
  dataset?: DatasetKind;
  valSplit: number;
  seed: number;
  /** Use at most this many training and test images (quick checks). */
  limit?: number;
}

export interface TrainResult {
  report: TestReport;
  history: History;
  bestEpoch: number;
  config: ModelConfig;
  files: string[];
}

function makeOptimizer(model: TensorModule, options: TrainOptions): Optimizer<OptimizerOptions> {
  if (!(options.lr > 0)) throw new Error(`--lr must be a positive number, got ${options.lr}`);
  const params = model.parameters();
  return options.optimizer === 'sgd' ? new SGD(params, { lr: options.lr, momentum: 0.9 }) : new Adam(params, { lr: options.lr });
}

export async function train(options: TrainOptions, out: Writer = process.stdout, progress: Writer = process.stderr): Promise<TrainResult> {
  const spec = modelSpec(options.model);
  const width = resolveWidth(spec, options.width);
  for (const [name, value] of [['--epochs', options.epochs], ['--batch-size', options.batchSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 2)) throw new Error(`--limit must be an integer >= 2, got ${options.limit}`);
  // Before the data is read and the model trained: a bad --out is one line now, not after the run.
  await checkOutputDir(options.out);
  const backend = await useBackend(options.backend);
  manualSeed(options.seed);

  const data = await loadData(options.data, options.dataset);
  const trainSplit = limited(data.train, options.limit);
  const testSplit = limited(data.test, options.limit);
  const normalization = pixelStatistics(trainSplit.pixels);
  const input = { size: spec.inputSize, fit: spec.fit };
  const flip = data.kind === 'fashion-mnist'; // a mirrored shoe is a shoe; a mirrored 3 is not a digit
  const { train: trainIndices, val: valIndices } = validationSplit(trainSplit.count, options.valSplit, options.seed);
  const evalTransform = imageTransform({ input, normalization });
  const trainSet = examples(trainSplit, imageTransform({ input, normalization, augment: options.augment, flip }), { indices: trainIndices, seed: options.seed });
  const valSet = examples(trainSplit, evalTransform, { indices: valIndices });
  const testSet = examples(testSplit, evalTransform);

  const config: ModelConfig = {
    model: spec.name,
    width,
    inputSize: spec.inputSize,
    fit: spec.fit,
    imageHeight: trainSplit.height,
    imageWidth: trainSplit.width,
    normalization,
    dataset: data.kind,
    classes: data.classes,
  };
  const model = spec.build({ numClasses: data.classes.length, width });
  const optimizer = makeOptimizer(model, options);
  const scheduler: LRScheduler | undefined = options.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, options.epochs) : undefined;
  await makeOutputDir(options.out);
  const checkpointFile = join(options.out, CHECKPOINT_FILE);
  const checkpoint = new ModelCheckpoint(checkpointFile, { monitor: 'val_accuracy', metadata: toMetadata(config) });
  const accuracy = new Accuracy();

  out.write(
    `training ${spec.name}${spec.hasWidth ? ` (width ${width})` : ''} on ${trainIndices.length.toLocaleString('en-US')} images, validating on ${valIndices.length.toLocaleString('en-US')}, ` +
      `testing on ${testSplit.count.toLocaleString('en-US')} (${options.data ?? 'embedded Fashion-MNIST subset'}), backend ${backend}\n`,
  );
  const history = await fit(model, loader(trainSet, options.batchSize, options.seed), {
    loss: new CrossEntropyLoss(),
    optimizer,
    epochs: options.epochs,
    valLoader: loader(valSet, 256),
    metrics: [accuracy],
    trainMetrics: true,
    scheduler,
    callbacks: [new EpochProgress(trainIndices.length, accuracy, progress), checkpoint, new EpochLines((epoch) => checkpoint.savedEpoch === epoch, out)],
  });

  // Score the kept weights, not the last epoch's.
  const best = await load(checkpointFile);
  model.loadStateDict(best);
  dispose(Object.values(best));
  const report = await scoreSplit(model, testSet, testSplit.labels, data.classes);
  const bestEpoch = checkpoint.savedEpoch + 1;
  out.write(`\n${formatReport(report, `test scores of ${spec.name} (epoch ${bestEpoch}, best validation accuracy)`)}\n\n`);

  const epochs = history.epochs;
  const summary = {
    model: spec.name,
    width,
    dataset: data.kind,
    data: options.data ?? 'embedded subset',
    images: { train: trainIndices.length, validation: valIndices.length, test: testSplit.count },
    settings: { epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, optimizer: options.optimizer, schedule: options.schedule, augment: options.augment, seed: options.seed, backend: options.backend },
    normalization,
    bestEpoch,
    test: { accuracy: report.accuracy, top1Error: report.top1Error, top5Error: report.top5Error, macro: report.macro, perClass: report.perClass, confusion: report.confusion },
    speed: {
      imagesPerSecond: epochs.reduce((s, e) => s + e.images_per_s, 0) / epochs.length,
      trainSecondsPerEpoch: epochs.reduce((s, e) => s + e.train_time, 0) / epochs.length,
    },
    history: epochs,
  };
  const files = [checkpointFile, join(options.out, 'metrics.json')];
  await writeFile(files[1], `${JSON.stringify(summary, null, 2)}\n`);
  files.push(
    ...(await writePlots(options.out, {
      title: runTitle(config),
      report,
      classes: data.classes,
      history: epochs,
      bestEpoch,
      testImage: (index) => imageAt(testSplit, index),
    })),
  );
  out.write(`wrote ${files.map((f) => displayPath(f)).join(', ')}\n`);
  return { report, history, bestEpoch, config, files };
}
