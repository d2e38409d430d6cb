/**
 * Image transforms, as torchvision.transforms: each is a function Image -> Image; the random
 * ones draw from the generator they are given (by compose, an ImageDataset, or the default
 * generator of @nn/tensor), so a seeded run augments the same way every time.
 *   const augment = compose(randomCrop(28, { padding: 4 }), randomHorizontalFlip(), normalize([0.2860], [0.3530]));
 * They run on the host, before the batch becomes one tensor: no per-image tensors to free.
 */
import { getGenerator, type Generator } from '@nn/tensor';
import { checkImage, type Image } from './image.js';

export type Transform = (image: Image, generator?: Generator) => Image;

/** Applies transforms in order, all drawing from one generator. */
export function compose(...transforms: Transform[]): Transform {
  return (image, generator = getGenerator()) => transforms.reduce((img, t) => t(img, generator), image);
}

type Size = number | readonly [number, number];

function checkSize(op: string, size: Size): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new Error(`${op}: size must be a positive integer or [height, width] of positive integers, got ${JSON.stringify(size)}`);
  }
  return [h, w];
}

function blank(image: Image, height: number, width: number): Image {
  const size = image.channels * height * width;
  return { channels: image.channels, height, width, data: image.data instanceof Uint8Array ? new Uint8Array(size) : new Float32Array(size) };
}

/** Mirrors left and right. */
export function horizontalFlip(image: Image): Image {
  checkImage('horizontalFlip', image);
  const out = blank(image, image.height, image.width);
  const { width } = image;
  for (let row = 0; row < image.channels * image.height; row++) {
    const o = row * width;
    for (let x = 0; x < width; x++) out.data[o + x] = image.data[o + width - 1 - x];
  }
  return out;
}

/** Flips with probability p. */
export function randomHorizontalFlip(p = 0.5): Transform {
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  return (image, generator = getGenerator()) => (generator.nextFloat() < p ? horizontalFlip(image) : image);
}

/** The window [top, top+height) × [left, left+width); parts outside the image are `fill`. */
export function crop(image: Image, top: number, left: number, height: number, width: number, fill = 0): Image {
  checkImage('crop', image);
  const out = blank(image, height, width);
  if (fill !== 0) out.data.fill(fill);
  for (let c = 0; c < image.channels; c++) {
    for (let y = Math.max(0, -top); y < height && top + y < image.height; y++) {
      const src = (c * image.height + top + y) * image.width;
      const dst = (c * height + y) * width;
      for (let x = Math.max(0, -left); x < width && left + x < image.width; x++) out.data[dst + x] = image.data[src + left + x];
    }
  }
  return out;
}

/** [left, top, right, bottom] from torchvision's padding forms: p, [leftRight, topBottom] or [left, top, right, bottom]. */
function paddingSides(op: string, padding: number | readonly number[]): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : padding;
  const sides = p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? [...p] : [];
  if (sides.length !== 4 || sides.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`${op}: padding must be a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom], got ${JSON.stringify(padding)}`);
  }
  return sides as [number, number, number, number];
}

export interface RandomCropOptions {
  /** Border added before cropping (torchvision's forms); default 0. */
  padding?: number | readonly number[];
  /** Value of the border, in the image's units (0..255 for bytes); default 0. */
  fill?: number;
}

/**
 * Pads, then crops a window of `size` at a uniformly random position (the augmentation of
 * the CIFAR and ImageNet recipes: randomCrop(32, { padding: 4 })).
 */
export function randomCrop(size: Size, options: RandomCropOptions = {}): Transform {
  const op = 'randomCrop';
  const [h, w] = checkSize(op, size);
  const [left, top, right, bottom] = paddingSides(op, options.padding ?? 0);
  return (image, generator = getGenerator()) => {
    const paddedH = image.height + top + bottom;
    const paddedW = image.width + left + right;
    if (h > paddedH || w > paddedW) {
      throw new Error(`${op}: the crop ${h}×${w} is larger than the padded image ${paddedH}×${paddedW}`);
    }
    const y = generator.nextInt(0, paddedH - h + 1);
    const x = generator.nextInt(0, paddedW - w + 1);
    return crop(image, y - top, x - left, h, w, options.fill ?? 0);
  };
}

/** Crops the centre (padding with zeros where the image is smaller). */
export function centerCrop(size: Size): Transform {
  const [h, w] = checkSize('centerCrop', size);
  return (image) => crop(image, Math.round((image.height - h) / 2), Math.round((image.width - w) / 2), h, w);
}

/**
 * Bilinear resize with half-pixel centres (PyTorch's interpolate(mode='bilinear',
 * align_corners=False), no antialiasing). A number resizes the shorter side to it, keeping
 * the aspect ratio, as torchvision's Resize. Bytes stay bytes (rounded).
 */
export function resize(size: Size): Transform {
  checkSize('resize', size);
  return (image) => {
    checkImage('resize', image);
    let [outH, outW] = typeof size === 'number' ? [size, size] : size;
    if (typeof size === 'number') {
      const short = Math.min(image.height, image.width);
      outH = image.height === short ? size : Math.floor((size * image.height) / short);
      outW = image.width === short ? size : Math.floor((size * image.width) / short);
    }
    return resizeBilinear(image, outH, outW);
  };
}

/** Source coordinate, lower neighbour, upper neighbour and weight of the upper one, per output index. */
function sampling(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const t = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const src = Math.max(0, (i + 0.5) * scale - 0.5);
    lo[i] = Math.min(Math.floor(src), inSize - 1);
    hi[i] = Math.min(lo[i] + 1, inSize - 1);
    t[i] = src - lo[i];
  }
  return { lo, hi, t };
}

function resizeBilinear(image: Image, outH: number, outW: number): Image {
  const out = blank(image, outH, outW);
  const rows = sampling(image.height, outH);
  const cols = sampling(image.width, outW);
  const src = image.data;
  const round = out.data instanceof Uint8Array;
  for (let c = 0; c < image.channels; c++) {
    const plane = c * image.height * image.width;
    for (let y = 0; y < outH; y++) {
      const r0 = plane + rows.lo[y] * image.width;
      const r1 = plane + rows.hi[y] * image.width;
      const ty = rows.t[y];
      for (let x = 0; x < outW; x++) {
        const x0 = cols.lo[x];
        const x1 = cols.hi[x];
        const tx = cols.t[x];
        const top = src[r0 + x0] + (src[r0 + x1] - src[r0 + x0]) * tx;
        const bottom = src[r1 + x0] + (src[r1 + x1] - src[r1 + x0]) * tx;
        const v = top + (bottom - top) * ty;
        out.data[(c * outH + y) * outW + x] = round ? Math.round(v) : v;
      }
    }
  }
  return out;
}

/**
 * (x - mean[c]) / std[c] per channel, on values in [0, 1] (bytes are divided by 255 first,
 * so this equals torchvision's ToTensor then Normalize). The result is a float image.
 */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  const op = 'normalize';
  if (mean.length === 0 || mean.length !== std.length) {
    throw new Error(`${op}: mean and std need one value per channel (or one for all), got ${mean.length} and ${std.length}`);
  }
  if (std.some((s) => !(s > 0))) throw new Error(`${op}: std values must be positive, got [${std.join(', ')}]`);
  return (image) => {
    checkImage(op, image);
    if (mean.length !== 1 && mean.length !== image.channels) {
      throw new Error(`${op}: ${mean.length} means and stds for an image with ${image.channels} channels`);
    }
    const plane = image.height * image.width;
    const data = new Float32Array(image.data.length);
    const unit = image.data instanceof Uint8Array ? 1 / 255 : 1;
    for (let c = 0; c < image.channels; c++) {
      const m = mean[mean.length === 1 ? 0 : c];
      const s = std[std.length === 1 ? 0 : c];
      for (let i = c * plane; i < (c + 1) * plane; i++) data[i] = (image.data[i] * unit - m) / s;
    }
    return { channels: image.channels, height: image.height, width: image.width, data };
  };
}
