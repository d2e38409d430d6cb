/**
 * Bytes of a text file to strings, a chunk at a time and strictly: UTF-8 by default (its
 * byte-order mark skipped), UTF-16 LE or BE when a byte-order mark says so (or, without one,
 * when the first two characters are ASCII with a zero byte beside each). An invalid byte
 * sequence is reported, never replaced by U+FFFD: silently merged characters ("Mé" and "Mè"
 * both becoming "M\uFFFD") would turn two categories into one.
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Thrown by decode() at the first invalid sequence; `text` is the valid text before it. */
export class InvalidText extends Error {
  constructor(
    readonly encoding: TextEncoding,
    /** Offset of the offending bytes in the whole input. */
    readonly offset: number,
    /** The offending bytes and a few after them. */
    readonly bytes: Uint8Array,
    /** The valid text of this chunk before them (earlier chunks were returned already). */
    readonly text: string,
  ) {
    super(`invalid ${encoding.toUpperCase()} at byte ${offset}`);
  }
}

/** The encoding a file's first bytes announce, and how many BOM bytes to skip. */
function sniff(head: Uint8Array): { encoding: TextEncoding; skip: number } {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', skip: 2 };
  // No BOM: a CSV starts with text, so "a\0b\0" is UTF-16 LE and "\0a\0b" BE.
  const ascii = (v: number | undefined): boolean => v !== undefined && v > 0 && v < 0x80;
  if (ascii(a) && b === 0 && ascii(c) && d === 0) return { encoding: 'utf-16le', skip: 0 };
  if (a === 0 && ascii(b) && c === 0 && ascii(d)) return { encoding: 'utf-16be', skip: 0 };
  return { encoding: 'utf-8', skip: 0 };
}

/** How many bytes at the end of `bytes` start a character that the next chunk completes. */
function openTail(bytes: Uint8Array, encoding: TextEncoding): number {
  const n = bytes.length;
  if (encoding !== 'utf-8') {
    let open = n % 2;
    const hi = encoding === 'utf-16le' ? bytes[n - open - 1] : bytes[n - open - 2];
    if (n - open >= 2 && hi >= 0xd8 && hi <= 0xdb) open += 2; // a high surrogate waits for its low half
    return open;
  }
  // Walk back over up to 3 continuation bytes to the lead byte; keep it if its sequence is cut.
  for (let back = 1; back <= Math.min(4, n); back++) {
    const byte = bytes[n - back];
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

export class StrictTextDecoder {
  private encoding: TextEncoding | undefined;
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  private carry: Uint8Array = new Uint8Array(0);
  /** Offset in the whole input of carry[0]. */
  private offset = 0;

  /** The encoding found in the first bytes (utf-8 until then). */
  get detected(): TextEncoding {
    return this.encoding ?? 'utf-8';
  }

  /** Text of the next chunk; `final` on the last one. Throws InvalidText at the first bad sequence. */
  decode(chunk: Uint8Array, final = false): string {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    if (this.encoding === undefined) {
      if (bytes.length < 4 && !final) {
        this.carry = bytes.slice();
        return '';
      }
      const { encoding, skip } = sniff(bytes);
      this.encoding = encoding;
      // ignoreBOM: the file's BOM is skipped here, once; a U+FEFF inside the text is kept.
      this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
      bytes = bytes.subarray(skip);
      this.offset += skip;
    }
    const open = final ? 0 : openTail(bytes, this.encoding);
    const whole = bytes.subarray(0, bytes.length - open);
    let text: string;
    try {
      text = this.decoder!.decode(whole);
    } catch {
      throw this.locate(whole);
    }
    this.carry = bytes.slice(bytes.length - open);
    this.offset += whole.length;
    return text;
  }

  /** The first invalid sequence in `bytes`, by bisection: a prefix decodes (streaming) until it holds one. */
  private locate(bytes: Uint8Array): InvalidText {
    const encoding = this.encoding!;
    const valid = (end: number): boolean => {
      try {
        new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, end), { stream: true });
        return true;
      } catch {
        return false;
      }
    };
    let [lo, hi] = [0, bytes.length]; // valid(lo), !valid(hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (valid(mid)) lo = mid;
      else hi = mid;
    }
    // Byte hi - 1 made the prefix invalid; the sequence it broke starts at most 3 bytes before.
    const start = Math.max(0, hi - 1 - openTail(bytes.subarray(0, hi - 1), encoding));
    const before = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(0, start));
    return new InvalidText(encoding, this.offset + start, bytes.slice(start, Math.min(bytes.length, start + 4)), before);
  }
}
