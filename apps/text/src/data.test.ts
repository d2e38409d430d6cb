import { describe, expect, it } from 'vitest';
import { loadCorpus, splitCorpus } from './data.js';
import { LANGUAGE_CODES } from './languages.js';

describe('the embedded subset', () => {
  it('holds 5,000 clean words per language, none in two languages', async () => {
    const corpus = await loadCorpus();
    expect(corpus.languages.map((l) => l.code)).toEqual(LANGUAGE_CODES);
    expect(corpus.words.map((w) => w.length)).toEqual(LANGUAGE_CODES.map(() => 5000));
    const all = corpus.words.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(corpus.shared).toBe(0);
  });
});

describe('splitCorpus', () => {
  it('splits each language 80/10/10, disjoint, the same for the same seed', async () => {
    const corpus = await loadCorpus({ perLanguage: 50, seed: 3 });
    const split = splitCorpus(corpus, 3);
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([9 * 40, 9 * 5, 9 * 5]);
    const words = [...split.train, ...split.validation, ...split.test].map((e) => e.word);
    expect(new Set(words).size).toBe(words.length);
    expect(split.test.filter((e) => e.label === 0)).toHaveLength(5);
    expect(splitCorpus(corpus, 3)).toEqual(split);
    expect(splitCorpus(corpus, 4).test).not.toEqual(split.test);
  });
});
