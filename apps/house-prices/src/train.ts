/**
 * `house-prices train`: the lecture's regression example on real data. Houses are split
 * (seeded) into training, validation and test rows; the preprocessing is fitted on the
 * training rows only; an MLP learns the standardised log price with MSE (so the validation
 * loss ranks epochs exactly as RMSLE does); early stopping keeps the best epoch; the test
 * rows, never seen before, give the final scores.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@nn/backend-cpu';
import { DataLoader, parseNumber, splitLengths, splitTable, TablePreprocessor, type Table, type TargetStep } from '@nn/data';
import { readCsvFile } from '@nn/data/node';
import {
  EarlyStopping,
  fit,
  ReduceLROnPlateau,
  MeanAbsoluteError,
  MSELoss,
  predict,
  R2Score,
  RootMeanSquaredError,
  RootMeanSquaredLogError,
  type Callback,
  type Logs,
} from '@nn/layers';
import { checkInputFile, checkOutputDir, makeOutputDir, ModelCheckpoint } from '@nn/layers/node';
import { dispose, engine, manualSeed, setBackend, tensor } from '@nn/tensor';
import type * as GpujsModule from '@nn/backend-gpujs';
import { lossChart, scatterChart } from './charts.js';
import { writeFileAtomic, writeJsonAtomic } from './files.js';
import { buildMlp, makeOptimizer, type Activation, type MlpSpec, type OptimizerName } from './model.js';
import { InPrices } from './price_metrics.js';
import { EpochProgressBar, progressCallback, type ProgressMode } from './progress.js';

/** The Ames table shipped with the app (gzipped CSV; source and licence in data/README.md). */
export const DEFAULT_CSV = fileURLToPath(new URL('../data/ames.csv.gz', import.meta.url));
export const DEFAULT_TARGET = 'Sale_Price';

/** The files a model folder holds. */
export const FILES = {
  weights: 'model.safetensors',
  spec: 'model.json',
  preprocessing: 'preprocessing.json',
  metrics: 'metrics.json',
  lossChart: 'loss.png',
  scatterChart: 'predictions.png',
} as const;

export type BackendName = 'cpu' | 'gpujs';

export interface TrainOptions {
  csv: string;
  target: string;
  out: string;
  seed: number;
  /** Fraction of all rows held out for the final test. */
  testFraction: number;
  /** Fraction of the remaining rows used for validation (early stopping). */
  valFraction: number;
  hidden: number[];
  activation: Activation;
  dropout: number;
  optimizer: OptimizerName;
  lr: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  /** 'plateau': halve the learning rate after `lrPatience` epochs without a better validation loss. */
  lrSchedule: 'plateau' | 'none';
  lrPatience: number;
  /** log1p then standardise (default), or standardise only (targets that may be negative). */
  targetTransform: 'log1p' | 'none';
  backend: BackendName;
  progress: ProgressMode;
  charts: boolean;
  log: (line: string) => void;
}

export const DEFAULTS: Omit<TrainOptions, 'log'> = {
  csv: DEFAULT_CSV,
  target: DEFAULT_TARGET,
  out: 'out/house-prices',
  seed: 42,
  testFraction: 0.2,
  valFraction: 0.15,
  hidden: [128, 64],
  activation: 'relu',
  dropout: 0.2,
  optimizer: 'adamw',
  lr: 3e-4,
  weightDecay: 1e-2,
  batchSize: 64,
  epochs: 300,
  patience: 30,
  lrSchedule: 'none',
  lrPatience: 8,
  targetTransform: 'log1p',
  backend: 'cpu',
  progress: 'auto',
  charts: true,
};

export interface TestMetrics {
  /** Root mean squared error in the target's units (dollars). */
  rmse: number;
  /** Root mean squared log error (NaN if a price is negative). */
  rmsle: number;
  mae: number;
  r2: number;
}

export interface TrainResult {
  test: TestMetrics;
  rows: { train: number; validation: number; test: number };
  features: number;
  epochsRun: number;
  bestEpoch: number;
  trainSeconds: number;
  history: Logs[];
  files: string[];
}

/** Selects the backend (gpujs is loaded only when asked for); returns its name as the user should read it, with gpu.js's mode. */
export async function useBackend(name: BackendName): Promise<string> {
  if (name === 'gpujs') {
    let gpujs: typeof GpujsModule;
    try {
      gpujs = await import('@nn/backend-gpujs');
    } catch (error) {
      throw new Error(`--backend gpujs: @nn/backend-gpujs could not be loaded (${(error as Error).message.split('\n')[0]})`);
    }
    await setBackend(name);
    const backend = engine().backend;
    return backend instanceof gpujs.GpujsBackend ? `gpujs (gpu.js mode ${backend.mode})` : 'gpujs';
  }
  if (name !== 'cpu') throw new Error(`--backend must be cpu or gpujs, got '${String(name)}'`);
  await setBackend(name);
  return 'cpu';
}

/** Reads a CSV file; a missing file or a folder is a one-line error naming it. */
export async function readTable(path: string): Promise<Table> {
  await checkInputFile(path, '--csv', 'a CSV file');
  return readCsvFile(path);
}

/**
 * The fewest rows whose split leaves at least one test, one validation and one training
 * row, by splitTable's own rounding (each count grows with the rows, so the first fit is the least).
 */
export function minimumRows(testFraction: number, valFraction: number): number {
  const fits = (rows: number): boolean => {
    const [rest, test] = splitLengths(rows, [1 - testFraction, testFraction]);
    const [train, val] = splitLengths(rest, [1 - valFraction, valFraction]);
    return test > 0 && val > 0 && train > 0;
  };
  // Each count is about rows × its fraction: start just below where the smallest reaches 1 (tiny fractions need many rows).
  let rows = Math.max(3, Math.floor(Math.max(1 / testFraction, 1 / ((1 - testFraction) * valFraction), 1 / ((1 - testFraction) * (1 - valFraction)))) - 2);
  while (!fits(rows)) rows++;
  return rows;
}

function targetNumbers(table: Table, target: string): Float64Array {
  // A loop, not Float64Array.from(list, map): the mapped form builds a plain JS list first.
  const cells = table.column(target);
  const numbers = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) numbers[i] = parseNumber(cells[i]);
  return numbers;
}

/** Test scores of predicted against actual prices. */
function scores(actual: Float64Array, predicted: Float64Array): TestMetrics {
  const a = tensor(Float32Array.from(actual), [actual.length, 1]);
  const p = tensor(Float32Array.from(predicted), [predicted.length, 1]);
  try {
    const one = (m: { update(o: typeof p, t: typeof a): void; compute(): number }): number => {
      m.update(p, a);
      return m.compute();
    };
    const positive = actual.every((v) => v >= 0) && predicted.every((v) => v >= 0);
    return {
      rmse: one(new RootMeanSquaredError()),
      rmsle: positive ? one(new RootMeanSquaredLogError()) : NaN,
      mae: one(new MeanAbsoluteError()),
      r2: one(new R2Score()),
    };
  } finally {
    dispose([a, p]);
  }
}

function checkOptions(o: TrainOptions): void {
  const fraction = (name: string, v: number): void => {
    if (!(v > 0 && v < 1)) throw new Error(`--${name} must be between 0 and 1, got ${v}`);
  };
  fraction('test-fraction', o.testFraction);
  fraction('val-fraction', o.valFraction);
  if (o.hidden.length === 0 || !o.hidden.every((h) => Number.isInteger(h) && h > 0)) throw new Error(`--hidden must be positive integers separated by commas, got '${o.hidden.join(',')}'`);
  if (!(o.dropout >= 0 && o.dropout < 1)) throw new Error(`--dropout must be in [0, 1), got ${o.dropout}`);
  if (!(o.lr > 0)) throw new Error(`--lr must be positive, got ${o.lr}`);
  if (!(o.weightDecay >= 0)) throw new Error(`--weight-decay must be non-negative, got ${o.weightDecay}`);
  for (const [name, v, min] of [['batch-size', o.batchSize, 1], ['epochs', o.epochs, 1], ['patience', o.patience, 0], ['lr-patience', o.lrPatience, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  }
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  checkOptions(options);
  const { log, target, out } = options;
  // Before the data is read and the model trained: a bad --out is one line now, not after the run.
  await checkOutputDir(out, '--out');
  const backend = await useBackend(options.backend);
  const table = await readTable(options.csv);
  table.columnIndex(target, 'target column');
  const needed = minimumRows(options.testFraction, options.valFraction);
  if (table.length < needed) {
    throw new Error(`--csv ${options.csv}: too few rows: ${table.length}, but --test-fraction ${options.testFraction} and --val-fraction ${options.valFraction} need at least ${needed} (one test, one validation and one training row)`);
  }

  // Test rows first, then validation rows out of the rest: the same seed, the same split.
  const [rest, testRows] = splitTable(table, [1 - options.testFraction, options.testFraction], { seed: options.seed });
  const [trainRows, valRows] = splitTable(rest, [1 - options.valFraction, options.valFraction], { seed: options.seed + 1 });
  const targetTransform: TargetStep[] = options.targetTransform === 'log1p' ? ['log1p', 'standard'] : ['standard'];
  const prep = TablePreprocessor.fit(trainRows, { target, targetTransform });
  const spec: MlpSpec = { format: 'house-prices/mlp', inFeatures: prep.numFeatures, hidden: options.hidden, activation: options.activation, dropout: options.dropout };
  log(`${table.length} rows from ${options.csv}: ${trainRows.length} training, ${valRows.length} validation, ${testRows.length} test; ${spec.inFeatures} features; backend ${backend}`);

  await makeOutputDir(out, '--out');
  await writeJsonAtomic(join(out, FILES.preprocessing), prep.toJSON());
  await writeJsonAtomic(join(out, FILES.spec), spec);

  const trainSet = prep.toDataset(trainRows);
  const valSet = prep.toDataset(valRows);
  const { x: testX, y: testY } = prep.toTensors(testRows);
  manualSeed(options.seed);
  const model = buildMlp(spec);
  const optimizer = makeOptimizer(options.optimizer, model.parameters(), options.lr, options.weightDecay);
  const stopper = new EarlyStopping({ monitor: 'val_loss', patience: options.patience, restoreBestWeights: true });
  const checkpoint = new ModelCheckpoint(join(out, FILES.weights), { monitor: 'val_loss', metadata: { format: spec.format, target } });
  const callbacks: Callback[] = [stopper, checkpoint];
  const progress = progressCallback(options.progress, log);
  if (progress) callbacks.push(progress);

  const started = performance.now();
  let history: Logs[];
  let predicted: Float64Array;
  try {
    const result = await fit(model, new DataLoader(trainSet, { batchSize: options.batchSize, shuffle: true, seed: options.seed }), {
      loss: new MSELoss(),
      optimizer,
      epochs: options.epochs,
      valLoader: new DataLoader(valSet, { batchSize: 512 }),
      metrics: [new InPrices(new RootMeanSquaredError(), prep), new InPrices(new RootMeanSquaredLogError(), prep)],
      callbacks,
      scheduler: options.lrSchedule === 'plateau' ? new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: options.lrPatience }) : undefined,
    });
    history = result.epochs;
    const output = await predict(model, testX, { batchSize: 512 });
    predicted = prep.inverseTarget(output);
    output.dispose();
  } finally {
    if (progress instanceof EpochProgressBar) progress.stop();
    dispose([trainSet.tensors, valSet.tensors, testX, testY]);
    optimizer.dispose();
    model.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const actual = targetNumbers(testRows, target);
  const test = scores(actual, predicted);

  const files: string[] = [FILES.weights, FILES.spec, FILES.preprocessing, FILES.metrics];
  const bestEpoch = stopper.bestEpoch + 1;
  const summary = { test, bestEpoch, epochsRun: history.length, trainSeconds, rows: { train: trainRows.length, validation: valRows.length, test: testRows.length }, features: spec.inFeatures, options: { ...options, log: undefined } };
  await writeJsonAtomic(join(out, FILES.metrics), summary);
  if (options.charts) {
    await writeFileAtomic(join(out, FILES.lossChart), await lossChart(history, bestEpoch, `House prices: loss per epoch (kept: epoch ${bestEpoch}, the best on validation)`));
    await writeFileAtomic(join(out, FILES.scatterChart), await scatterChart(actual, predicted, `Test houses: RMSE $${Math.round(test.rmse).toLocaleString('en-US')}, RMSLE ${test.rmsle.toFixed(4)}`));
    files.push(FILES.lossChart, FILES.scatterChart);
  }
  return { test, rows: summary.rows, features: spec.inFeatures, epochsRun: history.length, bestEpoch, trainSeconds, history, files: files.map((f) => join(out, f)) };
}
