/**
 * COCO object annotations (instances_*.json): images, categories, and annotations with a
 * bbox [x, y, width, height] in pixels and a segmentation as polygons or as run-length
 * encoding (uncompressed counts, or the compressed string pycocotools writes for crowds).
 * Masks are made exactly as pycocotools makes them (rle.ts), so areas and IoUs agree.
 * The whole file is checked on reading; every error names the file and the field
 * (`instances.json: annotations[3].bbox must be ...`).
 */
import { DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { maskUnion, polygonToRle, rleDecode, rleFromString, type Rle } from './rle.js';

export interface CocoImage {
  id: number;
  width: number;
  height: number;
  fileName: string;
}

export interface CocoCategory {
  id: number;
  name: string;
}

export type CocoSegmentation = number[][] | { size: [number, number]; counts: number[] | string };

export interface CocoAnnotation {
  id: number;
  imageId: number;
  categoryId: number;
  /** [x, y, width, height] in pixels, as in the file. */
  bbox: [number, number, number, number];
  segmentation?: CocoSegmentation;
  iscrowd: boolean;
}

export interface CocoDataset {
  images: CocoImage[];
  categories: CocoCategory[];
  annotations: CocoAnnotation[];
  /** The file name errors mention. */
  file?: string;
}

export interface CocoOptions {
  file?: string;
  /** The most pixels an image may declare (its masks are that large); default 100,000,000. */
  maxPixels?: number;
}

/** 1 GiB of instance masks at most for one image (a crowd of 1,000 objects on a 1000×1000 image). */
const MAX_MASK_BYTES = 2 ** 30;

type Json = Record<string, unknown>;

const prefix = (file: string | undefined): string => (file === undefined ? '' : `${file}: `);
const show = (v: unknown): string => (v === undefined ? 'nothing (missing)' : (JSON.stringify(v)?.slice(0, 80) ?? typeof v));

function object(value: unknown, file: string | undefined, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${prefix(file)}${field} must be an object, got ${show(value)}`);
  return value as Json;
}

function list(value: unknown, file: string | undefined, field: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${prefix(file)}${field} must be a list, got ${show(value)}`);
  return value;
}

function integer(value: unknown, file: string | undefined, field: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${prefix(file)}${field} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got ${show(value)}`);
  }
  return value;
}

function finite(value: unknown, file: string | undefined, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${prefix(file)}${field} must be a finite number, got ${show(value)}`);
  return value;
}

function segmentation(value: unknown, image: CocoImage, file: string | undefined, field: string): CocoSegmentation {
  if (Array.isArray(value)) {
    return value.map((polygon, j) => {
      const points = list(polygon, file, `${field}[${j}]`).map((v, n) => finite(v, file, `${field}[${j}][${n}]`));
      if (points.length < 6 || points.length % 2 !== 0) {
        throw new Error(`${prefix(file)}${field}[${j}] must list x, y pairs of at least 3 points, got ${points.length} numbers`);
      }
      return points;
    });
  }
  const rle = object(value, file, field);
  const size = list(rle.size, file, `${field}.size`);
  if (size.length !== 2) throw new Error(`${prefix(file)}${field}.size must be [height, width], got ${show(rle.size)}`);
  const h = integer(size[0], file, `${field}.size[0]`, 0);
  const w = integer(size[1], file, `${field}.size[1]`, 0);
  if (h !== image.height || w !== image.width) {
    throw new Error(`${prefix(file)}${field}.size is [${h}, ${w}] but image ${image.id} is ${image.height} high and ${image.width} wide`);
  }
  if (typeof rle.counts === 'string') return { size: [h, w], counts: rle.counts };
  const counts = list(rle.counts, file, `${field}.counts`).map((c, n) => integer(c, file, `${field}.counts[${n}]`, 0));
  return { size: [h, w], counts };
}

/** Parses and checks a COCO annotation file's text. */
export function parseCoco(text: string, options: CocoOptions = {}): CocoDataset {
  const { file } = options;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new Error(`${prefix(file)}not valid JSON: ${(error as Error).message}`);
  }
  const top = object(root, file, 'the top level');
  const images = list(top.images, file, 'images').map((entry, i): CocoImage => {
    const o = object(entry, file, `images[${i}]`);
    const width = integer(o.width, file, `images[${i}].width`, 1);
    const height = integer(o.height, file, `images[${i}].height`, 1);
    if (width * height > maxPixels) {
      throw new Error(`${prefix(file)}images[${i}] declares ${width}×${height} = ${width * height} pixels, more than maxPixels = ${maxPixels}; raise the cap with { maxPixels } if it is real`);
    }
    const fileName = o.file_name === undefined ? '' : typeof o.file_name === 'string' ? o.file_name : '';
    if (o.file_name !== undefined && typeof o.file_name !== 'string') throw new Error(`${prefix(file)}images[${i}].file_name must be a string, got ${show(o.file_name)}`);
    return { id: integer(o.id, file, `images[${i}].id`), width, height, fileName };
  });
  const categories = list(top.categories, file, 'categories').map((entry, i): CocoCategory => {
    const o = object(entry, file, `categories[${i}]`);
    if (typeof o.name !== 'string') throw new Error(`${prefix(file)}categories[${i}].name must be a string, got ${show(o.name)}`);
    return { id: integer(o.id, file, `categories[${i}].id`), name: o.name };
  });
  const imageById = unique(images, file, 'images');
  const categoryById = unique(categories, file, 'categories');
  const annotations = list(top.annotations, file, 'annotations').map((entry, i): CocoAnnotation => {
    const field = `annotations[${i}]`;
    const o = object(entry, file, field);
    const imageId = integer(o.image_id, file, `${field}.image_id`);
    const image = imageById.get(imageId);
    if (image === undefined) throw new Error(`${prefix(file)}${field}.image_id ${imageId} is not the id of any entry of images`);
    const categoryId = integer(o.category_id, file, `${field}.category_id`);
    if (!categoryById.has(categoryId)) throw new Error(`${prefix(file)}${field}.category_id ${categoryId} is not the id of any entry of categories`);
    const raw = list(o.bbox, file, `${field}.bbox`);
    const bbox = raw.map((v, n) => finite(v, file, `${field}.bbox[${n}]`));
    if (bbox.length !== 4 || bbox[2] < 0 || bbox[3] < 0) {
      throw new Error(`${prefix(file)}${field}.bbox must be [x, y, width, height] with width, height ≥ 0, got ${show(o.bbox)}`);
    }
    const iscrowd = o.iscrowd === undefined ? 0 : integer(o.iscrowd, file, `${field}.iscrowd`, 0);
    if (iscrowd > 1) throw new Error(`${prefix(file)}${field}.iscrowd must be 0 or 1, got ${iscrowd}`);
    const annotation: CocoAnnotation = { id: integer(o.id, file, `${field}.id`), imageId, categoryId, bbox: bbox as CocoAnnotation['bbox'], iscrowd: iscrowd === 1 };
    if (o.segmentation !== undefined) annotation.segmentation = segmentation(o.segmentation, image, file, `${field}.segmentation`);
    return annotation;
  });
  return { images, categories, annotations, file };
}

function unique<T extends { id: number }>(entries: T[], file: string | undefined, field: string): Map<number, T> {
  const byId = new Map<number, T>();
  entries.forEach((e, i) => {
    if (byId.has(e.id)) throw new Error(`${prefix(file)}${field}[${i}].id ${e.id} is used twice`);
    byId.set(e.id, e);
  });
  return byId;
}

/** The 0/1 mask (row-major [height, width]) of a segmentation; polygons of one object are united. */
export function cocoSegmentationMask(seg: CocoSegmentation, height: number, width: number, file?: string, field = 'segmentation'): Uint8Array {
  if (Array.isArray(seg)) return maskUnion(seg.map((polygon) => rleDecode(polygonToRle(polygon, height, width))), height * width);
  const rle: Rle = typeof seg.counts === 'string' ? rleFromString(seg.counts, seg.size, file, field) : { size: seg.size, counts: seg.counts };
  return rleDecode(rle, file, field);
}

/**
 * The targets of one image: boxes x0, y0, x1, y1 (= x, y, x + width, y + height), labels 1 + the
 * category's position in `categories` (COCO's ids skip numbers; 0 stays background), crowd flags,
 * and the instance masks when every annotation has a segmentation.
 */
export function cocoTargets(coco: CocoDataset, imageId: number): { boxes: Float32Array; labels: Int32Array; iscrowd: Uint8Array; instanceMasks?: Uint8Array } {
  const image = coco.images.find((im) => im.id === imageId);
  if (image === undefined) throw new Error(`${prefix(coco.file)}no image has id ${imageId}`);
  const position = new Map(coco.categories.map((c, i) => [c.id, i + 1]));
  const mine = coco.annotations.map((a, i) => ({ a, i })).filter(({ a }) => a.imageId === imageId);
  const boxes = Float32Array.from(mine.flatMap(({ a }) => [a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]]));
  const labels = Int32Array.from(mine.map(({ a }) => position.get(a.categoryId)!));
  const iscrowd = Uint8Array.from(mine.map(({ a }) => (a.iscrowd ? 1 : 0)));
  if (mine.length === 0 || mine.some(({ a }) => a.segmentation === undefined)) return { boxes, labels, iscrowd };
  const plane = image.height * image.width;
  if (mine.length * plane > MAX_MASK_BYTES) {
    throw new Error(`${prefix(coco.file)}image ${imageId} has ${mine.length} masks of ${image.width}×${image.height}: ${mine.length * plane} bytes, more than ${MAX_MASK_BYTES}; read its annotations a few at a time with cocoSegmentationMask`);
  }
  const instanceMasks = new Uint8Array(mine.length * plane);
  mine.forEach(({ a, i }, k) => instanceMasks.set(cocoSegmentationMask(a.segmentation!, image.height, image.width, coco.file, `annotations[${i}].segmentation`), k * plane));
  return { boxes, labels, iscrowd, instanceMasks };
}
