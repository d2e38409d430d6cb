/**
 * Writes the embedded default data set, data/words/<code>.txt: a seeded, balanced sample of
 * 5,000 words per language from Debian's word lists (cleaned and with the words of more than
 * one list dropped, as `--data` does; see src/words.ts), and copies each list's licence to
 * data/words/licenses/. Run it once by hand; the output is committed.
 *
 *   pnpm make-subset [DICT_DIR]     # default: /usr/share/dict (apt-get install wamerican wngerman ...)
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_PER_LANGUAGE, EMBEDDED_DATA_DIR, loadCorpus, SYSTEM_DATA_DIR } from '../src/data.js';
import { LANGUAGE_CODES } from '../src/languages.js';

const SEED = 20261207;
const dir = resolve(process.argv[2] ?? SYSTEM_DATA_DIR);
const corpus = await loadCorpus({ dataDir: dir, languages: LANGUAGE_CODES, perLanguage: DEFAULT_PER_LANGUAGE, seed: SEED });

await mkdir(join(EMBEDDED_DATA_DIR, 'licenses'), { recursive: true });
for (const [k, language] of corpus.languages.entries()) {
  // Sorted: the file reads as a word list, and its diff stays small if the sample changes.
  const words = [...corpus.words[k]].sort();
  const path = join(EMBEDDED_DATA_DIR, `${language.code}.txt`);
  await writeFile(path, `${words.join('\n')}\n`);
  await copyFile(join('/usr/share/doc', language.debianPackage, 'copyright'), join(EMBEDDED_DATA_DIR, 'licenses', `${language.debianPackage}.copyright`));
  console.log(`${path}: ${words.length} words from ${language.file} (${language.debianPackage})`);
}
console.log(`${corpus.shared.toLocaleString('en-US')} words were in more than one list and left out`);
