/**
 * An image with its dense and per-object targets, kept on the host like `Image` (the joint
 * transforms and readers work on these; `sampleToTensors` makes the tensors once at the end).
 * Conventions, the same for the scene generator, the VOC and COCO readers and the transforms:
 * - `mask`: row-major [height, width] class per pixel, 0 = background; 255 = "void"
 *   (VOC's boundary and don't-care pixels), to be ignored by losses and metrics (IGNORE_INDEX).
 * - `boxes`: [K, 4] as x0, y0, x1, y1 in pixels with edges on pixel edges: a box holding
 *   exactly pixel columns 3..5 is x0 = 3, x1 = 6 (so x1 - x0 is the width in pixels).
 * - `labels`: [K] class ids, the same numbers as in `mask` (0 stays background), as
 *   torchvision's detection models expect.
 * - `instanceMasks`: [K, height, width] of 0/1, one per box.
 */
import { tensor, type Tensor } from '@nn/tensor';
import { checkImage, imageToTensor, type Image } from '../image/image.js';

/** The class value of pixels to ignore (VOC's void boundary). */
export const IGNORE_INDEX = 255;

export interface VisionSample {
  image: Image;
  mask?: Uint8Array;
  boxes?: Float32Array;
  labels?: Int32Array;
  instanceMasks?: Uint8Array;
}

/** Throws unless the targets' sizes agree with the image and with each other. */
export function checkSample(op: string, sample: VisionSample): void {
  checkImage(op, sample.image);
  const { height, width } = sample.image;
  const plane = height * width;
  if (sample.mask !== undefined && sample.mask.length !== plane) {
    throw new Error(`${op}: mask has ${sample.mask.length} values, expected height × width = ${height} × ${width} = ${plane}`);
  }
  if (sample.boxes !== undefined && sample.boxes.length % 4 !== 0) throw new Error(`${op}: boxes has ${sample.boxes.length} values, not a multiple of 4`);
  const k = sample.boxes !== undefined ? sample.boxes.length / 4 : sample.labels?.length;
  if (sample.labels !== undefined && sample.labels.length !== k) throw new Error(`${op}: ${k} boxes but ${sample.labels.length} labels`);
  if (sample.instanceMasks !== undefined) {
    const expected = (k ?? sample.instanceMasks.length / plane) * plane;
    if (sample.instanceMasks.length !== expected || expected % plane !== 0) {
      throw new Error(`${op}: instanceMasks has ${sample.instanceMasks.length} values, expected objects × height × width = ${k ?? '?'} × ${height} × ${width}`);
    }
  }
}

/** Number of objects in a sample. */
export function objectCount(sample: VisionSample): number {
  const { height, width } = sample.image;
  return sample.boxes?.length !== undefined ? sample.boxes.length / 4 : (sample.labels?.length ?? (sample.instanceMasks?.length ?? 0) / (height * width));
}

export interface SampleTensors {
  /** float32 [C, H, W], bytes scaled to [0, 1]. */
  image: Tensor;
  /** int32 [H, W]. */
  mask?: Tensor;
  /** float32 [K, 4]. */
  boxes?: Tensor;
  /** int32 [K]. */
  labels?: Tensor;
  /** float32 [K, H, W] of 0/1. */
  instanceMasks?: Tensor;
}

/** The tensors of a sample (they belong to the caller). */
export function sampleToTensors(sample: VisionSample): SampleTensors {
  checkSample('sampleToTensors', sample);
  const { height, width } = sample.image;
  const k = objectCount(sample);
  const out: SampleTensors = { image: imageToTensor(sample.image) };
  if (sample.mask) out.mask = tensor(Int32Array.from(sample.mask), [height, width], 'int32');
  if (sample.boxes) out.boxes = tensor(sample.boxes.slice(), [k, 4]);
  if (sample.labels) out.labels = tensor(sample.labels.slice(), [k], 'int32');
  if (sample.instanceMasks) out.instanceMasks = tensor(Float32Array.from(sample.instanceMasks), [k, height, width]);
  return out;
}

/** Box x0, y0, x1, y1 of the non-zero pixels of a [height, width] plane at `offset`; undefined if none. */
export function maskBounds(masks: Uint8Array, offset: number, height: number, width: number): [number, number, number, number] | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = offset + y * width;
    for (let x = 0; x < width; x++) {
      if (masks[row + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}
