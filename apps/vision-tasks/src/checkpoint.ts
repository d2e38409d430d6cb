/**
 * A trained model's folder: `model.safetensors` holds the weights, and its `__metadata__` the
 * task and the config that rebuild the model, so the one file is the model.
 */
import { join } from 'node:path';
import { loadWithMetadata, save } from '@nn/layers/node';
import { TASKS, type Task } from './data.js';
import { BACKBONE_NAMES } from './tasks/backbones.js';
import { DETECTORS, RUNNERS, type Detector, type Model, type ModelConfig } from './tasks/index.js';

export const CHECKPOINT_FILE = 'model.safetensors';
const FORMAT = 'nn-vision-tasks/1';

export async function saveModel(dir: string, task: Task, config: ModelConfig, model: Model): Promise<string> {
  const path = join(dir, CHECKPOINT_FILE);
  await save(model.stateDict(), path, { metadata: { format: FORMAT, task, mode: config.mode, width: String(config.width), backbone: config.backbone, ...(config.detector === undefined ? {} : { detector: config.detector }) } });
  return path;
}

/** The model of a checkpoint file, or of a folder holding model.safetensors. */
export async function loadModel(path: string): Promise<{ task: Task; config: ModelConfig; model: Model }> {
  const file = path.endsWith('.safetensors') ? path : join(path, CHECKPOINT_FILE);
  const { stateDict, metadata } = await loadWithMetadata(file);
  const bad = (entry: string, why: string): Error => new Error(`${file}: the metadata entry '${entry}' ${why}`);
  if (metadata.format !== FORMAT) throw bad('format', `must be ${FORMAT} (a checkpoint written by vision-tasks train), got ${JSON.stringify(metadata.format)}`);
  const task = metadata.task as Task;
  if (!TASKS.includes(task)) throw bad('task', `must be one of ${TASKS.join(', ')}, got ${JSON.stringify(metadata.task)}`);
  const mode = metadata.mode;
  if (mode !== 'multiclass' && mode !== 'binary') throw bad('mode', `must be multiclass or binary, got ${JSON.stringify(mode)}`);
  const width = Number(metadata.width);
  if (!(width > 0)) throw bad('width', `must be a positive number, got ${JSON.stringify(metadata.width)}`);
  const backbone = metadata.backbone;
  if (task !== 'segment' && !BACKBONE_NAMES.includes(backbone)) throw bad('backbone', `must be one of ${BACKBONE_NAMES.join(', ')}, got ${JSON.stringify(backbone)}`);
  // Checkpoints from before the second detector hold no entry: YOLO v1.
  const detector = metadata.detector ?? 'yolo';
  if (task === 'detect' && !(DETECTORS as readonly string[]).includes(detector)) throw bad('detector', `must be one of ${DETECTORS.join(', ')}, got ${JSON.stringify(detector)}`);
  const config: ModelConfig = { mode, width, backbone: task === 'segment' ? 'unet' : backbone, ...(task === 'detect' ? { detector: detector as Detector } : {}) };
  const model = RUNNERS[task].build(config);
  model.loadStateDict(stateDict);
  return { task, config, model };
}
