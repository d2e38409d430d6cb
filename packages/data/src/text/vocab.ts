/**
 * Vocabularies: the token ↔ index tables of text models, as torchtext's `build_vocab_from_iterator`
 * makes them. A vocabulary is fitted on a corpus (minimum frequency, maximum size), keeps a
 * padding and an unknown token, and orders its tokens stably: the specials first (padding at
 * 0, unknown at 1), then by falling frequency, ties by code-point order, so the same counts give
 * the same indices whatever order the corpus came in.
 *
 * CharVocabulary tokenizes into Unicode code points (not UTF-16 units: 'ß' and '😀' are one
 * token each); WordVocabulary into runs of non-space characters.
 */

export interface VocabularyOptions {
  /** Tokens seen fewer times than this are left out (they encode as the unknown token). Default 1. */
  minFreq?: number;
  /** At most this many tokens, the specials included; the rarest are dropped. Default: no limit. */
  maxSize?: number;
  /** Lower-case text before tokenizing (fitting and encoding alike). Default false. */
  lower?: boolean;
  /** The padding token, index 0. Default '<pad>'. */
  padToken?: string;
  /** The unknown token, index 1. Default '<unk>'. */
  unkToken?: string;
  /** Further reserved tokens after those two (e.g. '<bos>', '<eos>'), in this order. */
  specials?: readonly string[];
}

export type VocabularyKind = 'char' | 'word';

/** The JSON form written by toJSON and read by vocabularyFromJSON. */
export interface VocabularyJSON {
  format: 'nn-vocabulary';
  version: 1;
  kind: VocabularyKind;
  lower: boolean;
  padToken: string;
  unkToken: string;
  specials: string[];
  tokens: string[];
}

const FORMAT = 'nn-vocabulary';
const VERSION = 1;

function checkCount(owner: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${owner}: ${name} must be an integer >= ${min}, got ${value}`);
}

export abstract class Vocabulary {
  abstract readonly kind: VocabularyKind;
  readonly padIndex = 0;
  readonly unkIndex = 1;
  readonly padToken: string;
  readonly unkToken: string;
  readonly specials: readonly string[];
  private readonly index = new Map<string, number>();

  protected constructor(
    /** Every token, by index. */
    readonly tokens: readonly string[],
    readonly lower: boolean,
    specialCount: number,
  ) {
    this.padToken = tokens[0];
    this.unkToken = tokens[1];
    this.specials = tokens.slice(2, specialCount);
    tokens.forEach((token, i) => {
      if (this.index.has(token)) throw new Error(`${this.constructor.name}: the token ${JSON.stringify(token)} appears twice (indices ${this.index.get(token)} and ${i})`);
      this.index.set(token, i);
    });
  }

  /** Splits text into tokens (after lower-casing, if the vocabulary does). */
  abstract tokenize(text: string): string[];

  /** Joins tokens back into text. */
  abstract join(tokens: readonly string[]): string;

  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** The index of a token; the unknown index for a token not in the vocabulary. */
  indexOf(token: string): number {
    return this.index.get(token) ?? this.unkIndex;
  }

  tokenAt(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.tokens.length) {
      throw new Error(`${this.constructor.name}: index ${index} is out of range for a vocabulary of ${this.tokens.length} tokens`);
    }
    return this.tokens[index];
  }

  /** The indices of a text's tokens; tokens not in the vocabulary become the unknown index. */
  encode(text: string): Int32Array {
    const tokens = this.tokenize(text);
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = this.indexOf(tokens[i]);
    return ids;
  }

  /** The text of indices; padding is skipped. */
  decode(indices: ArrayLike<number>): string {
    const tokens: string[] = [];
    for (let i = 0; i < indices.length; i++) if (indices[i] !== this.padIndex) tokens.push(this.tokenAt(indices[i]));
    return this.join(tokens);
  }

  /** The distinct tokens of a text that the vocabulary lacks (what encode maps to unknown), in order of appearance. */
  unknownTokens(text: string): string[] {
    return [...new Set(this.tokenize(text).filter((token) => !this.index.has(token)))];
  }

  toJSON(): VocabularyJSON {
    return {
      format: FORMAT,
      version: VERSION,
      kind: this.kind,
      lower: this.lower,
      padToken: this.padToken,
      unkToken: this.unkToken,
      specials: [...this.specials],
      tokens: [...this.tokens],
    };
  }

  /** The JSON text of the vocabulary (what vocabularyFromJSON reads). */
  serialize(): string {
    return `${JSON.stringify(this.toJSON())}\n`;
  }
}

/** The specials, then the counted tokens by falling frequency (ties by code point), cut by minFreq and maxSize. */
function fitTokens(owner: string, corpus: Iterable<string>, tokenize: (text: string) => string[], options: VocabularyOptions): { tokens: string[]; specialCount: number } {
  const minFreq = options.minFreq ?? 1;
  checkCount(owner, 'minFreq', minFreq, 1);
  const reserved = [options.padToken ?? '<pad>', options.unkToken ?? '<unk>', ...(options.specials ?? [])];
  if (options.maxSize !== undefined) checkCount(owner, 'maxSize', options.maxSize, reserved.length);
  if (new Set(reserved).size !== reserved.length) throw new Error(`${owner}: the special tokens [${reserved.join(', ')}] must differ`);
  if (typeof corpus === 'string') throw new Error(`${owner}: the corpus must be an iterable of texts (e.g. an array of strings), got one string`);
  const counts = new Map<string, number>();
  for (const text of corpus) {
    if (typeof text !== 'string') throw new Error(`${owner}: the corpus must hold strings, got ${typeof text}`);
    for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  const specials = new Set(reserved);
  const counted = [...counts].filter(([token, count]) => count >= minFreq && !specials.has(token));
  counted.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const room = (options.maxSize ?? Infinity) - reserved.length;
  return { tokens: [...reserved, ...counted.slice(0, room).map(([token]) => token)], specialCount: reserved.length };
}

/**
 * One token per Unicode code point.
 *   const chars = CharVocabulary.fit(['chat', 'chien'], { lower: true });
 *   chars.encode('chat')  // Int32Array [indices of c, h, a, t]
 */
export class CharVocabulary extends Vocabulary {
  readonly kind = 'char' as const;

  static fit(corpus: Iterable<string>, options: VocabularyOptions = {}): CharVocabulary {
    const lower = options.lower ?? false;
    const { tokens, specialCount } = fitTokens('CharVocabulary.fit', corpus, (text) => charTokens(text, lower), options);
    return new CharVocabulary(tokens, lower, specialCount);
  }

  /** A vocabulary of exactly these tokens (index order kept): pad, unk, specials, then the rest. */
  static fromTokens(tokens: readonly string[], options: { lower?: boolean; specialCount?: number } = {}): CharVocabulary {
    return new CharVocabulary(tokens, options.lower ?? false, options.specialCount ?? 2);
  }

  tokenize(text: string): string[] {
    return charTokens(text, this.lower);
  }

  join(tokens: readonly string[]): string {
    return tokens.join('');
  }
}

/**
 * One token per run of non-space characters.
 *   WordVocabulary.fit(lines, { minFreq: 2, maxSize: 10000 })
 */
export class WordVocabulary extends Vocabulary {
  readonly kind = 'word' as const;

  static fit(corpus: Iterable<string>, options: VocabularyOptions = {}): WordVocabulary {
    const lower = options.lower ?? false;
    const { tokens, specialCount } = fitTokens('WordVocabulary.fit', corpus, (text) => wordTokens(text, lower), options);
    return new WordVocabulary(tokens, lower, specialCount);
  }

  static fromTokens(tokens: readonly string[], options: { lower?: boolean; specialCount?: number } = {}): WordVocabulary {
    return new WordVocabulary(tokens, options.lower ?? false, options.specialCount ?? 2);
  }

  tokenize(text: string): string[] {
    return wordTokens(text, this.lower);
  }

  join(tokens: readonly string[]): string {
    return tokens.join(' ');
  }
}

function charTokens(text: string, lower: boolean): string[] {
  return Array.from(lower ? text.toLowerCase() : text);
}

function wordTokens(text: string, lower: boolean): string[] {
  return (lower ? text.toLowerCase() : text).split(/\s+/).filter((w) => w !== '');
}

/**
 * Reads a vocabulary written by `serialize()` / `toJSON()` (the JSON text or the parsed
 * object). `source` names where it came from in the errors (e.g. the file).
 */
export function vocabularyFromJSON(json: unknown, source = 'vocabulary'): CharVocabulary | WordVocabulary {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new Error(`${source}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const bad = (why: string): Error => new Error(`${source}: ${why}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected a JSON object written by Vocabulary.serialize()');
  const v = value as Partial<Record<keyof VocabularyJSON, unknown>>;
  if (v.format !== FORMAT) throw bad(`the field 'format' must be "${FORMAT}", got ${JSON.stringify(v.format)}`);
  if (v.version !== VERSION) throw bad(`unsupported vocabulary version ${JSON.stringify(v.version)} (this @nn/data reads version ${VERSION})`);
  if (v.kind !== 'char' && v.kind !== 'word') throw bad(`the field 'kind' must be "char" or "word", got ${JSON.stringify(v.kind)}`);
  if (typeof v.lower !== 'boolean') throw bad(`the field 'lower' must be a boolean, got ${JSON.stringify(v.lower)}`);
  const strings = (name: string, x: unknown): string[] => {
    if (!Array.isArray(x) || x.some((t) => typeof t !== 'string')) throw bad(`the field '${name}' must be an array of strings`);
    return x as string[];
  };
  const tokens = strings('tokens', v.tokens);
  const specials = strings('specials', v.specials);
  const expected = [v.padToken, v.unkToken, ...specials];
  if (tokens.length < expected.length || expected.some((t, i) => tokens[i] !== t)) {
    throw bad(`the tokens must start with padToken, unkToken and the specials ${JSON.stringify(expected)}, got ${JSON.stringify(tokens.slice(0, expected.length))}`);
  }
  const seen = new Set<string>();
  for (const token of tokens) {
    if (seen.has(token)) throw bad(`the token ${JSON.stringify(token)} appears twice`);
    seen.add(token);
  }
  const options = { lower: v.lower, specialCount: expected.length };
  return v.kind === 'char' ? CharVocabulary.fromTokens(tokens, options) : WordVocabulary.fromTokens(tokens, options);
}
