/** Small helpers shared by the readers: error prefixes, and gzip recognised by its magic bytes and unzipped under a cap. */
import { Gunzip } from 'fflate';

/** `file: ` or nothing, to start an error message. */
export function filePrefix(file: string | undefined): string {
  return file === undefined ? '' : `${file}: `;
}

/** True if the bytes start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * 1 GiB: more than the largest IDX sets (EMNIST ByClass, 0.55 GB of images) unzip to, less
 * than the 2 GB that 2 MB of gzipped zeros make.
 */
export const DEFAULT_MAX_BYTES = 2 ** 30;

export interface GunzipOptions {
  /** The file name that errors mention. */
  file?: string;
  /** The most bytes the unzipped data may have (default 1 GiB); unzipping stops as soon as it passes. */
  maxBytes?: number;
}

/** The cap from the options, checked. */
export function maxBytesOf(options: GunzipOptions): number {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(max > 0)) throw new Error(`${filePrefix(options.file)}maxBytes must be a positive number, got ${max}`);
  return max;
}

/** The error for data past the cap, the same from every reader. */
export function tooManyBytes(file: string | undefined, max: number): Error {
  return new Error(`${filePrefix(file)}the unzipped data passes maxBytes = ${max} bytes (a gzip bomb?); if the file is real, raise the cap with { maxBytes: ... }`);
}

/**
 * Gunzips gzip data (recognised by its magic bytes, not the file name); other bytes pass
 * through. Inflates a slice at a time and stops past `maxBytes`, so a small bomb cannot
 * fill the memory: a slice of 16 KB inflates to 17 MB at most (deflate's ratio is 1032:1).
 */
export function maybeGunzip(bytes: Uint8Array, options: GunzipOptions = {}): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const max = maxBytesOf(options);
  const parts: Uint8Array[] = [];
  let total = 0;
  const stream = new Gunzip((part) => {
    total += part.length;
    if (total <= max) parts.push(part);
  });
  try {
    const slice = 16 * 1024;
    for (let at = 0; at < bytes.length && total <= max; at += slice) {
      stream.push(bytes.subarray(at, at + slice), at + slice >= bytes.length);
    }
  } catch (error) {
    throw new Error(`${filePrefix(options.file)}the gzip data is corrupt or truncated (${(error as Error).message})`);
  }
  if (total > max) throw tooManyBytes(options.file, max);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
