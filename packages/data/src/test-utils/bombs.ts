/** Decompression bombs for the tests, made on the fly: small files that declare or inflate to huge sizes. */
import { gzipSync, zlibSync } from 'fflate';
import { encode as encodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';

/** CRC-32 of PNG chunks (ISO 3309, as zlib's). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A grey PNG whose IHDR declares width × height at `depth` bits; its pixel data is zeros
 * (filter byte 0 and zero samples), whole for a small image, the first 64 KB of a large one.
 */
export function pngBomb(width: number, height: number, depth: 8 | 16 = 8): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([depth, 0, 0, 0, 0], 8); // grey, deflate, adaptive filtering, not interlaced
  const rows = new Uint8Array(Math.min(height * (1 + (width * depth) / 8), 1 << 16));
  const parts = [encodePngBytes({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }).subarray(0, 8), chunk('IHDR', header), chunk('IDAT', zlibSync(rows)), chunk('IEND', new Uint8Array(0))];
  return concat(parts);
}

/** A small baseline JPEG whose frame header (SOF0) is patched to declare width × height. */
export function jpegBomb(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 4) }, 50).data);
  for (let at = 2; at < bytes.length; at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3])) {
    if (bytes[at + 1] === 0xc0) {
      bytes.set([height >> 8, height & 0xff, width >> 8, width & 0xff], at + 5);
      return bytes;
    }
  }
  throw new Error('jpegBomb: jpeg-js wrote no SOF0 segment');
}

/** Gzipped `header` then `zeros` zero bytes: about a thousandth of the size unzipped. */
export function gzipBomb(header: Uint8Array, zeros: number): Uint8Array {
  return gzipSync(concat([header, new Uint8Array(zeros)]), { level: 9 });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
