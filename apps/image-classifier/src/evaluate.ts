/**
 * `evaluate`: a trained model's scores and plots on a test set, e.g. a model trained on the
 * embedded subset scored on the full 10,000 test images, or the plots drawn again. The
 * learning curves come from the folder's metrics.json, when train wrote one.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logs } from '@nn/layers';
import { checkOutputDir, displayPath, makeOutputDir } from '@nn/layers/node';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadModel } from './checkpoint.js';
import { EMBEDDED_DATA_DIR, readSplit } from './data.js';
import { examples, imageAt, limited } from './datasets.js';
import { writePlots } from './outputs.js';
import { imageTransform } from './preprocess.js';
import type { Writer } from './progress.js';
import { formatReport, type TestReport } from './report.js';
import { runTitle, scoreSplit } from './scoring.js';

export interface EvaluateOptions {
  /** The model folder (or its checkpoint file). */
  model: string;
  /** A folder with t10k-images/labels; the embedded subset if undefined. */
  data?: string;
  /** Where the plots go (default: the model's folder). */
  out?: string;
  backend?: BackendName;
  limit?: number;
}

/** The history and kept epoch train recorded beside the checkpoint, if it did. */
async function trainingHistory(folder: string): Promise<{ history?: Logs[]; bestEpoch?: number }> {
  try {
    const metrics = JSON.parse(await readFile(join(folder, 'metrics.json'), 'utf8')) as { history?: unknown; bestEpoch?: unknown };
    if (!Array.isArray(metrics.history)) return {};
    return { history: metrics.history as Logs[], bestEpoch: typeof metrics.bestEpoch === 'number' ? metrics.bestEpoch : undefined };
  } catch {
    return {}; // no metrics.json (or not ours): no curves
  }
}

export async function evaluate(options: EvaluateOptions, out: Writer = process.stdout): Promise<TestReport> {
  if (options.out !== undefined) await checkOutputDir(options.out); // before the scoring, not after
  await useBackend(options.backend ?? 'cpu');
  const { model, config, file } = await loadModel(options.model);
  const test = limited(await readSplit(options.data ?? EMBEDDED_DATA_DIR, 'test', config.classes.length), options.limit);
  if (test.height !== config.imageHeight || test.width !== config.imageWidth) {
    throw new Error(`${test.files.images}: the images are ${test.height}×${test.width}, but ${file} was trained on ${config.imageHeight}×${config.imageWidth} images`);
  }
  const transform = imageTransform({ input: { size: config.inputSize, fit: config.fit }, normalization: config.normalization });
  const report = await scoreSplit(model, examples(test, transform), test.labels, config.classes);
  out.write(`${formatReport(report, `test scores of ${config.model} from ${file} on ${options.data ?? 'the embedded subset'}`)}\n\n`);

  const folder = dirname(file);
  if (options.out !== undefined) await makeOutputDir(options.out);
  const files = await writePlots(options.out ?? folder, {
    title: runTitle(config),
    report,
    classes: config.classes,
    ...(await trainingHistory(folder)),
    testImage: (index) => imageAt(test, index),
  });
  out.write(`wrote ${files.map((f) => displayPath(f)).join(', ')}\n`);
  return report;
}
