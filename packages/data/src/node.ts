/**
 * Node-only entry point ('@nn/data/node'): the readers of '@nn/data' fed from files. The
 * main entry never imports node:fs, so bundles for browsers stay free of it.
 */
import { createReadStream } from 'node:fs';
import { access, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { createGunzip, gunzip } from 'node:zlib';
import { isGzip, maxBytesOf, tooManyBytes } from './bytes.js';
import { decodeImage, type DecodeOptions } from './image/decode.js';
import { parseIdx, type IdxArray } from './image/idx.js';
import type { Image } from './image/image.js';
import { parseCsvStream, type CsvOptions, type Table } from './table/csv.js';
import { parseCoco, type CocoDataset, type CocoOptions } from './vision/coco.js';
import { decodeVocMask, parseVocXml, type VocAnnotation } from './vision/voc.js';

const gunzipAsync = promisify(gunzip);

/** Node's EISDIR and friends name no path: say which file, and what was expected. */
function withPath(path: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EISDIR') return new Error(`${path}: is a folder, expected a file`);
  if (code === 'ENOENT') return new Error(`${path}: no such file`);
  return error instanceof Error && error.message.includes(path) ? error : new Error(`${path}: ${(error as Error).message}`);
}

async function readNamed(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw withPath(path, error);
  }
}

/**
 * The file's bytes, gunzipped by Node's zlib if they are gzip (faster than the browser-safe
 * path, and off the main thread). zlib stops at maxOutputLength, so a bomb never inflates whole.
 */
async function bytesOf(path: string, maxBytes: number | undefined): Promise<{ bytes: Uint8Array; unzipped: boolean }> {
  let buffer = await readNamed(path);
  const unzipped = isGzip(buffer);
  if (unzipped) {
    const max = maxBytesOf({ file: path, maxBytes });
    try {
      buffer = await gunzipAsync(buffer, { maxOutputLength: max });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooManyBytes(path, max);
      throw new Error(`${path}: the gzip data is corrupt or truncated (${(error as Error).message})`);
    }
  }
  return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), unzipped };
}

/** The file's bytes as a stream of chunks, gunzipped on the way if they are gzip. */
async function* streamOf(path: string): AsyncGenerator<Uint8Array> {
  const head = new Uint8Array(2);
  try {
    const handle = await open(path);
    try {
      await handle.read(head, 0, 2, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw withPath(path, error);
  }
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!isGzip(head)) {
    yield* file;
    return;
  }
  const unzip = createGunzip();
  pipeline(file, unzip, () => {}); // errors reach the loop below through unzip
  try {
    yield* unzip;
  } catch (error) {
    throw new Error(`${path}: the gzip data is corrupt or truncated (${(error as Error).message})`);
  }
}

/**
 * Reads a CSV file (UTF-8, or UTF-16 with its BOM; gzipped or not), streamed: memory follows
 * the parsed cells, not the file's size. Errors name the file, and a file whose cells would
 * not fit in 3/4 of the free JavaScript heap is an error, not a crash (see maxTableBytes).
 */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<Table> {
  const heap = getHeapStatistics();
  const maxTableBytes = options.maxTableBytes ?? Math.floor(0.75 * (heap.heap_size_limit - heap.used_heap_size));
  return parseCsvStream(streamOf(path), { ...options, file: path, maxTableBytes });
}

export interface IdxFileOptions {
  /** The most bytes the unzipped file may have (default 1 GiB); see parseIdx. */
  maxBytes?: number;
}

/** Reads an IDX file (gzipped or not), e.g. train-images-idx3-ubyte.gz. */
export async function readIdxFile(path: string, options: IdxFileOptions = {}): Promise<IdxArray> {
  const { bytes, unzipped } = await bytesOf(path, options.maxBytes);
  return parseIdx(bytes, { file: path, unzipped, maxBytes: options.maxBytes });
}

/** Reads and decodes a PNG or JPEG file; `maxPixels` caps the size its header may declare. */
export async function readImageFile(path: string, options: DecodeOptions = {}): Promise<Image> {
  return decodeImage((await bytesOf(path, undefined)).bytes, { file: path, ...options });
}

async function firstExisting(paths: string[]): Promise<string> {
  for (const p of paths) {
    try {
      await access(p);
      return p;
    } catch {
      // try the next name
    }
  }
  throw new Error(`readMnist: none of ${paths.join(', ')} exists`);
}

/**
 * Reads an MNIST-format split from a folder with the usual file names
 * (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...), as Fashion-MNIST has them.
 *   const { images, labels } = await readMnist('data/fashion-mnist', 'train');
 *   const ds = ImageDataset.fromIdx(images, labels);
 */
export async function readMnist(dir: string, split: 'train' | 'test', options: IdxFileOptions = {}): Promise<{ images: IdxArray; labels: IdxArray }> {
  const prefix = split === 'train' ? 'train' : 't10k';
  // One after the other, so that a folder missing both files names the images file, every time.
  const find = (kind: string): Promise<string> => {
    const name = join(dir, `${prefix}-${kind}`);
    return firstExisting([`${name}.gz`, name]);
  };
  const imagesPath = await find('images-idx3-ubyte');
  const labelsPath = await find('labels-idx1-ubyte');
  // In order too: when both files are malformed, the error names the images file every time.
  const images = await readIdxFile(imagesPath, options);
  const labels = await readIdxFile(labelsPath, options);
  if (images.shape[0] !== labels.shape[0]) {
    throw new Error(`readMnist: ${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`);
  }
  return { images, labels };
}

/** The most characters V8 puts in one string (2^29 - 24): a JSON or XML file past it cannot be read whole. */
const MAX_TEXT_BYTES = 2 ** 29 - 24;

/** A text file, refused with its name and size before reading when it cannot fit one string. */
async function textOf(path: string, maxBytes = MAX_TEXT_BYTES): Promise<string> {
  const { size } = await stat(path);
  if (size > maxBytes) throw new Error(`${path}: the file has ${size} bytes, more than ${maxBytes} that one JavaScript string holds; split it`);
  return readFile(path, 'utf8');
}

/** Reads a Pascal VOC annotation XML file (Annotations/*.xml). */
export async function readVocXmlFile(path: string): Promise<VocAnnotation> {
  return parseVocXml(await textOf(path, 16 * 2 ** 20), { file: path });
}

/** Reads a VOC class or object mask PNG (SegmentationClass/*.png, SegmentationObject/*.png) as palette indices. */
export async function readVocMaskFile(path: string, options: { maxPixels?: number } = {}): Promise<{ width: number; height: number; mask: Uint8Array }> {
  return decodeVocMask(new Uint8Array(await readFile(path)), { file: path, ...options });
}

/** Reads a COCO annotation file (instances_*.json); every error names the file and field. */
export async function readCocoFile(path: string, options: Omit<CocoOptions, 'file'> = {}): Promise<CocoDataset> {
  return parseCoco(await textOf(path), { file: path, ...options });
}
