/**
 * The images the app learns from: the embedded Fashion-MNIST subset shipped in `data/`, or
 * the four MNIST-format IDX files of a folder given with --data (the full Fashion-MNIST,
 * or hand-written MNIST digits, which share the format).
 */
import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IdxArray } from '@nn/data';
import { readIdxFile } from '@nn/data/node';
import { Generator } from '@nn/tensor';

/** Zalando's label order (Xiao, Rasul and Vollgraf, 2017). */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export type DatasetKind = 'fashion-mnist' | 'mnist';

/** The embedded default: a seeded, class-balanced subset written by scripts/make_subset.ts. */
export const EMBEDDED_DATA_DIR = fileURLToPath(new URL('../data/fashion-mnist-subset', import.meta.url));

/** Grey images [count, height, width] as bytes, and one class index per image. */
export interface Split {
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  /** The files the split was read from (for messages). */
  files: { images: string; labels: string };
}

export interface LoadedData {
  train: Split;
  test: Split;
  kind: DatasetKind;
  classes: readonly string[];
  /** The folder read from. */
  dir: string;
}

/** The file names MNIST and Fashion-MNIST use, gzipped or not. */
export function mnistFileNames(split: 'train' | 'test'): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

async function findFile(dir: string, name: string): Promise<string> {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // try the unzipped name
    }
  }
  throw new Error(`${dir}: no ${name}.gz (or ${name}) in this folder; --data expects the four MNIST-format files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz`);
}

/** Reads and checks one split: uint8 images [N, H, W], labels [N] in 0..numClasses-1. */
export async function readSplit(dir: string, split: 'train' | 'test', numClasses: number): Promise<Split> {
  const names = mnistFileNames(split);
  // One after the other, so a folder missing both always names the images file first.
  const imagesFile = await findFile(dir, names.images);
  const labelsFile = await findFile(dir, names.labels);
  // In order too: when both files are malformed, the error names the images file every time.
  const images = await readIdxFile(imagesFile);
  const labels = await readIdxFile(labelsFile);
  return checkSplit(images, labels, { images: imagesFile, labels: labelsFile }, numClasses);
}

export function checkSplit(images: IdxArray, labels: IdxArray, files: { images: string; labels: string }, numClasses: number): Split {
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(`${files.images}: expected grey images, uint8 [N, height, width], but the file holds ${images.dtype} [${images.shape.join(', ')}]`);
  }
  if (labels.shape.length !== 1 || (labels.dtype !== 'uint8' && labels.dtype !== 'int8' && labels.dtype !== 'int16' && labels.dtype !== 'int32')) {
    throw new Error(`${files.labels}: expected integer labels [N], but the file holds ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const [count, height, width] = images.shape;
  if (labels.shape[0] !== count) throw new Error(`${files.labels}: ${labels.shape[0]} labels, but ${files.images} has ${count} images`);
  if (count === 0) throw new Error(`${files.images}: the file holds no images`);
  const values = Int32Array.from(labels.data);
  const bad = values.findIndex((v) => v < 0 || v >= numClasses);
  if (bad >= 0) throw new Error(`${files.labels}: label ${values[bad]} of image ${bad} is outside the ${numClasses} classes 0..${numClasses - 1}`);
  return { pixels: images.data as Uint8Array, labels: values, count, height, width, files };
}

/** Fashion-MNIST unless the folder's name says MNIST digits (e.g. `mnist/`, not `fashion-mnist/`). */
export function guessKind(dir: string): DatasetKind {
  const name = basename(dir).toLowerCase();
  return name.includes('mnist') && !name.includes('fashion') ? 'mnist' : 'fashion-mnist';
}

export function classNames(kind: DatasetKind): readonly string[] {
  return kind === 'mnist' ? DIGIT_CLASSES : FASHION_MNIST_CLASSES;
}

/** Both splits of a folder (default: the embedded subset). */
export async function loadData(dir: string = EMBEDDED_DATA_DIR, kind: DatasetKind = guessKind(dir)): Promise<LoadedData> {
  const classes = classNames(kind);
  const [train, test] = await Promise.all([readSplit(dir, 'train', classes.length), readSplit(dir, 'test', classes.length)]);
  if (train.height !== test.height || train.width !== test.width) {
    throw new Error(`${test.files.images}: test images are ${test.height}×${test.width}, but the training images in ${train.files.images} are ${train.height}×${train.width}`);
  }
  return { train, test, kind, classes, dir };
}

/**
 * `perClass` indices of each class, drawn without replacement by a seeded generator and
 * returned in ascending order, so a subset keeps the source's order and repeats exactly.
 */
export function balancedSubset(labels: ArrayLike<number>, numClasses: number, perClass: number, seed: number): number[] {
  const generator = new Generator(seed);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const chosen: number[] = [];
  byClass.forEach((indices, c) => {
    if (indices.length < perClass) throw new Error(`balancedSubset: class ${c} has ${indices.length} examples, fewer than the ${perClass} asked for`);
    // A partial Fisher-Yates shuffle: the first perClass places are a uniform sample.
    for (let i = 0; i < perClass; i++) {
      const j = generator.nextInt(i, indices.length);
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    chosen.push(...indices.slice(0, perClass));
  });
  return chosen.sort((a, b) => a - b);
}

/** The images and labels at `indices`, as IDX arrays ready for encodeIdx. */
export function selectIdx(split: Split, indices: readonly number[]): { images: IdxArray; labels: IdxArray } {
  const size = split.height * split.width;
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, k) => {
    pixels.set(split.pixels.subarray(index * size, (index + 1) * size), k * size);
    labels[k] = split.labels[index];
  });
  return {
    images: { dtype: 'uint8', shape: [indices.length, split.height, split.width], data: pixels },
    labels: { dtype: 'uint8', shape: [indices.length], data: labels },
  };
}
