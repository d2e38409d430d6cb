/**
 * `classify`: the top classes for image files of any size, grey or colour, PNG or JPEG. Each
 * image is made to look like the training data (grey, light object on black, squared and
 * reduced to 28×28), then goes through the model's own input transform.
 */
import { convertChannels, imageToTensor } from '@nn/data';
import { readImageFile } from '@nn/data/node';
import { checkInputFile } from '@nn/layers/node';
import { noGrad } from '@nn/autograd';
import { softmax, tidy } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadModel } from './checkpoint.js';
import { imageTransform, toDatasetImage } from './preprocess.js';
import type { Writer } from './progress.js';

export interface ClassifyOptions {
  model: string;
  images: readonly string[];
  /** How many classes to print per image (default 5). */
  top?: number;
  /** 'auto' inverts images with a light background. */
  invert?: 'auto' | 'yes' | 'no';
  backend?: BackendName;
  /** The architecture, for a checkpoint without the app's metadata. */
  arch?: string;
  width?: number;
}

export interface Classification {
  file: string;
  /** The file's own size and channels. */
  height: number;
  width: number;
  channels: number;
  inverted: boolean;
  top: { label: string; probability: number }[];
}

export async function classify(options: ClassifyOptions, out: Writer = process.stdout): Promise<Classification[]> {
  await useBackend(options.backend ?? 'cpu');
  const { model, config } = await loadModel(options.model, { arch: options.arch, width: options.width });
  // Every file before any output: a folder or a typo is one line naming it (Node's EISDIR names no path).
  for (const file of options.images) await checkInputFile(file, undefined, 'a PNG or JPEG image');
  const k = Math.min(options.top ?? 5, config.classes.length);
  const transform = imageTransform({ input: { size: config.inputSize, fit: config.fit }, normalization: config.normalization });
  const invert = options.invert === 'yes' ? true : options.invert === 'no' ? false : 'auto';
  const results: Classification[] = [];
  for (const file of options.images) {
    const original = await readImageFile(file);
    const { image, inverted } = toDatasetImage(convertChannels(original, 1), config.imageHeight, config.imageWidth, invert);
    const output = noGrad(() => tidy(() => softmax(model.forward(imageToTensor(transform(image)).reshape([1, 1, config.inputSize, config.inputSize])), 1)));
    const probabilities = output.dataSync();
    output.dispose();
    const top = Array.from(probabilities, (probability, c) => ({ label: config.classes[c], probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
    results.push({ file, height: original.height, width: original.width, channels: original.channels, inverted, top });
    const kind = original.channels >= 3 ? 'colour' : 'grey';
    out.write(`${file} (${original.width}×${original.height} ${kind}${inverted ? ', light background: inverted' : ''})\n`);
    top.forEach((t, i) => out.write(`  ${i + 1}. ${(100 * t.probability).toFixed(2).padStart(6)} %  ${t.label}\n`));
  }
  return results;
}
