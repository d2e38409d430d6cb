/**
 * The corpus: words with their language, from the embedded subset (data/words/<code>.txt,
 * written by scripts/make_subset.ts) or from a folder of Debian word lists (`--data DIR`,
 * e.g. /usr/share/dict), and its seeded train/validation/test split.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '@nn/tensor';
import { fileErrorText } from '@nn/layers/node';
import { LANGUAGES, languageByCode, type Language } from './languages.js';
import { dropShared, readWordList } from './words.js';

export const EMBEDDED_DATA_DIR = fileURLToPath(new URL('../data/words', import.meta.url));
export const SYSTEM_DATA_DIR = '/usr/share/dict';
/** Words per language drawn from a full list (the embedded subset has this many). */
export const DEFAULT_PER_LANGUAGE = 5000;

export interface Corpus {
  languages: Language[];
  /** Per language (same order), its words. */
  words: string[][];
  /** Where the words came from, for messages and metrics.json. */
  source: string;
  /** Words dropped because they are in more than one list. */
  shared: number;
  /** List lines that were not words. */
  skipped: number;
}

export interface CorpusOptions {
  /** A folder of Debian word lists; undefined: the embedded subset. */
  dataDir?: string;
  /** Language codes to use; default all whose list is there. */
  languages?: readonly string[];
  /** Words per language drawn (seeded) from full lists. */
  perLanguage?: number;
  seed?: number;
}

/** A seeded sample of n words (all of them if fewer), in a random order. */
export function sample(words: readonly string[], n: number, generator: Generator): string[] {
  const order = [...words];
  for (let i = order.length - 1; i > 0; i--) {
    const j = generator.nextInt(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, n);
}

async function listFiles(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (error) {
    throw new Error(`--data ${dir}: ${fileErrorText(error)}`);
  }
}

export async function loadCorpus(options: CorpusOptions = {}): Promise<Corpus> {
  const embedded = options.dataDir === undefined;
  const dir = options.dataDir ?? EMBEDDED_DATA_DIR;
  const fileOf = (l: Language): string => (embedded ? `${l.code}.txt` : l.file);
  const present = await listFiles(dir);
  let languages: Language[];
  if (options.languages !== undefined) {
    languages = options.languages.map(languageByCode);
    // Asked for by name: a missing list is an error naming its file (and the package that has it).
    for (const l of languages) {
      if (!present.has(fileOf(l))) throw new Error(`${join(dir, fileOf(l))}: no such file (${l.name}${embedded ? '' : `; apt-get install ${l.debianPackage}`})`);
    }
  } else {
    languages = LANGUAGES.filter((l) => present.has(fileOf(l)));
  }
  if (languages.length < 2) {
    throw new Error(`${dir}: found ${languages.length} word list(s) of ${LANGUAGES.map(fileOf).join(', ')}; at least two languages are needed`);
  }
  const lists = new Map<string, string[]>();
  let skipped = 0;
  for (const l of languages) {
    const list = await readWordList(join(dir, fileOf(l)));
    lists.set(l.code, list.words);
    skipped += list.skipped;
  }
  const { lists: kept, shared } = dropShared(lists);
  const generator = new Generator(options.seed ?? 1);
  const perLanguage = options.perLanguage ?? (embedded ? Infinity : DEFAULT_PER_LANGUAGE);
  const words = languages.map((l) => {
    const list = kept.get(l.code)!;
    if (list.length < 10) throw new Error(`${join(dir, fileOf(l))}: only ${list.length} words of its own (not in another list); at least 10 are needed`);
    return embedded && perLanguage === Infinity ? list : sample(list, perLanguage, generator);
  });
  return { languages, words, source: embedded ? 'embedded subset' : dir, shared, skipped };
}

export interface Example {
  word: string;
  label: number;
}

export interface Split {
  train: Example[];
  validation: Example[];
  test: Example[];
}

/** A seeded split of each language's words (80/10/10 by default), so each split is balanced as the corpus is. */
export function splitCorpus(corpus: Corpus, seed: number, fractions: readonly [number, number, number] = [0.8, 0.1, 0.1]): Split {
  const generator = new Generator(seed);
  const split: Split = { train: [], validation: [], test: [] };
  corpus.words.forEach((words, label) => {
    const order = sample(words, words.length, generator);
    const nVal = Math.max(1, Math.round(order.length * fractions[1]));
    const nTest = Math.max(1, Math.round(order.length * fractions[2]));
    const nTrain = order.length - nVal - nTest;
    order.forEach((word, i) => (i < nTrain ? split.train : i < nTrain + nVal ? split.validation : split.test).push({ word, label }));
  });
  return split;
}
