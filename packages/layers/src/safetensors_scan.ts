/**
 * One pass over a safetensors header's JSON text before JSON.parse builds anything from it.
 * It bounds what a small file can make us do: nesting depth (a deep `shape` would otherwise
 * reach code that recurses), keys per object (an 89 MB header can declare 1.5 million empty
 * tensors, each a Tensor object: seconds of work and gigabytes), and it finds duplicate
 * keys, which JSON.parse silently resolves to the last one.
 *
 * The text may be invalid JSON (JSON.parse judges that afterwards): the pass only has to
 * stay bounded on it, not be right.
 */
import { show } from './show.js';

export interface ScanLimits {
  /** Most levels of nested arrays and objects; the header object is level 1. */
  maxDepth: number;
  /** Most tensors, that is top-level keys other than `__metadata__`. */
  maxTensors: number;
  /** Most keys of a nested object (`__metadata__`'s entries, a tensor's fields). */
  maxKeys: number;
}

interface Frame {
  /** Keys seen so far; null for an array. */
  keys: Set<string> | null;
  /** The top-level key this value sits under, for messages ('' at the top). */
  under: string;
  /** The last key read in this object. */
  lastKey: string;
}

export interface ScanProblem {
  /** What is wrong, as a message fragment. */
  message: string;
  /** Set when the problem is a repeated key. */
  duplicateKey?: string;
}

/** The first problem in `text`, or null. */
export function scanHeaderText(text: string, limits: ScanLimits): ScanProblem | null {
  const frames: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length && text.charCodeAt(j) !== 0x22) {
        if (text.charCodeAt(j) === 0x5c /* \ */) {
          escaped = true;
          j++;
        }
        j++;
      }
      if (j >= text.length) return null; // unterminated: JSON.parse will say so
      const top = frames.at(-1);
      if (expectKey && top?.keys) {
        const key = escaped ? decodeKey(text.slice(i, j + 1)) : text.slice(i + 1, j);
        if (key === null) return null;
        if (top.keys.has(key)) return { message: `duplicate key ${show(key)}${top.under ? ` in ${show(top.under)}` : ''}`, duplicateKey: key };
        top.keys.add(key);
        top.lastKey = key;
        // The header may hold __metadata__ besides the tensors; the exact count is checked after parsing.
        const limit = frames.length === 1 ? limits.maxTensors + 1 : limits.maxKeys;
        if (top.keys.size > limit) {
          const message =
            frames.length === 1
              ? tooManyTensors(limits.maxTensors)
              : `${show(top.under)} has more than ${limits.maxKeys} keys`;
          return { message };
        }
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = frames.at(-1);
      const under = parent === undefined ? '' : frames.length === 1 ? parent.lastKey : parent.under;
      frames.push({ keys: c === 0x7b ? new Set() : null, under, lastKey: '' });
      if (frames.length > limits.maxDepth) return { message: `${under ? `${show(under)} is ` : 'header is '}nested deeper than ${limits.maxDepth} levels` };
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = frames.at(-1)?.keys != null;
    }
  }
  return null;
}

export function tooManyTensors(maxTensors: number): string {
  return `header declares more than ${maxTensors} tensors (the maxTensors option raises the limit)`;
}

function decodeKey(quoted: string): string | null {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null; // a bad escape: JSON.parse of the whole header reports it
  }
}

/**
 * The first key that repeats within one JSON object of `text`, or null. JSON.parse silently
 * keeps the last of duplicate keys, so it cannot tell.
 */
export function findDuplicateKey(text: string): string | null {
  return scanHeaderText(text, { maxDepth: Infinity, maxTensors: Infinity, maxKeys: Infinity })?.duplicateKey ?? null;
}
