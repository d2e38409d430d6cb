/** Small helpers shared by the readers: error prefixes and gzip recognised by its magic bytes. */
import { gunzipSync } from 'fflate';

/** `file: ` or nothing, to start an error message. */
export function filePrefix(file: string | undefined): string {
  return file === undefined ? '' : `${file}: `;
}

/** True if the bytes start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips gzip data (recognised by its magic bytes, not the file name); other bytes pass through. */
export function maybeGunzip(bytes: Uint8Array, file?: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${filePrefix(file)}the gzip data is corrupt or truncated (${(error as Error).message})`);
  }
}
