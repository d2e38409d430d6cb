/**
 * Seeded synthetic scenes for detection and segmentation: small labelled items (Fashion-MNIST's
 * 28×28 clothes, or any uint8 [N, h, w] images with labels) pasted at random positions and
 * scales onto a larger canvas with a noise, gradient or texture background, with the exact
 * targets that follow from the pasting:
 *   const scene = generateScene(readMnistResult, { size: 64, maxObjects: 3, seed: 7 });
 *   scene.image (3×64×64 floats), scene.mask (class per pixel), scene.boxes, scene.labels, scene.instanceMasks
 *
 * Ground truth rules:
 * - An item's *ink* is its pixels (after scaling) at or above `inkThreshold` (default 16 of 255):
 *   ink decides every mask; the faint fringe below it is drawn but counts as background.
 * - Items are pasted in order; a later item's ink hides what it covers, so an earlier object's
 *   instance mask and its pixels in `mask` are only what stays visible. Its box stays the tight
 *   box of the ink it was pasted with (the amodal box, as COCO and VOC annotators draw the
 *   extent of a partly hidden object); an object hidden entirely is left out.
 * - Labels are 1 + the item's class (0 is background), the numbers `mask` uses.
 * Every value comes from the seeded generator through + - * / and floor (no Math.sin or exp,
 * whose last bits vary between engines), so one seed gives byte-identical scenes everywhere.
 */
import { Generator } from '@nn/tensor';
import { checkIndex, type Dataset } from '../dataset.js';
import type { IdxArray } from '../image/idx.js';
import { resize } from '../image/transforms.js';
import { BACKGROUND_KINDS, paintBackground, type BackgroundKind } from './backgrounds.js';
import type { VisionSample } from './sample.js';

/** Items to paste: uint8 images [N, h, w] (ink bright on 0, as MNIST's) and their classes [N]. */
export interface SceneSource {
  images: IdxArray;
  labels: IdxArray;
}

export interface SceneOptions {
  /** Canvas side, or [height, width]; default 64. */
  size?: number | readonly [number, number];
  /** 3 (default: coloured items on coloured backgrounds) or 1 (grey). */
  channels?: 1 | 3;
  /** Objects per scene, drawn uniformly in [minObjects, maxObjects]; defaults 1 and 4. */
  minObjects?: number;
  maxObjects?: number;
  /** Item scale range [low, high): an h×w item becomes round(h·s)×round(w·s); default [1, 2]. */
  scale?: readonly [number, number];
  /**
   * 'allow' (default): items may overlap and hide each other. 'avoid': an item is placed where its
   * box meets no earlier box (up to 20 tries, else it is left out, so a scene may hold fewer).
   */
  overlap?: 'allow' | 'avoid';
  /** The background, or 'random' (default) for one of them per scene. */
  background?: BackgroundKind | 'random';
  /** Pixels at or above this value (0..255, after scaling) are the item's ink; default 16. */
  inkThreshold?: number;
  /** The scene's seed; default 0. */
  seed?: number;
}

export interface Scene extends VisionSample {
  mask: Uint8Array;
  boxes: Float32Array;
  labels: Int32Array;
  instanceMasks: Uint8Array;
  /** The index in the source of each object's item. */
  sourceIndices: Int32Array;
}

interface Checked {
  height: number;
  width: number;
  channels: 1 | 3;
  minObjects: number;
  maxObjects: number;
  scale: readonly [number, number];
  overlap: 'allow' | 'avoid';
  background: BackgroundKind | 'random';
  inkThreshold: number;
  seed: number;
}

const op = 'generateScene';

function checkOptions(source: SceneSource, options: SceneOptions): Checked {
  const { images, labels } = source;
  if (images.dtype !== 'uint8' || images.shape.length !== 3 || images.shape[0] < 1) {
    throw new Error(`${op}: source images must be uint8 [N, height, width] with N ≥ 1, got ${images.dtype} [${images.shape.join(', ')}]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`${op}: source labels must be [N] with N = ${images.shape[0]} (one per image), got [${labels.shape.join(', ')}]`);
  }
  for (let i = 0; i < labels.data.length; i++) {
    const v = labels.data[i];
    if (!Number.isInteger(v) || v < 0 || v > 253) throw new Error(`${op}: source label ${i} is ${v}; classes must be integers in [0, 253] (1 + class must fit a mask byte below 255)`);
  }
  const size = options.size ?? 64;
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  const [itemH, itemW] = [images.shape[1], images.shape[2]];
  const scale = options.scale ?? [1, 2];
  if (!(scale[0] > 0) || !(scale[1] >= scale[0])) throw new Error(`${op}: scale must be [low, high] with 0 < low ≤ high, got ${JSON.stringify(scale)}`);
  const largest = [Math.round(itemH * scale[1]), Math.round(itemW * scale[1])];
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < largest[0] || width < largest[1] || height * width > 16_777_216) {
    throw new Error(
      `${op}: size must be integers of at least the largest item (${largest[0]}×${largest[1]} at scale ${scale[1]}) and at most 4096×4096 pixels, got ${JSON.stringify(size)}`,
    );
  }
  const minObjects = options.minObjects ?? 1;
  const maxObjects = options.maxObjects ?? Math.max(4, minObjects);
  if (!Number.isInteger(minObjects) || !Number.isInteger(maxObjects) || minObjects < 0 || maxObjects < minObjects || maxObjects > 253) {
    throw new Error(`${op}: minObjects and maxObjects must be integers with 0 ≤ minObjects ≤ maxObjects ≤ 253, got ${minObjects} and ${maxObjects}`);
  }
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new Error(`${op}: channels must be 1 or 3, got ${String(channels)}`);
  const overlap = options.overlap ?? 'allow';
  if (overlap !== 'allow' && overlap !== 'avoid') throw new Error(`${op}: overlap must be 'allow' or 'avoid', got ${JSON.stringify(overlap)}`);
  const background = options.background ?? 'random';
  if (background !== 'random' && !BACKGROUND_KINDS.includes(background)) {
    throw new Error(`${op}: background must be 'random' or one of ${BACKGROUND_KINDS.join(', ')}, got ${JSON.stringify(background)}`);
  }
  const inkThreshold = options.inkThreshold ?? 16;
  if (!(inkThreshold >= 1 && inkThreshold <= 255)) throw new Error(`${op}: inkThreshold must be in [1, 255], got ${inkThreshold}`);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new Error(`${op}: seed must be a finite number, got ${seed}`);
  return { height, width, channels, minObjects, maxObjects, scale, overlap, background, inkThreshold, seed };
}

/** One scene. The same source, options and seed give byte-identical scenes on every machine. */
export function generateScene(source: SceneSource, options: SceneOptions = {}): Scene {
  return paint(source, checkOptions(source, options), new Generator(options.seed ?? 0));
}

const MAX_TRIES = 20;

function paint(source: SceneSource, o: Checked, generator: Generator): Scene {
  const { height, width, channels } = o;
  const plane = height * width;
  const [count, itemH, itemW] = source.images.shape;
  const kind = o.background === 'random' ? BACKGROUND_KINDS[generator.nextInt(0, BACKGROUND_KINDS.length)] : o.background;
  const image = paintBackground(kind, channels, height, width, generator);
  const owner = new Int16Array(plane).fill(-1); // which object's ink each pixel shows
  const boxes: number[] = [];
  const labels: number[] = [];
  const sources: number[] = [];
  const objects = generator.nextInt(o.minObjects, o.maxObjects + 1);
  for (let k = 0; k < objects; k++) {
    // An item with ink (a blank one is drawn again), its scale, colour and place.
    let index = generator.nextInt(0, count);
    for (let tries = 0; tries < MAX_TRIES && !hasInk(source.images.data, index * itemH * itemW, itemH * itemW, o.inkThreshold); tries++) {
      index = generator.nextInt(0, count);
    }
    const s = o.scale[0] + (o.scale[1] - o.scale[0]) * generator.nextFloat();
    const h = Math.max(1, Math.round(itemH * s));
    const w = Math.max(1, Math.round(itemW * s));
    const pixels = itemPixels(source, index, h, w);
    const ink = inkBounds(pixels, h, w, o.inkThreshold);
    const tint = Array.from({ length: channels }, () => 0.5 + 0.5 * generator.nextFloat());
    let top = generator.nextInt(0, height - h + 1);
    let left = generator.nextInt(0, width - w + 1);
    if (o.overlap === 'avoid') {
      let tries = 1;
      while (ink !== undefined && meets(boxes, left + ink[0], top + ink[1], left + ink[2], top + ink[3]) && tries < MAX_TRIES) {
        top = generator.nextInt(0, height - h + 1);
        left = generator.nextInt(0, width - w + 1);
        tries++;
      }
      if (ink !== undefined && meets(boxes, left + ink[0], top + ink[1], left + ink[2], top + ink[3])) continue;
    }
    if (ink === undefined) continue; // a source without any ink at all
    const id = labels.length;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = pixels[y * w + x];
        if (v === 0) continue;
        const p = (top + y) * width + left + x;
        // Opaque on the ink, fading out on the fringe; shades from DARK up, so items stand out.
        const alpha = Math.min(1, v / o.inkThreshold);
        for (let c = 0; c < channels; c++) {
          const shade = 0.5 + 0.5 * tint[c] * (0.25 + (0.75 * v) / 255);
          image[c * plane + p] += (shade - image[c * plane + p]) * alpha;
        }
        if (v >= o.inkThreshold) owner[p] = id;
      }
    }
    boxes.push(left + ink[0], top + ink[1], left + ink[2], top + ink[3]);
    labels.push(source.labels.data[index] + 1);
    sources.push(index);
  }
  return targets(image, owner, boxes, labels, sources, channels, height, width);
}

function hasInk(data: IdxArray['data'], offset: number, size: number, threshold: number): boolean {
  for (let i = offset; i < offset + size; i++) if (data[i] >= threshold) return true;
  return false;
}

/** The item's pixels at h×w (bilinear, rounded to bytes: integer results, the same everywhere). */
function itemPixels(source: SceneSource, index: number, h: number, w: number): Uint8Array {
  const [, itemH, itemW] = source.images.shape;
  const data = Uint8Array.from(source.images.data.subarray(index * itemH * itemW, (index + 1) * itemH * itemW));
  const item = { channels: 1, height: itemH, width: itemW, data };
  return (h === itemH && w === itemW ? item : resize([h, w])(item)).data as Uint8Array;
}

function inkBounds(pixels: Uint8Array, h: number, w: number, threshold: number): [number, number, number, number] | undefined {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] < threshold) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = y;
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

function meets(boxes: readonly number[], x0: number, y0: number, x1: number, y1: number): boolean {
  for (let i = 0; i < boxes.length; i += 4) {
    if (x0 < boxes[i + 2] && boxes[i] < x1 && y0 < boxes[i + 3] && boxes[i + 1] < y1) return true;
  }
  return false;
}

/** Masks from the owner map; objects with no visible pixel left are dropped. */
function targets(image: Float32Array, owner: Int16Array, boxes: number[], labels: number[], sources: number[], channels: number, height: number, width: number): Scene {
  const plane = height * width;
  const visible = new Int32Array(labels.length);
  for (let p = 0; p < plane; p++) if (owner[p] >= 0) visible[owner[p]]++;
  const kept = labels.map((_, k) => k).filter((k) => visible[k] > 0);
  const newId = new Int32Array(labels.length).fill(-1);
  kept.forEach((k, j) => (newId[k] = j));
  const mask = new Uint8Array(plane);
  const instanceMasks = new Uint8Array(kept.length * plane);
  for (let p = 0; p < plane; p++) {
    if (owner[p] < 0) continue;
    const j = newId[owner[p]];
    mask[p] = labels[owner[p]];
    instanceMasks[j * plane + p] = 1;
  }
  return {
    image: { channels, height, width, data: image },
    mask,
    boxes: Float32Array.from(kept.flatMap((k) => boxes.slice(4 * k, 4 * k + 4))),
    labels: Int32Array.from(kept.map((k) => labels[k])),
    instanceMasks,
    sourceIndices: Int32Array.from(kept.map((k) => sources[k])),
  };
}

/** Scene i's seed: the dataset seed and the index mixed (splitmix32-style), so nearby seeds do not share scenes. */
export function sceneSeed(seed: number, index: number): number {
  let z = (Math.imul(Math.trunc(seed) >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * `length` scenes made on demand: scene i is generateScene with seed sceneSeed(seed, i), so it
 * is the same whatever order (or worker) reads it. Items are host-side Scenes (no tensors to
 * free); `sampleToTensors` makes tensors.
 */
export class SceneDataset implements Dataset<Scene> {
  readonly length: number;
  private readonly options: Checked;

  constructor(
    readonly source: SceneSource,
    options: SceneOptions & { length: number },
  ) {
    if (!Number.isInteger(options.length) || options.length < 0) throw new Error(`SceneDataset: length must be a non-negative integer, got ${options.length}`);
    this.length = options.length;
    this.options = checkOptions(source, options);
  }

  get(index: number): Scene {
    checkIndex('SceneDataset', index, this.length);
    return paint(this.source, this.options, new Generator(sceneSeed(this.options.seed, index)));
  }
}
