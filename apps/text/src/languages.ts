/**
 * The languages the app knows, each with the Debian word list it is read from
 * (/usr/share/dict/<file>, installed by the package named). British English is left out:
 * it is American English with a few spellings changed, so it would only teach the models
 * "colour" versus "color".
 */
export interface Language {
  /** ISO 639-1 code: the label, the file name of the embedded subset, and `--lang`. */
  code: string;
  name: string;
  /** The list's file name under /usr/share/dict. */
  file: string;
  /** The Debian package that installs it. */
  debianPackage: string;
}

export const LANGUAGES: readonly Language[] = [
  { code: 'en', name: 'English', file: 'american-english', debianPackage: 'wamerican' },
  { code: 'de', name: 'German', file: 'ngerman', debianPackage: 'wngerman' },
  { code: 'fr', name: 'French', file: 'french', debianPackage: 'wfrench' },
  { code: 'es', name: 'Spanish', file: 'spanish', debianPackage: 'wspanish' },
  { code: 'it', name: 'Italian', file: 'italian', debianPackage: 'witalian' },
  { code: 'pt', name: 'Portuguese', file: 'portuguese', debianPackage: 'wportuguese' },
  { code: 'nl', name: 'Dutch', file: 'dutch', debianPackage: 'wdutch' },
  { code: 'sv', name: 'Swedish', file: 'swedish', debianPackage: 'wswedish' },
  { code: 'pl', name: 'Polish', file: 'polish', debianPackage: 'wpolish' },
];

export const LANGUAGE_CODES = LANGUAGES.map((l) => l.code);

export function languageByCode(code: string): Language {
  const language = LANGUAGES.find((l) => l.code === code);
  if (!language) throw new Error(`--lang: unknown language '${code}' (expected one of ${LANGUAGE_CODES.join(', ')})`);
  return language;
}
