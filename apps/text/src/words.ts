/**
 * Reading a word list and cleaning its words. A Debian list is one word per line, UTF-8,
 * except wswedish, which is ISO-8859-1: a file that is not valid UTF-8 is read as Latin-1
 * (every byte is a Latin-1 character, so that never fails; the one guess this app makes).
 *
 * Cleaning, the same for every list and for the words given to `predict`:
 * - lower case (NFC): the models learn spelling, not capitals (German nouns would otherwise
 *   give German away by their first letter, and a user typing "haus" would not be helped);
 * - entries that are not a word are dropped: English possessives ("cat's": a quarter of
 *   wamerican, and a give-away), abbreviations with dots, numbers, anything that is not
 *   letters with inner hyphens or apostrophes;
 * - words of 2 to 20 letters (MAX_WORD_LENGTH) are kept.
 */
import { readFile } from 'node:fs/promises';
import { fileErrorText } from '@nn/layers/node';

export const MAX_WORD_LENGTH = 20;
export const MIN_WORD_LENGTH = 2;

const WORD = /^\p{L}+(?:['-]\p{L}+)*$/u;

/** The cleaned form of an entry, or null if it is not kept. */
export function cleanWord(entry: string): string | null {
  const word = entry.trim().normalize('NFC').toLowerCase();
  if (!WORD.test(word) || /'s$/.test(word)) return null;
  const length = Array.from(word).length;
  return length >= MIN_WORD_LENGTH && length <= MAX_WORD_LENGTH ? word : null;
}

/** The text of a list file: UTF-8, or Latin-1 when the bytes are not UTF-8. */
export function decodeList(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export interface ReadList {
  words: string[];
  /** Lines that held no word (empty, or dropped by cleaning). */
  skipped: number;
}

/** The distinct cleaned words of a list file, in file order; a missing or unreadable file is one line naming it. */
export async function readWordList(path: string): Promise<ReadList> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: ${fileErrorText(error)}`);
  }
  const seen = new Set<string>();
  let skipped = 0;
  for (const line of decodeList(bytes).split(/\r?\n/)) {
    const word = cleanWord(line);
    if (word === null) {
      if (line.trim() !== '') skipped++;
      continue;
    }
    seen.add(word);
  }
  if (seen.size === 0) throw new Error(`${path}: no words in this list (expected one word per line)`);
  return { words: [...seen], skipped };
}

/**
 * Words in more than one language's list are dropped from all of them ("a", "in", "pasta",
 * "hotel"): a word's label must be the one language it belongs to, and a model cannot be
 * right about a word that is correct in two. Returns the kept lists and the dropped count.
 */
export function dropShared(lists: ReadonlyMap<string, readonly string[]>): { lists: Map<string, string[]>; shared: number } {
  const owners = new Map<string, number>();
  for (const words of lists.values()) for (const w of words) owners.set(w, (owners.get(w) ?? 0) + 1);
  const kept = new Map<string, string[]>();
  for (const [code, words] of lists) kept.set(code, words.filter((w) => owners.get(w) === 1));
  let shared = 0;
  for (const count of owners.values()) if (count > 1) shared++;
  return { lists: kept, shared };
}
