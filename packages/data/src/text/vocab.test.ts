import { describe, expect, it } from 'vitest';
import { CharVocabulary, vocabularyFromJSON, WordVocabulary } from './vocab.js';

describe('CharVocabulary', () => {
  it('puts pad and unk first, then tokens by falling count, ties by code point', () => {
    const v = CharVocabulary.fit(['abba', 'cab']);
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'a', 'b', 'c']);
    expect([v.padIndex, v.unkIndex]).toEqual([0, 1]);
    // The same counts in another order give the same indices.
    expect(CharVocabulary.fit(['cab', 'baba']).tokens).toEqual(v.tokens);
  });

  it('counts code points, not UTF-16 units, and lower-cases when asked', () => {
    const v = CharVocabulary.fit(['Straße', '😀'], { lower: true });
    expect(v.has('ß')).toBe(true);
    expect(v.has('😀')).toBe(true);
    expect(v.has('S')).toBe(false);
    expect(Array.from(v.encode('SS'))).toEqual([v.indexOf('s'), v.indexOf('s')]);
  });

  it('cuts by minFreq and maxSize, keeping the most frequent', () => {
    const v = CharVocabulary.fit(['aaab', 'bc'], { minFreq: 2 });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'a', 'b']);
    expect(CharVocabulary.fit(['aaabbc'], { maxSize: 3 }).tokens).toEqual(['<pad>', '<unk>', 'a']);
    expect(() => CharVocabulary.fit(['a'], { maxSize: 1 })).toThrow(/CharVocabulary.fit: maxSize must be an integer >= 2, got 1/);
    expect(() => CharVocabulary.fit(['a'], { minFreq: 0 })).toThrow(/minFreq must be an integer >= 1/);
    expect(() => CharVocabulary.fit('abc')).toThrow(/an iterable of texts .* got one string/);
  });

  it('maps unknown characters to unk, reports them, and decodes without padding', () => {
    const v = CharVocabulary.fit(['chat'], { specials: ['<bos>'] });
    expect(v.tokens.slice(0, 3)).toEqual(['<pad>', '<unk>', '<bos>']);
    const ids = v.encode('chaîne');
    expect(ids[3]).toBe(v.unkIndex);
    expect(v.unknownTokens('chaîne')).toEqual(['î', 'n', 'e']);
    expect(v.decode([v.indexOf('c'), v.indexOf('a'), 0, 0])).toBe('ca');
    expect(() => v.tokenAt(99)).toThrow(/CharVocabulary: index 99 is out of range for a vocabulary of 7 tokens/);
  });
});

describe('WordVocabulary', () => {
  it('splits on white space and joins with spaces', () => {
    const v = WordVocabulary.fit(['the cat  sat', 'the dog'], { minFreq: 1 });
    expect(v.tokens.slice(0, 3)).toEqual(['<pad>', '<unk>', 'the']);
    expect(v.decode(v.encode('the cat ran'))).toBe('the cat <unk>');
  });
});

describe('vocabulary JSON', () => {
  it('round-trips with its kind, case folding and specials', () => {
    const chars = CharVocabulary.fit(['Abc'], { lower: true, specials: ['<eos>'], padToken: '_' });
    const back = vocabularyFromJSON(chars.serialize());
    expect(back).toBeInstanceOf(CharVocabulary);
    expect(back.tokens).toEqual(chars.tokens);
    expect(back.specials).toEqual(['<eos>']);
    expect(Array.from(back.encode('ABC'))).toEqual(Array.from(chars.encode('abc')));
    const words = WordVocabulary.fit(['a b']);
    expect(vocabularyFromJSON(words.toJSON())).toBeInstanceOf(WordVocabulary);
    expect(JSON.parse(chars.serialize())).toMatchObject({ format: 'nn-vocabulary', version: 1, kind: 'char' });
  });

  it('names the source and the fault of bad JSON', () => {
    const good = CharVocabulary.fit(['ab']).toJSON();
    expect(() => vocabularyFromJSON('{"format":', 'v.json')).toThrow(/^v.json: not valid JSON/);
    expect(() => vocabularyFromJSON('[]', 'v.json')).toThrow(/v.json: expected a JSON object/);
    expect(() => vocabularyFromJSON({ ...good, version: 2 })).toThrow(/unsupported vocabulary version 2 \(this @nn\/data reads version 1\)/);
    expect(() => vocabularyFromJSON({ ...good, version: undefined })).toThrow(/unsupported vocabulary version undefined/);
    expect(() => vocabularyFromJSON({ ...good, format: 'x' })).toThrow(/'format' must be "nn-vocabulary"/);
    expect(() => vocabularyFromJSON({ ...good, kind: 'byte' })).toThrow(/'kind' must be "char" or "word"/);
    expect(() => vocabularyFromJSON({ ...good, tokens: ['<pad>', '<unk>', 'a', 'a'] })).toThrow(/the token "a" appears twice/);
    expect(() => vocabularyFromJSON({ ...good, tokens: ['<unk>', '<pad>'] })).toThrow(/must start with padToken, unkToken/);
    expect(() => vocabularyFromJSON({ ...good, tokens: [1, 2] })).toThrow(/'tokens' must be an array of strings/);
  });
});
