/** `vision-tasks evaluate MODEL`: the checkpoint's scores on freshly generated held-out test scenes. */
import { checkOutputDir, makeOutputDir } from '@nn/layers/node';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadModel } from './checkpoint.js';
import type { Writer } from '@nn/app-kit/cli';
import { RUNNERS } from './tasks/index.js';
import { makeScenes, testAndReport } from './run.js';

export interface EvaluateOptions {
  model: string;
  out: string;
  backend: BackendName;
  itemsDir: string;
  testScenes?: number;
  seed: number;
}

export async function evaluate(options: EvaluateOptions, out: Writer): Promise<Record<string, unknown>> {
  await checkOutputDir(options.out, '--out');
  const backend = await useBackend(options.backend);
  const { task, config, model, classifier } = await loadModel(options.model);
  const testScenes = await makeScenes(options.itemsDir, 'test', task, options.testScenes ?? RUNNERS[task].defaults.testScenes, options.seed);
  await makeOutputDir(options.out, '--out');
  return testAndReport(options.out, task, config, model, classifier, testScenes, { backend, seed: options.seed, checkpoint: options.model }, out);
}
