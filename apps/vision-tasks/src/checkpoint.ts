/**
 * A trained model's folder: `model.safetensors` holds the weights of both stages (the second
 * stage's under `stage2.`), and its `__metadata__` the task and the config that rebuild them,
 * so the one file is the model.
 */
import { join } from 'node:path';
import { loadWithMetadata, save } from '@nn/layers/node';
import { TASKS, type Task } from './data.js';
import { BACKBONE_NAMES } from './tasks/backbones.js';
import { CLASSIFIER_NAME, cropClassifier, MAX_MEMBERS } from './tasks/classifier.js';
import { DETECTORS, RUNNERS, type Detector, type Model, type ModelConfig } from './tasks/index.js';

export const CHECKPOINT_FILE = 'model.safetensors';
const FORMAT = 'nn-vision-tasks/1';

/** The prefix of the second stage's weights in the one file. */
const STAGE2 = 'stage2.';

export async function saveModel(dir: string, task: Task, config: ModelConfig, model: Model, classifier?: Model): Promise<string> {
  const path = join(dir, CHECKPOINT_FILE);
  const weights = model.stateDict();
  if (classifier !== undefined) for (const [key, value] of Object.entries(classifier.stateDict())) weights[STAGE2 + key] = value;
  const metadata = {
    format: FORMAT,
    task,
    mode: config.mode,
    width: String(config.width),
    backbone: config.backbone,
    ...(config.detector === undefined ? {} : { detector: config.detector }),
    ...(config.centres === true ? { centres: 'true' } : {}),
    ...(config.classifier === undefined ? {} : { classifier: CLASSIFIER_NAME, classifierWidth: String(config.classifier.width), classifierInput: config.classifier.masked ? 'masked' : 'box', ...((config.classifier.members ?? 1) > 1 ? { classifierMembers: String(config.classifier.members) } : {}) }),
  };
  await save(weights, path, { metadata });
  return path;
}

/** The model of a checkpoint file, or of a folder holding model.safetensors. */
export async function loadModel(path: string): Promise<{ task: Task; config: ModelConfig; model: Model; classifier?: Model }> {
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
  // Checkpoints from before the second stage hold no entry: one stage.
  let second: ModelConfig['classifier'];
  if (metadata.classifier !== undefined) {
    if (metadata.classifier !== CLASSIFIER_NAME) throw bad('classifier', `must be ${CLASSIFIER_NAME}, got ${JSON.stringify(metadata.classifier)}`);
    const classifierWidth = Number(metadata.classifierWidth);
    if (!(classifierWidth > 0)) throw bad('classifierWidth', `must be a positive number, got ${JSON.stringify(metadata.classifierWidth)}`);
    const input = metadata.classifierInput;
    if (input !== 'masked' && input !== 'box') throw bad('classifierInput', `must be masked or box, got ${JSON.stringify(input)}`);
    // Checkpoints from before the ensembles hold no entry: one classifier.
    const members = metadata.classifierMembers === undefined ? 1 : Number(metadata.classifierMembers);
    if (metadata.classifierMembers !== undefined && !(Number.isInteger(members) && members >= 2 && members <= MAX_MEMBERS)) {
      throw bad('classifierMembers', `must be an integer from 2 to ${MAX_MEMBERS}, got ${JSON.stringify(metadata.classifierMembers)}`);
    }
    second = { width: classifierWidth, ...(input === 'masked' ? { masked: true } : {}), ...(members > 1 ? { members } : {}) };
  }
  // Checkpoints from before the centre heatmap hold no entry: clothes or not.
  if (metadata.centres !== undefined && metadata.centres !== 'true') throw bad('centres', `must be true or absent, got ${JSON.stringify(metadata.centres)}`);
  const config: ModelConfig = {
    mode,
    width,
    backbone: task === 'segment' ? 'unet' : backbone,
    ...(task === 'detect' ? { detector: detector as Detector } : {}),
    ...(second === undefined ? {} : { classifier: second }),
    ...(metadata.centres === 'true' ? { centres: true } : {}),
  };
  const first = Object.fromEntries(Object.entries(stateDict).filter(([key]) => !key.startsWith(STAGE2)));
  const model = RUNNERS[task].build(config);
  model.loadStateDict(first);
  if (second === undefined) return { task, config, model };
  const classifier = cropClassifier(second.width, second.members ?? 1);
  classifier.loadStateDict(Object.fromEntries(Object.entries(stateDict).flatMap(([key, value]) => (key.startsWith(STAGE2) ? [[key.slice(STAGE2.length), value]] : []))));
  return { task, config, model, classifier };
}
