/**
 * Transforms that move an image's targets with it (torchvision.transforms.v2 for detection and
 * segmentation): the mask and instance masks are moved pixel for pixel (nearest when resized,
 * so classes never blend), boxes by the same geometry; the image resizes bilinearly. Each is a
 * function VisionSample -> VisionSample; the random ones draw from the generator given
 * (composeJoint passes one along), or the default generator of @nn/tensor.
 *   const augment = composeJoint(randomHorizontalFlipJoint(), randomScaleJoint([0.8, 1.25]), randomCropJoint(64));
 *
 * Objects that leave the picture: boxes are clipped to it, and an object is dropped (box,
 * label and instance mask together) when its clipped box keeps less than `minVisible` of its
 * area (default 0.25; torchvision's SanitizeBoundingBoxes drops only empty ones, which is
 * minVisible 0). The class mask is cropped as it is: a sliver's pixels keep their class.
 */
import { getGenerator, type Generator } from '@nn/tensor';
import { crop, horizontalFlip, resize } from '../image/transforms.js';
import type { Image } from '../image/image.js';
import { checkSample, objectCount, type VisionSample } from './sample.js';

export type JointTransform = (sample: VisionSample, generator?: Generator) => VisionSample;

/** Applies joint transforms in order, all drawing from one generator. */
export function composeJoint(...transforms: JointTransform[]): JointTransform {
  return (sample, generator = getGenerator()) => transforms.reduce((s, t) => t(s, generator), sample);
}

/** A one-channel byte image over a mask plane, so image code moves masks too. */
const planeImage = (data: Uint8Array, height: number, width: number): Image => ({ channels: 1, height, width, data });

/** Applies `f` to the mask and to each instance mask, as one-channel byte images. */
function mapMasks(sample: VisionSample, f: (plane: Image) => Image): Pick<VisionSample, 'mask' | 'instanceMasks'> {
  const { height, width } = sample.image;
  const plane = height * width;
  const out: Pick<VisionSample, 'mask' | 'instanceMasks'> = {};
  if (sample.mask) out.mask = f(planeImage(sample.mask, height, width)).data as Uint8Array;
  if (sample.instanceMasks) {
    const k = sample.instanceMasks.length / plane;
    const parts = Array.from({ length: k }, (_, i) => f(planeImage(sample.instanceMasks!.subarray(i * plane, (i + 1) * plane), height, width)).data as Uint8Array);
    const size = parts[0]?.length ?? 0;
    out.instanceMasks = new Uint8Array(k * size);
    parts.forEach((p, i) => out.instanceMasks!.set(p, i * size));
  }
  return out;
}

function verticalFlipImage(image: Image): Image {
  const { channels, height, width } = image;
  const data = image.data instanceof Uint8Array ? new Uint8Array(image.data.length) : new Float32Array(image.data.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) data.set(image.data.subarray((c * height + y) * width, (c * height + y + 1) * width), (c * height + height - 1 - y) * width);
  }
  return { channels, height, width, data };
}

/** Mirrors left and right: x becomes width - x, so a box [x0, y0, x1, y1] becomes [W - x1, y0, W - x0, y1]. */
export function horizontalFlipJoint(sample: VisionSample): VisionSample {
  checkSample('horizontalFlipJoint', sample);
  const { width } = sample.image;
  const boxes = sample.boxes?.slice();
  if (boxes) for (let i = 0; i < boxes.length; i += 4) [boxes[i], boxes[i + 2]] = [width - sample.boxes![i + 2], width - sample.boxes![i]];
  return { ...sample, image: horizontalFlip(sample.image), ...mapMasks(sample, horizontalFlip), boxes };
}

/** Mirrors top and bottom. */
export function verticalFlipJoint(sample: VisionSample): VisionSample {
  checkSample('verticalFlipJoint', sample);
  const { height } = sample.image;
  const boxes = sample.boxes?.slice();
  if (boxes) for (let i = 0; i < boxes.length; i += 4) [boxes[i + 1], boxes[i + 3]] = [height - sample.boxes![i + 3], height - sample.boxes![i + 1]];
  return { ...sample, image: verticalFlipImage(sample.image), ...mapMasks(sample, verticalFlipImage), boxes };
}

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: p must be in [0, 1], got ${p}`);
}

export function randomHorizontalFlipJoint(p = 0.5): JointTransform {
  checkP('randomHorizontalFlipJoint', p);
  return (sample, generator = getGenerator()) => (generator.nextFloat() < p ? horizontalFlipJoint(sample) : sample);
}

export function randomVerticalFlipJoint(p = 0.5): JointTransform {
  checkP('randomVerticalFlipJoint', p);
  return (sample, generator = getGenerator()) => (generator.nextFloat() < p ? verticalFlipJoint(sample) : sample);
}

export interface CropJointOptions {
  /** Image value outside the source (in its units: 0..255 for bytes); default 0. */
  fill?: number;
  /** Class of mask pixels outside the source; default 0 (background; 255 to ignore them). */
  maskFill?: number;
  /** Least fraction of a box's area that must stay inside for the object to be kept; default 0.25. */
  minVisible?: number;
}

/**
 * The window [top, top + height) × [left, left + width), which may reach past the image (a
 * shift): outside parts are `fill` (mask: `maskFill`). Boxes move by (-left, -top), are
 * clipped, and objects keeping less than `minVisible` of their box are dropped.
 */
export function cropJoint(sample: VisionSample, top: number, left: number, height: number, width: number, options: CropJointOptions = {}): VisionSample {
  const op = 'cropJoint';
  checkSample(op, sample);
  for (const [name, v] of [['top', top], ['left', left], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || ((name === 'height' || name === 'width') && v < 1)) throw new Error(`${op}: ${name} must be ${name === 'top' || name === 'left' ? 'an integer' : 'a positive integer'}, got ${v}`);
  }
  const minVisible = options.minVisible ?? 0.25;
  if (!(minVisible >= 0 && minVisible <= 1)) throw new Error(`${op}: minVisible must be in [0, 1], got ${minVisible}`);
  const image = crop(sample.image, top, left, height, width, options.fill ?? 0);
  const maskFill = options.maskFill ?? 0;
  const out: VisionSample = { ...sample, image };
  if (sample.mask) out.mask = crop(planeImage(sample.mask, sample.image.height, sample.image.width), top, left, height, width, maskFill).data as Uint8Array;
  if (sample.boxes === undefined && sample.instanceMasks === undefined) return out;
  // Which objects stay: by their clipped boxes if there are boxes, else by their visible mask pixels.
  const k = objectCount(sample);
  const keep: number[] = [];
  const boxes: number[] = [];
  const cropped = sample.instanceMasks ? mapMasks({ image: sample.image, instanceMasks: sample.instanceMasks }, (p) => crop(p, top, left, height, width)).instanceMasks! : undefined;
  const plane = height * width;
  for (let i = 0; i < k; i++) {
    if (sample.boxes) {
      const [x0, y0, x1, y1] = sample.boxes.subarray(4 * i, 4 * i + 4);
      const cx0 = Math.min(Math.max(x0 - left, 0), width);
      const cy0 = Math.min(Math.max(y0 - top, 0), height);
      const cx1 = Math.min(Math.max(x1 - left, 0), width);
      const cy1 = Math.min(Math.max(y1 - top, 0), height);
      const area = (x1 - x0) * (y1 - y0);
      const kept = (cx1 - cx0) * (cy1 - cy0);
      if (!(kept > 0) || kept < minVisible * area) continue;
      boxes.push(cx0, cy0, cx1, cy1);
    } else if (!cropped!.subarray(i * plane, (i + 1) * plane).some((v) => v !== 0)) continue;
    keep.push(i);
  }
  if (sample.boxes) out.boxes = Float32Array.from(boxes);
  if (sample.labels) out.labels = Int32Array.from(keep.map((i) => sample.labels![i]));
  if (cropped) {
    out.instanceMasks = new Uint8Array(keep.length * plane);
    keep.forEach((i, j) => out.instanceMasks!.set(cropped.subarray(i * plane, (i + 1) * plane), j * plane));
  }
  return out;
}

type Size = number | readonly [number, number];

function checkSize(op: string, size: Size): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new Error(`${op}: size must be a positive integer or [height, width] of positive integers, got ${JSON.stringify(size)}`);
  }
  return [h, w];
}

/**
 * A window of `size` at a uniformly random place within the image padded by `padding` on each
 * side (0 by default: the window stays inside). A padding makes it a random shift.
 */
export function randomCropJoint(size: Size, options: CropJointOptions & { padding?: number } = {}): JointTransform {
  const op = 'randomCropJoint';
  const [h, w] = checkSize(op, size);
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`${op}: padding must be a non-negative integer, got ${padding}`);
  return (sample, generator = getGenerator()) => {
    const spanH = sample.image.height + 2 * padding - h;
    const spanW = sample.image.width + 2 * padding - w;
    if (spanH < 0 || spanW < 0) throw new Error(`${op}: the crop ${h}×${w} is larger than the padded image ${sample.image.height + 2 * padding}×${sample.image.width + 2 * padding}`);
    const top = generator.nextInt(0, spanH + 1) - padding;
    const left = generator.nextInt(0, spanW + 1) - padding;
    return cropJoint(sample, top, left, h, w, options);
  };
}

/** Nearest neighbour with half-pixel centres (source index floor((i + 0.5) · in / out)): classes never blend. */
function resizeNearest(image: Image, outH: number, outW: number): Image {
  const { height, width } = image;
  const source = (i: number, inSize: number, outSize: number): number => Math.min(inSize - 1, Math.floor(((i + 0.5) * inSize) / outSize));
  const rows = new Int32Array(outH);
  const cols = new Int32Array(outW);
  for (let y = 0; y < outH; y++) rows[y] = source(y, height, outH);
  for (let x = 0; x < outW; x++) cols[x] = source(x, width, outW);
  const data = new Uint8Array(image.channels * outH * outW);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < outH; y++) {
      const src = (c * height + rows[y]) * width;
      const dst = (c * outH + y) * outW;
      for (let x = 0; x < outW; x++) data[dst + x] = image.data[src + cols[x]];
    }
  }
  return { channels: image.channels, height: outH, width: outW, data };
}

/** Resizes to [height, width] (a number: both sides): the image bilinearly, masks nearest, boxes scaled. */
export function resizeJoint(sample: VisionSample, size: Size): VisionSample {
  const op = 'resizeJoint';
  checkSample(op, sample);
  const [h, w] = checkSize(op, size);
  const sx = w / sample.image.width;
  const sy = h / sample.image.height;
  const boxes = sample.boxes?.map((v, i) => v * (i % 2 === 0 ? sx : sy));
  return { ...sample, image: resize([h, w])(sample.image), ...mapMasks(sample, (p) => resizeNearest(p, h, w)), boxes };
}

/** Scales both sides by a factor drawn uniformly from [low, high) (sizes rounded, at least 1 pixel). */
export function randomScaleJoint(range: readonly [number, number]): JointTransform {
  const op = 'randomScaleJoint';
  if (!(range[0] > 0) || !(range[1] >= range[0])) throw new Error(`${op}: range must be [low, high] with 0 < low ≤ high, got ${JSON.stringify(range)}`);
  return (sample, generator = getGenerator()) => {
    const s = range[0] + (range[1] - range[0]) * generator.nextFloat();
    return resizeJoint(sample, [Math.max(1, Math.round(sample.image.height * s)), Math.max(1, Math.round(sample.image.width * s))]);
  };
}
