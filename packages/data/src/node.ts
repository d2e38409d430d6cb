/**
 * Node-only entry point ('@nn/data/node'): the readers of '@nn/data' fed from files. The
 * main entry never imports node:fs, so bundles for browsers stay free of it.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { isGzip } from './bytes.js';
import { decodeImage, type DecodeOptions } from './image/decode.js';
import { parseIdx, type IdxArray } from './image/idx.js';
import type { Image } from './image/image.js';
import { parseCsvBytes, type CsvOptions, type Table } from './table/csv.js';

const gunzipAsync = promisify(gunzip);

/** The file's bytes, gunzipped by Node's zlib if they are gzip (faster than the browser-safe path, and off the main thread). */
async function bytesOf(path: string): Promise<{ bytes: Uint8Array; unzipped: boolean }> {
  let buffer = await readFile(path);
  const unzipped = isGzip(buffer);
  if (unzipped) {
    try {
      buffer = await gunzipAsync(buffer);
    } catch (error) {
      throw new Error(`${path}: the gzip data is corrupt or truncated (${(error as Error).message})`);
    }
  }
  return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), unzipped };
}

/** Reads a CSV file (UTF-8, gzipped or not); errors name the file. */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<Table> {
  return parseCsvBytes((await bytesOf(path)).bytes, { file: path, ...options });
}

/** Reads an IDX file (gzipped or not), e.g. train-images-idx3-ubyte.gz. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  const { bytes, unzipped } = await bytesOf(path);
  return parseIdx(bytes, { file: path, unzipped });
}

/** Reads and decodes a PNG or JPEG file. */
export async function readImageFile(path: string, options: DecodeOptions = {}): Promise<Image> {
  return decodeImage((await bytesOf(path)).bytes, { file: path, ...options });
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
export async function readMnist(dir: string, split: 'train' | 'test'): Promise<{ images: IdxArray; labels: IdxArray }> {
  const prefix = split === 'train' ? 'train' : 't10k';
  // One after the other, so that a folder missing both files names the images file, every time.
  const find = (kind: string): Promise<string> => {
    const name = join(dir, `${prefix}-${kind}`);
    return firstExisting([`${name}.gz`, name]);
  };
  const imagesPath = await find('images-idx3-ubyte');
  const labelsPath = await find('labels-idx1-ubyte');
  // In order too: when both files are malformed, the error names the images file every time.
  const images = await readIdxFile(imagesPath);
  const labels = await readIdxFile(labelsPath);
  if (images.shape[0] !== labels.shape[0]) {
    throw new Error(`readMnist: ${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`);
  }
  return { images, labels };
}
