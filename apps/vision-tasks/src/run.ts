/**
 * The scenes of a run and the test pass that train and evaluate share: the test scenes are
 * generated from the held-out items with their own seed, the same on every call.
 */
import type { Scene } from '@nn/data';
import { displayPath } from '@nn/layers/node';
import { readItems, scenes, type Task } from './data.js';
import { writeMetrics, writePrPicture, writeScenesPicture } from './outputs.js';
import type { Writer } from '@nn/app-kit/cli';
import { RUNNERS, type Model, type ModelConfig } from './tasks/index.js';

/** Seeds of the two splits' scene sets, apart from the run's seed so they never meet. */
export const TRAIN_SEED_OFFSET = 0;
export const TEST_SEED_OFFSET = 1_000_003;
/** The second stage's training scenes: their own seeds, a fresh set each epoch. */
export const CROP_SEED_OFFSET = 2_000_029;
const CROP_EPOCH_STRIDE = 7_919;

export async function makeScenes(itemsDir: string, split: 'train' | 'test', task: Task, count: number, seed: number): Promise<Scene[]> {
  const items = await readItems(itemsDir, split);
  const set = scenes(items, task, count, seed + (split === 'train' ? TRAIN_SEED_OFFSET : TEST_SEED_OFFSET));
  return Array.from({ length: count }, (_, i) => set.get(i));
}

/**
 * Training scene `index` of epoch `epoch` for the second stage: drawn from the training items,
 * as many as asked (each is painted when asked for), different from the first stage's scenes.
 */
export async function cropScenes(itemsDir: string, task: Task, seed: number): Promise<(epoch: number, index: number) => Scene> {
  const items = await readItems(itemsDir, 'train');
  let epochSet: { epoch: number; set: ReturnType<typeof scenes> } | undefined;
  return (epoch, index) => {
    if (epochSet?.epoch !== epoch) epochSet = { epoch, set: scenes(items, task, 2 ** 31 - 1, seed + CROP_SEED_OFFSET + CROP_EPOCH_STRIDE * epoch) };
    return epochSet.set.get(index);
  };
}

/** Scores the model on the test scenes, writes metrics.json and the pictures; returns the metrics. */
export async function testAndReport(
  dir: string,
  task: Task,
  config: ModelConfig,
  model: Model,
  classifier: Model | undefined,
  testScenes: readonly Scene[],
  extra: Record<string, unknown>,
  out: Writer,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const { metrics, predictions } = RUNNERS[task].evaluate(model, testScenes, config, 32, classifier);
  const seconds = (performance.now() - started) / 1000;
  const headline = headlineOf(task, metrics);
  out.write(`test (${testScenes.length} held-out scenes, ${seconds.toFixed(1)} s): ${headline}\n`);
  const written = [
    await writeMetrics(dir, { task, config, testScenes: testScenes.length, ...extra, test: metrics }),
    await writeScenesPicture(dir, task, config, testScenes, predictions, `${task}: ${headline}`),
  ];
  if (task === 'detect') written.push(await writePrPicture(dir, `Precision–recall at IoU 0.5 per class (mAP@0.5 ${(metrics.map50 as number).toFixed(3)})`, metrics.perClass as never));
  out.write(`wrote ${written.map((p) => displayPath(p)).join(', ')}\n`);
  return metrics;
}

export function headlineOf(task: Task, m: Record<string, unknown>): string {
  const f = (v: unknown): string => (typeof v === 'number' ? v.toFixed(3) : String(v));
  if (task === 'segment') return `mean IoU ${f(m.meanIou)}, pixel accuracy ${f(m.pixelAccuracy)}`;
  if (task === 'localize') return `mean box IoU ${f(m.meanBoxIou)}, class accuracy ${f(m.classAccuracy)}`;
  return `mAP@0.5 ${f(m.map50)} (VOC all-point ${f(m.map50Voc)}), mAP@[.5:.95] ${f(m.map)}`;
}
