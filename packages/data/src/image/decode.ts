/**
 * PNG and JPEG bytes to Images, through fast-png and jpeg-js: both pure JavaScript on
 * Uint8Array, so decoding works the same in Node and in browsers (pngjs would pull in
 * Node's zlib and streams). Every image comes out as 8-bit CHW: 16-bit samples are scaled
 * down, low bit depths scaled up, palettes looked up.
 */
import { decode as decodePngBytes, encode as encodePngBytes, hasPngSignature, type DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';
import { filePrefix } from '../bytes.js';
import { checkImage, convertChannels, fromInterleaved, toInterleaved, type Image } from './image.js';

export interface DecodeOptions {
  /** The file name that errors mention. */
  file?: string;
  /** 'unchanged' (default) keeps the file's channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  mode?: 'unchanged' | 'grey' | 'rgb' | 'rgba';
  /**
   * The most pixels (width × height) an image may declare, checked from its header before
   * anything is allocated (default 100,000,000: a 48-megapixel photo passes, a 20000×20000
   * decompression bomb does not).
   */
  maxPixels?: number;
}

/** 100 megapixels: more than phone and ImageNet photos have; PIL's own bomb limit is 89 M (warning) to 179 M (error). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Refuses a header's size above the cap, before a decoder allocates for it. */
function checkPixels(kind: string, width: number, height: number, options: DecodeOptions): void {
  const max = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(max > 0)) throw new Error(`decodeImage: maxPixels must be a positive number, got ${max}`);
  if (width * height > max) {
    throw new Error(
      `${filePrefix(options.file)}the ${kind} header declares ${width}×${height} = ${width * height} pixels, more than maxPixels = ${max}; ` +
        `if the image is real, raise the cap with { maxPixels: ${width * height} }`,
    );
  }
}

/** Width and height from a PNG's IHDR chunk, which the format puts first (bytes 16 to 23). */
function pngSize(bytes: Uint8Array, at: string): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined; // fast-png reports the truncation
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR') throw new Error(`${at}the PNG image is damaged: its first chunk is '${type}', expected 'IHDR'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

/**
 * Width and height from a JPEG's start-of-frame segment (SOF0 to SOF15 but DHT c4, JPG c8
 * and DAC cc), found by walking the segments; undefined if there is none before the data.
 */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, start of scan: no frame header first
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return undefined;
}

const CHANNELS = { grey: 1, rgb: 3, rgba: 4 } as const;

function applyMode(image: Image, mode: DecodeOptions['mode']): Image {
  return mode === undefined || mode === 'unchanged' ? image : convertChannels(image, CHANNELS[mode]);
}

const showBytes = (bytes: Uint8Array, n: number): string =>
  Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ') || '(none)';

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && hasPngSignature(bytes);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Unpacked samples of rows packed at `depth` bits (1, 2, 4: rows padded to whole bytes). */
function unpack(data: Uint8Array, width: number, height: number, samples: number, depth: number): Uint8Array {
  if (depth === 8) return data;
  const perRow = width * samples;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      out[y * perRow + i] = (data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function pngToImage(png: DecodedPng): Image {
  const { width, height, depth, channels } = png;
  if (png.palette) {
    const indices = unpack(png.data as Uint8Array, width, height, 1, depth);
    const entry = png.palette.some((p) => p.length === 4) ? 4 : 3;
    const pixels = new Uint8Array(width * height * entry);
    indices.forEach((k, p) => {
      const color = png.palette![k] ?? [0, 0, 0];
      for (let c = 0; c < entry; c++) pixels[p * entry + c] = color[c] ?? 255;
    });
    return fromInterleaved(pixels, width, height, entry);
  }
  if (depth === 16) {
    // A plain loop: TypedArray.from with a map function first builds a JS list of every sample.
    const wide = png.data;
    const bytes = new Uint8Array(wide.length);
    for (let i = 0; i < wide.length; i++) bytes[i] = Math.round(wide[i] / 257);
    return fromInterleaved(bytes, width, height, channels);
  }
  const samples = unpack(png.data as Uint8Array, width, height, channels, depth);
  const scale = 255 / ((1 << depth) - 1); // 1-, 2-, 4-bit grey to 0..255
  return fromInterleaved(depth === 8 ? samples : samples.map((v) => Math.round(v * scale)), width, height, channels);
}

/** fast-png's decoding of checked bytes: the signature, the declared size under maxPixels, the CRCs. */
function readPng(bytes: Uint8Array, options: DecodeOptions): DecodedPng {
  const at = filePrefix(options.file);
  if (!isPng(bytes)) {
    throw new Error(`${at}not a PNG image: it starts with ${showBytes(bytes, 8)}, expected the PNG signature 89 50 4e 47 0d 0a 1a 0a`);
  }
  const size = pngSize(bytes, at);
  if (size !== undefined) checkPixels('PNG', size.width, size.height, options);
  try {
    return decodePngBytes(bytes, { checkCrc: true }); // a flipped byte is an error, not a wrong pixel
  } catch (error) {
    const cause = (error as Error).cause;
    throw new Error(`${at}the PNG image is damaged or truncated: ${(error as Error).message}${cause instanceof Error ? ` ${cause.message}` : ''}`);
  }
}

/** Decodes PNG bytes. Not a PNG, or a damaged one, is an error naming the file. */
export function decodePng(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  return applyMode(pngToImage(readPng(bytes, options)), options.mode);
}

/** Decodes baseline or progressive JPEG bytes (to RGB). */
export function decodeJpeg(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const at = filePrefix(options.file);
  if (!isJpeg(bytes)) throw new Error(`${at}not a JPEG image: it starts with ${showBytes(bytes, 3)}, expected ff d8 ff`);
  const size = jpegSize(bytes);
  if (size !== undefined) checkPixels('JPEG', size.width, size.height, options);
  // jpeg-js has caps of its own (100 MP, 512 MB): ours has been checked, so theirs follow it.
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const limits = { maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 12) / 2 ** 20)) };
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, ...limits });
  } catch (error) {
    throw new Error(`${at}the JPEG image is damaged: ${(error as Error).message}`);
  }
  const { width, height, data } = decoded;
  return applyMode(fromInterleaved(data, width, height, 3), options.mode);
}

/** Decodes a PNG or a JPEG, told apart by their first bytes. */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  if (isPng(bytes)) return decodePng(bytes, options);
  if (isJpeg(bytes)) return decodeJpeg(bytes, options);
  throw new Error(
    `${filePrefix(options.file)}not a PNG or JPEG image: it starts with ${showBytes(bytes, 8)}, expected 89 50 4e 47 (PNG) or ff d8 ff (JPEG)`,
  );
}

/** PNG bytes of an 8-bit image (floats are taken as 0..1 and rounded). */
export function encodePng(image: Image): Uint8Array {
  checkImage('encodePng', image);
  if (image.channels > 4) throw new Error(`encodePng: a PNG holds 1 to 4 channels, the image has ${image.channels}`);
  return encodePngBytes({ width: image.width, height: image.height, channels: image.channels, depth: 8, data: toInterleaved(image) });
}

/** A PNG's samples as stored: palette indices for a palette image, grey values for an 8-bit grey one. */
export interface PngIndices {
  width: number;
  height: number;
  /** Row-major [height, width]. */
  data: Uint8Array;
  /** The palette's RGB(A) entries; undefined for a grey image. */
  palette?: number[][];
}

/**
 * Decodes a label PNG without looking its palette up: Pascal VOC's class masks store class
 * indices as palette indices (the colours are only for viewing). A palette image (any depth)
 * or an 8-bit grey one is accepted; anything else is an error naming the file.
 */
export function decodePngIndices(bytes: Uint8Array, options: Omit<DecodeOptions, 'mode'> = {}): PngIndices {
  const png = readPng(bytes, options);
  const { width, height, depth, channels } = png;
  if (png.palette) return { width, height, data: unpack(png.data as Uint8Array, width, height, 1, depth), palette: png.palette };
  if (channels === 1 && depth === 8) return { width, height, data: png.data as Uint8Array };
  throw new Error(
    `${filePrefix(options.file)}a label mask must be a palette PNG or an 8-bit grey PNG (one class index per pixel), got ${channels} channel(s) of ${depth} bits`,
  );
}
