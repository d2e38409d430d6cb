import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanWord, decodeList, dropShared, readWordList } from './words.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('cleanWord', () => {
  it('lower-cases, keeps letters with inner hyphens and apostrophes, 2 to 20 of them', () => {
    expect(cleanWord('Straße')).toBe('straße');
    expect(cleanWord(' aujourd’hui ')).toBeNull(); // a typographic apostrophe is not one of ours
    expect(cleanWord("aujourd'hui")).toBe("aujourd'hui");
    expect(cleanWord('vert-de-gris')).toBe('vert-de-gris');
    expect(cleanWord("cat's")).toBeNull(); // English possessives give English away
    expect(cleanWord('a')).toBeNull();
    expect(cleanWord('x'.repeat(21))).toBeNull();
    expect(cleanWord('e.g.')).toBeNull();
    expect(cleanWord('3D')).toBeNull();
    expect(cleanWord('')).toBeNull();
  });
});

describe('decodeList', () => {
  it('reads UTF-8, and Latin-1 (wswedish) when the bytes are not UTF-8', () => {
    expect(decodeList(new TextEncoder().encode('för\n'))).toBe('för\n');
    expect(decodeList(Uint8Array.of(0x66, 0xf6, 0x72))).toBe('för');
  });
});

describe('readWordList', () => {
  it('skips empty lines and non-words, counts the latter, and names a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'text-words-'));
    dirs.push(dir);
    await writeFile(join(dir, 'list'), 'Haus\n\nhaus\n3D\nBaum\n');
    expect(await readWordList(join(dir, 'list'))).toEqual({ words: ['haus', 'baum'], skipped: 1 });
    await expect(readWordList(join(dir, 'missing'))).rejects.toThrow(new RegExp(`^${join(dir, 'missing')}: no such file`));
    await mkdir(join(dir, 'folder'));
    await expect(readWordList(join(dir, 'folder'))).rejects.toThrow(/folder: is a folder/);
    await writeFile(join(dir, 'empty'), '\n\n');
    await expect(readWordList(join(dir, 'empty'))).rejects.toThrow(/empty: no words in this list \(expected one word per line\)/);
  });
});

describe('dropShared', () => {
  it('drops a word from every list that has it', () => {
    const { lists, shared } = dropShared(
      new Map([
        ['en', ['hotel', 'house']],
        ['de', ['hotel', 'haus']],
      ]),
    );
    expect(lists.get('en')).toEqual(['house']);
    expect(lists.get('de')).toEqual(['haus']);
    expect(shared).toBe(1);
  });
});
