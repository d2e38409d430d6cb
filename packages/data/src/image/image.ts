/**
 * Images on the host, before they become tensors: planar CHW like the tensors they turn
 * into (so imageToTensor is a copy, not a transpose), with bytes (0..255, as decoded) or floats
 * (after normalize). Transforms take and return these; imageToTensor (torchvision's ToTensor) makes the tensor.
 */
import { tensor, type Tensor } from '@nn/tensor';

export interface Image {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Value of channel c at row y, column x: data[(c * height + y) * width + x]. */
  readonly data: Uint8Array | Float32Array;
}

/** Throws unless `image` is a consistent Image. */
export function checkImage(op: string, image: Image): void {
  const { channels, height, width, data } = image;
  for (const [name, v] of [['channels', channels], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: image ${name} must be a positive integer, got ${v}`);
  }
  if (!(data instanceof Uint8Array) && !(data instanceof Float32Array)) throw new Error(`${op}: image data must be a Uint8Array or a Float32Array`);
  if (data.length !== channels * height * width) {
    throw new Error(`${op}: image data has ${data.length} values, expected channels × height × width = ${channels} × ${height} × ${width} = ${channels * height * width}`);
  }
}

/** An Image from interleaved pixels (HWC: r, g, b, r, g, b, ...), as decoders and canvases give them. */
export function fromInterleaved(pixels: ArrayLike<number>, width: number, height: number, channels: number): Image {
  const plane = width * height;
  if (pixels.length !== plane * channels) {
    throw new Error(`fromInterleaved: ${pixels.length} values do not make a ${width}×${height} image with ${channels} channels (${plane * channels} values)`);
  }
  const data = new Uint8Array(plane * channels);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) data[c * plane + p] = pixels[p * channels + c];
  return { channels, height, width, data };
}

/** Interleaved bytes (HWC), rounding and clamping floats taken as 0..1 values. */
export function toInterleaved(image: Image): Uint8Array {
  checkImage('toInterleaved', image);
  const { channels, data } = image;
  const plane = image.width * image.height;
  const out = new Uint8Array(plane * channels);
  const scale = data instanceof Float32Array ? 255 : 1;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = Math.min(255, Math.max(0, Math.round(data[c * plane + p] * scale)));
  }
  return out;
}

/** Float values: bytes become value / 255 in [0, 1]; floats are copied. */
export function toFloat(image: Image): Image {
  const out = new Float32Array(image.data.length);
  if (image.data instanceof Uint8Array) for (let i = 0; i < out.length; i++) out[i] = image.data[i] / 255;
  else out.set(image.data);
  return { ...image, data: out };
}

/**
 * Changes the channel count: 1 (grey) from RGB(A) by ITU-R 601-2 luma (L = 0.299 R +
 * 0.587 G + 0.114 B, as PIL's convert('L')); 3 from grey by repetition or from RGBA by
 * dropping alpha; 4 adds an opaque alpha (255, or 1 for floats). Grey with alpha (2) counts as grey.
 */
export function convertChannels(image: Image, channels: 1 | 3 | 4): Image {
  checkImage('convertChannels', image);
  const from = image.channels;
  if (from === channels) return image;
  const plane = image.width * image.height;
  const src = image.data;
  const out = src instanceof Uint8Array ? new Uint8Array(plane * channels) : new Float32Array(plane * channels);
  const isBytes = src instanceof Uint8Array;
  const round = (v: number): number => (isBytes ? Math.round(v) : v);
  if (from > 4) {
    throw new Error(`convertChannels: cannot convert an image with ${from} channels; expected 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA)`);
  }
  for (let p = 0; p < plane; p++) {
    const grey = from <= 2;
    const r = src[p];
    const g = grey ? r : src[plane + p];
    const b = grey ? r : src[2 * plane + p];
    if (channels === 1) out[p] = round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[p] = r;
      out[plane + p] = g;
      out[2 * plane + p] = b;
      if (channels === 4) out[3 * plane + p] = from === 4 ? src[3 * plane + p] : from === 2 ? src[plane + p] : isBytes ? 255 : 1;
    }
  }
  return { channels, height: image.height, width: image.width, data: out };
}

/**
 * Writes images into one flat CHW / NCHW float buffer, bytes scaled to [0, 1] (what
 * torchvision's ToTensor does); all images must have the same size.
 */
export function imagesToFloat32(op: string, images: readonly Image[]): Float32Array {
  const first = images[0];
  const size = first.data.length;
  const out = new Float32Array(images.length * size);
  images.forEach((image, n) => {
    checkImage(op, image);
    if (image.channels !== first.channels || image.height !== first.height || image.width !== first.width) {
      throw new Error(
        `${op}: image ${n} is ${image.channels}×${image.height}×${image.width}, expected ${first.channels}×${first.height}×${first.width} like image 0 (resize or crop first)`,
      );
    }
    const data = image.data;
    const offset = n * size;
    if (data instanceof Uint8Array) for (let i = 0; i < size; i++) out[offset + i] = data[i] / 255;
    else out.set(data, offset);
  });
  return out;
}

/** torchvision's ToTensor: a float32 tensor [channels, height, width], bytes scaled to [0, 1], floats as they are. */
export function imageToTensor(image: Image): Tensor {
  return tensor(imagesToFloat32('imageToTensor', [image]), [image.channels, image.height, image.width]);
}
