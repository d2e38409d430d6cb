/**
 * A trained model's folder: `model.safetensors` holds the best weights, and its
 * `__metadata__` says everything needed to use them (architecture, width, input size,
 * normalisation, class names), so the one file is the model. Other files beside it
 * (metrics, plots) are for people.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateDict, TensorModule } from '@nn/layers';
import { loadWithMetadata } from '@nn/layers/node';
import { dispose } from '@nn/tensor';
import { FASHION_MNIST_CLASSES, classNames, type DatasetKind } from './data.js';
import { MODEL_NAMES, modelSpec, resolveWidth, type Fit } from './models.js';
import type { Normalization } from './preprocess.js';

export const CHECKPOINT_FILE = 'model.safetensors';
const FORMAT = 'nn-image-classifier/1';

export interface ModelConfig {
  model: string;
  width: number;
  inputSize: number;
  fit: Fit;
  /** Size of the data set's images, which photos are reduced to before the fit. */
  imageHeight: number;
  imageWidth: number;
  normalization: Normalization;
  dataset: DatasetKind;
  classes: readonly string[];
}

export function toMetadata(config: ModelConfig): Record<string, string> {
  return {
    format: FORMAT,
    model: config.model,
    width: String(config.width),
    input_size: String(config.inputSize),
    fit: config.fit,
    image_size: `${config.imageHeight}x${config.imageWidth}`,
    mean: String(config.normalization.mean),
    std: String(config.normalization.std),
    dataset: config.dataset,
    classes: JSON.stringify(config.classes),
  };
}

/** The config stored in a checkpoint's metadata; an error naming the file and the entry if it is incomplete. */
export function fromMetadata(metadata: Record<string, string>, file: string): ModelConfig {
  const bad = (entry: string, why: string): Error => new Error(`${file}: the metadata entry '${entry}' ${why}`);
  const number = (entry: string): number => {
    const value = Number(metadata[entry]);
    if (metadata[entry] === undefined || !Number.isFinite(value)) throw bad(entry, `must be a number, got ${JSON.stringify(metadata[entry])}`);
    return value;
  };
  if (!MODEL_NAMES.includes(metadata.model)) throw bad('model', `must name one of the app's models (${MODEL_NAMES.join(', ')}), got ${JSON.stringify(metadata.model)}`);
  const spec = modelSpec(metadata.model);
  const [imageHeight, imageWidth] = (metadata.image_size ?? '').split('x').map(Number);
  if (!(imageHeight > 0 && imageWidth > 0)) throw bad('image_size', `must look like 28x28, got ${JSON.stringify(metadata.image_size)}`);
  let classes: unknown;
  try {
    classes = JSON.parse(metadata.classes ?? '');
  } catch {
    classes = null;
  }
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) throw bad('classes', 'must be a JSON list of class names');
  const fit = metadata.fit;
  if (fit !== 'pad' && fit !== 'resize') throw bad('fit', `must be 'pad' or 'resize', got ${JSON.stringify(fit)}`);
  const dataset = metadata.dataset === 'mnist' ? 'mnist' : 'fashion-mnist';
  const std = number('std');
  if (!(std > 0)) throw bad('std', `must be positive, got ${std}`);
  return {
    model: spec.name,
    width: number('width'),
    inputSize: number('input_size'),
    fit,
    imageHeight,
    imageWidth,
    normalization: { mean: number('mean'), std },
    dataset,
    classes: classes,
  };
}

/** What a model of `spec` trained on Fashion-MNIST would say, for checkpoints without our metadata (--arch). */
export function defaultConfig(model: string, width: number | undefined, dataset: DatasetKind = 'fashion-mnist'): ModelConfig {
  const spec = modelSpec(model);
  return {
    model: spec.name,
    width: resolveWidth(spec, width),
    inputSize: spec.inputSize,
    fit: spec.fit,
    imageHeight: 28,
    imageWidth: 28,
    // Fashion-MNIST's training set; MNIST's digits are 0.1307 and 0.3081.
    normalization: dataset === 'mnist' ? { mean: 0.1307, std: 0.3081 } : { mean: 0.286, std: 0.353 },
    dataset,
    classes: dataset === 'mnist' ? classNames('mnist') : FASHION_MNIST_CLASSES,
  };
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function someOf(keys: string[]): string {
  return keys.length <= 3 ? keys.join(', ') : `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more`;
}

/**
 * Throws unless `stateDict` has exactly the model's tensors with the model's shapes; the
 * message names the file and says what differs, in one line.
 */
export function checkArchitecture(model: TensorModule, stateDict: StateDict, file: string, name: string): void {
  const own = model.stateDict();
  const missing = Object.keys(own).filter((k) => !Object.hasOwn(stateDict, k));
  const unexpected = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
  const reshaped = Object.keys(own)
    .filter((k) => Object.hasOwn(stateDict, k) && shapeText(own[k].shape) !== shapeText(stateDict[k].shape))
    .map((k) => `${k} is ${shapeText(stateDict[k].shape)} in the file but ${shapeText(own[k].shape)} in ${name}`);
  if (missing.length + unexpected.length + reshaped.length === 0) return;
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`${missing.length} of ${name}'s ${Object.keys(own).length} tensors are missing (${someOf(missing)})`);
  if (unexpected.length > 0) problems.push(`${unexpected.length} tensors are not ${name}'s (${someOf(unexpected)})`);
  if (reshaped.length > 0) problems.push(someOf(reshaped));
  throw new Error(`${file}: the checkpoint is for a different architecture than ${name}: ${problems.join('; ')}`);
}

export interface LoadedModel {
  model: TensorModule;
  config: ModelConfig;
  file: string;
  metadata: Record<string, string>;
}

export interface LoadOptions {
  /** The architecture, for a checkpoint without our metadata (or to override it). */
  arch?: string;
  width?: number;
}

/** Where the checkpoint of a model folder (or the file itself) is; errors say what is missing. */
export async function checkpointPath(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new Error(`${path}: no such folder; --model takes the folder that 'train --out' wrote`);
  }
  if (info.isFile()) return path;
  const file = join(path, CHECKPOINT_FILE);
  try {
    await stat(file);
  } catch {
    throw new Error(`${path}: no checkpoint in this folder (${CHECKPOINT_FILE} is missing); train one with: image-classifier train --out ${path}`);
  }
  return file;
}

/** Builds the model a folder's checkpoint describes and loads its weights. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const file = await checkpointPath(path);
  const { stateDict, metadata } = await loadWithMetadata(file);
  try {
    let config: ModelConfig;
    if (metadata.format === FORMAT) {
      config = fromMetadata(metadata, file);
      // --arch overrides the architecture; what the training data taught (statistics, classes) stays.
      if (options.arch !== undefined) config = { ...defaultConfig(options.arch, options.width, config.dataset), normalization: config.normalization, classes: config.classes };
    } else if (options.arch !== undefined) {
      config = defaultConfig(options.arch, options.width);
    } else {
      throw new Error(`${file}: the checkpoint does not say which model it holds (no ${FORMAT} metadata); name the architecture with --arch`);
    }
    const spec = modelSpec(config.model);
    const model = spec.build({ numClasses: config.classes.length, width: config.width, init: false });
    checkArchitecture(model, stateDict, file, config.model);
    model.loadStateDict(stateDict);
    model.eval();
    return { model, config, file, metadata };
  } finally {
    dispose(Object.values(stateDict)); // the model's parameters hold their own references
  }
}
