/**
 * The scenes each task learns from: Fashion-MNIST items pasted on 64×64 backgrounds by
 * @nn/data's SceneDataset, seeded, so the same scenes come out on every machine. Training
 * scenes paste training items and test scenes paste the held-out test items, so a test
 * score is on clothes the model never saw. The items ship with the app
 * (data/fashion-mnist-items, see scripts/make_items.ts).
 */
import { fileURLToPath } from 'node:url';
import { SceneDataset, type IdxArray, type Scene, type SceneOptions } from '@nn/data';
import { readMnist } from '@nn/data/node';
import { tensor, type Tensor } from '@nn/tensor';

export const EMBEDDED_ITEMS_DIR = fileURLToPath(new URL('../data/fashion-mnist-items', import.meta.url));

export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

export const TASKS = ['segment', 'localize', 'detect'] as const;
export type Task = (typeof TASKS)[number];

export const SCENE_SIZE = 64;

/** How each task's scenes look: one object to localize; a few, apart, to detect and segment. */
export const SCENE_OPTIONS: Record<Task, SceneOptions> = {
  segment: { size: SCENE_SIZE, minObjects: 1, maxObjects: 3, scale: [1, 1.5], overlap: 'avoid' },
  localize: { size: SCENE_SIZE, minObjects: 1, maxObjects: 1, scale: [0.8, 1.8] },
  detect: { size: SCENE_SIZE, minObjects: 1, maxObjects: 3, scale: [1, 1.5], overlap: 'avoid' },
};

export interface Items {
  images: IdxArray;
  labels: IdxArray;
}

export async function readItems(dir: string, split: 'train' | 'test'): Promise<Items> {
  return readMnist(dir, split);
}

/** `length` scenes of a task; seeds differ between the splits so no scene repeats. */
export function scenes(items: Items, task: Task, length: number, seed: number): SceneDataset {
  return new SceneDataset(items, { ...SCENE_OPTIONS[task], length, seed });
}

/** Images [N, 3, H, W] in 0..1 of a batch of scenes. */
export function imageBatch(batch: readonly Scene[]): Tensor {
  const { channels, height, width } = batch[0].image;
  const plane = channels * height * width;
  const values = new Float32Array(batch.length * plane);
  batch.forEach((scene, n) => {
    const data = scene.image.data;
    const scale = data instanceof Uint8Array ? 1 / 255 : 1;
    for (let i = 0; i < plane; i++) values[n * plane + i] = data[i] * scale;
  });
  return tensor(values, [batch.length, channels, height, width]);
}

/** A scene's objects as [cx, cy, w, h] fractions of the image with their class (0..9). */
export function objectsOf(scene: Scene): { box: [number, number, number, number]; classId: number }[] {
  const { height, width } = scene.image;
  return Array.from(scene.labels, (label, k) => {
    const [x0, y0, x1, y1] = scene.boxes.subarray(4 * k, 4 * k + 4);
    return { box: [(x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width, (y1 - y0) / height], classId: label - 1 };
  });
}
