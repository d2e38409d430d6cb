/**
 * ImageDataset: labelled images held in memory (decoded files, or an IDX array such as
 * Fashion-MNIST), with an optional transform per item. Items are [image [C,H,W], label];
 * a DataLoader batch is [images [N,C,H,W], labels [N]], built straight into one tensor.
 */
import { tensor, type Generator, type Tensor } from '@nn/tensor';
import { checkIndex, type Dataset } from '../dataset.js';
import { resolveGenerator, type RandomOptions } from '../random.js';
import type { IdxArray } from './idx.js';
import { imagesToFloat32, type Image } from './image.js';
import type { Transform } from './transforms.js';

export interface ImageDatasetOptions extends RandomOptions {
  /** Applied to each image when it is read (augmentation draws from the dataset's generator). */
  transform?: Transform;
}

export class ImageDataset implements Dataset<[Tensor, number]> {
  private readonly transform: Transform | undefined;
  private readonly ownGenerator: Generator | undefined;

  /**
   * @param images one Image per item, or a function that gives image i
   * @param labels one class index (or value) per item
   */
  constructor(
    private readonly images: readonly Image[] | ((index: number) => Image),
    readonly labels: ArrayLike<number>,
    options: ImageDatasetOptions = {},
  ) {
    if (Array.isArray(images) && images.length !== labels.length) {
      throw new Error(`ImageDataset: ${images.length} images but ${labels.length} labels`);
    }
    this.transform = options.transform;
    // A seed gives the dataset its own generator; otherwise look the default up per read.
    this.ownGenerator = options.seed !== undefined ? resolveGenerator(options) : options.generator;
  }

  /**
   * Images of an IDX array [N, H, W] (grey, as MNIST) or [N, H, W, C] with labels [N].
   *   ImageDataset.fromIdx(parseIdx(imageBytes), parseIdx(labelBytes), { transform })
   */
  static fromIdx(images: IdxArray, labels: IdxArray, options: ImageDatasetOptions = {}): ImageDataset {
    const op = 'ImageDataset.fromIdx';
    if (images.dtype !== 'uint8' || (images.shape.length !== 3 && images.shape.length !== 4)) {
      throw new Error(`${op}: images must be uint8 [N, H, W] or [N, H, W, C], got ${images.dtype} [${images.shape.join(', ')}]`);
    }
    if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
      throw new Error(`${op}: labels must be [N] with N = ${images.shape[0]} (the number of images), got [${labels.shape.join(', ')}]`);
    }
    const [, height, width, channels = 1] = images.shape;
    const size = height * width * channels;
    const data = images.data as Uint8Array;
    const image = (i: number): Image => {
      const pixels = data.subarray(i * size, (i + 1) * size);
      if (channels === 1) return { channels, height, width, data: pixels };
      const planar = new Uint8Array(size);
      for (let p = 0; p < height * width; p++) for (let c = 0; c < channels; c++) planar[c * height * width + p] = pixels[p * channels + c];
      return { channels, height, width, data: planar };
    };
    return new ImageDataset(image, labels.data, options);
  }

  get length(): number {
    return this.labels.length;
  }

  /** Image `index` after the transform. */
  image(index: number, generator: Generator = this.generator()): Image {
    checkIndex('ImageDataset', index, this.length);
    const raw = typeof this.images === 'function' ? this.images(index) : this.images[index];
    return this.transform ? this.transform(raw, generator) : raw;
  }

  private generator(): Generator {
    return this.ownGenerator ?? resolveGenerator();
  }

  get(index: number): [Tensor, number] {
    const image = this.image(index);
    return [tensor(imagesToFloat32('ImageDataset', [image]), [image.channels, image.height, image.width]), this.labels[index]];
  }

  /** One [N, C, H, W] tensor and the labels, without a tensor per image. */
  getBatch(indices: readonly number[]): [Tensor, Tensor] {
    if (indices.length === 0) throw new Error('ImageDataset: a batch needs at least one index');
    const generator = this.generator();
    const images = indices.map((i) => this.image(i, generator));
    const { channels, height, width } = images[0];
    const x = tensor(imagesToFloat32('ImageDataset', images), [images.length, channels, height, width]);
    return [x, tensor(indices.map((i) => this.labels[i]))];
  }
}
