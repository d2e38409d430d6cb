/**
 * From stored bytes to what a model reads: fit the image to the model's input (LeNet-5's
 * zero border to 32×32, or a resize), optionally augment (seeded: small shifts, and mirror
 * images for clothes, never for digits), then normalise with the training set's mean and
 * standard deviation, as torchvision's ToTensor + Normalize.
 */
import { centerCrop, compose, crop, normalize, randomCrop, randomHorizontalFlip, resize, type Image, type Transform } from '@nn/data';
import type { Fit } from './models.js';

export interface Normalization {
  mean: number;
  std: number;
}

/** Mean and (population) standard deviation of all pixels, in [0, 1] units. */
export function pixelStatistics(pixels: Uint8Array): Normalization {
  // Histogram first: exact sums in integers, one pass, whatever the size.
  const counts = new Float64Array(256);
  for (let i = 0; i < pixels.length; i++) counts[pixels[i]]++;
  let sum = 0;
  let squares = 0;
  for (let v = 0; v < 256; v++) {
    sum += counts[v] * v;
    squares += counts[v] * v * v;
  }
  const mean = sum / pixels.length;
  const variance = squares / pixels.length - mean * mean;
  return { mean: mean / 255, std: Math.sqrt(Math.max(variance, 1e-12)) / 255 };
}

export interface InputShape {
  size: number;
  fit: Fit;
}

/** Makes an image of any size the model's square input size. */
export function fitTransform(input: InputShape): Transform {
  const toSize = input.fit === 'pad' ? centerCrop(input.size) : resize([input.size, input.size]);
  return (image) => (image.height === input.size && image.width === input.size ? image : toSize(image));
}

export interface TransformOptions {
  input: InputShape;
  normalization: Normalization;
  /** Random shifts of up to 2 pixels (and mirroring, if `flip`). */
  augment?: boolean;
  /** Mirror left and right half the time (clothes; not digits). */
  flip?: boolean;
}

/** The whole chain for training (with augmentation if asked) or evaluation (without). */
export function imageTransform(options: TransformOptions): Transform {
  const steps: Transform[] = [fitTransform(options.input)];
  if (options.augment === true) {
    steps.push(randomCrop(options.input.size, { padding: 2 }));
    if (options.flip === true) steps.push(randomHorizontalFlip());
  }
  steps.push(normalize([options.normalization.mean], [options.normalization.std]));
  return compose(...steps);
}

/**
 * Makes a photo look like the training images, the way Zalando made Fashion-MNIST from
 * product photos: the data sets draw a light object on black, so an image whose border is
 * mostly light (a product photo, ink on paper) is inverted when `invert` is 'auto'; then
 * the even background around the object is trimmed, the longest side scaled to the data
 * set's size and the shorter one padded to it, centred. An image that already has the data
 * set's size and a dark background is taken as it is.
 */
export function toDatasetImage(image: Image, height: number, width: number, invert: 'auto' | boolean): { image: Image; inverted: boolean } {
  if (image.channels !== 1) throw new Error(`toDatasetImage: expected a grey image, got ${image.channels} channels`);
  // A plain loop: Uint8Array.from with a map function builds a JS list of every pixel first.
  const bytes = new Uint8Array(image.data.length);
  const scale = image.data instanceof Float32Array ? 255 : 1;
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(image.data[i] * scale);
  const inverted = invert === 'auto' ? borderMean(bytes, image.height, image.width) > 127 : invert;
  if (inverted) for (let i = 0; i < bytes.length; i++) bytes[i] = 255 - bytes[i];
  const grey: Image = { channels: 1, height: image.height, width: image.width, data: bytes };
  if (!inverted && image.height === height && image.width === width) return { image: grey, inverted };
  const object = trim(grey);
  const side = Math.max(object.height, object.width);
  const square = centerCrop(side)(object);
  // Bilinear resizing reads 4 pixels per output pixel: average blocks first, so that a large
  // photo is not reduced to a sample of its pixels (aliasing).
  const factor = Math.floor(side / Math.max(height, width));
  return { image: resize([height, width])(factor >= 2 ? boxShrink(square, factor) : square), inverted };
}

/** The bounding box of the pixels brighter than a tenth of the brightest (the whole image if none). */
function trim(image: Image): Image {
  let max = 0;
  for (const v of image.data) max = Math.max(max, v);
  const threshold = Math.max(8, max / 10);
  let [top, left, bottom, right] = [image.height, image.width, -1, -1];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[y * image.width + x] <= threshold) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  if (bottom < 0) return image;
  return crop(image, top, left, bottom - top + 1, right - left + 1);
}

/** Means of factor × factor blocks (a trailing part block is dropped). */
function boxShrink(image: Image, factor: number): Image {
  const height = Math.floor(image.height / factor);
  const width = Math.floor(image.width / factor);
  const data = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * image.width + x * factor;
        for (let dx = 0; dx < factor; dx++) sum += image.data[row + dx];
      }
      data[y * width + x] = Math.round(sum / (factor * factor));
    }
  }
  return { channels: 1, height, width, data };
}

function borderMean(bytes: Uint8Array, height: number, width: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      sum += bytes[y * width + x];
      count++;
    }
  }
  return sum / count;
}
