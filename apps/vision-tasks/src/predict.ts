/**
 * `vision-tasks predict MODEL IMAGE...`: each image (PNG or JPEG, resized to the 64×64 the
 * models learnt on) through the checkpoint; prints what it found and writes predictions.png.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { convertChannels, decodeImage, resize, type Image } from '@nn/data';
import { checkInputFile, checkOutputDir, displayPath, makeOutputDir, writeFileAtomic } from '@nn/layers/node';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadModel } from './checkpoint.js';
import { SCENE_SIZE, CLASSES } from './data.js';
import { legendOf } from './outputs.js';
import { scenesSvg } from './plots/scenes.js';
import { renderPng } from '@nn/app-kit/svg';
import type { Writer } from '@nn/app-kit/cli';
import { RUNNERS } from './tasks/index.js';

export interface PredictOptions {
  model: string;
  images: string[];
  out: string;
  backend: BackendName;
}

async function readImage(path: string): Promise<Image> {
  await checkInputFile(path, 'image');
  let image: Image;
  try {
    image = decodeImage(new Uint8Array(await readFile(path)));
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return resize([SCENE_SIZE, SCENE_SIZE])(convertChannels(image, 3));
}

export async function predict(options: PredictOptions, out: Writer): Promise<void> {
  await checkOutputDir(options.out, '--out');
  await useBackend(options.backend);
  const { task, config, model, classifier } = await loadModel(options.model);
  const images = await Promise.all(options.images.map(readImage));
  // A scene without targets: evaluate's metrics are ignored, its predictions kept.
  const scenes = images.map((image) => ({ image, mask: new Uint8Array(SCENE_SIZE * SCENE_SIZE), boxes: new Float32Array(4), labels: Int32Array.of(1), instanceMasks: new Uint8Array(0), sourceIndices: new Int32Array(0) }));
  const { predictions } = RUNNERS[task].evaluate(model, scenes, config, 32, classifier);
  predictions.forEach((p, i) => {
    const name = basename(options.images[i]);
    if (p.mask !== undefined) {
      const counts = new Map<number, number>();
      p.mask.forEach((v) => v > 0 && counts.set(v, (counts.get(v) ?? 0) + 1));
      const found = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${legendOf(config)[k - 1]} ${((100 * n) / p.mask!.length).toFixed(1)} %`);
      out.write(`${name}: ${found.length === 0 ? 'background only' : found.join(', ')}\n`);
    } else {
      const found = (p.boxes ?? []).map((b) => `${CLASSES[b.classId]} ${b.score.toFixed(2)} at [${b.box.map((v) => v.toFixed(1)).join(', ')}]`);
      out.write(`${name}: ${found.length === 0 ? 'nothing found' : found.join('; ')}\n`);
    }
  });
  await makeOutputDir(options.out, '--out');
  const path = join(options.out, 'predictions.png');
  const rows = images.map((image, i) => ({ truth: { image }, prediction: { image, mask: predictions[i].mask, boxes: predictions[i].boxes } }));
  await writeFileAtomic(path, renderPng(scenesSvg({ title: `${task}: predictions`, leftCaption: 'input', classes: legendOf(config), rows })));
  out.write(`wrote ${displayPath(path)}\n`);
}
