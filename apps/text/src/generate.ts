/** `generate`: new words in the style of a language, from its language model (see train-lm). */
import { access } from 'node:fs/promises';
import { noGrad } from '@nn/autograd';
import { Generator } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadLanguageModel, modelFile } from './checkpoint.js';
import { sampleWord } from './language_model.js';
import { languageByCode } from './languages.js';
import type { Writer } from '@nn/app-kit/cli';
import { MAX_WORD_LENGTH } from './words.js';

export interface GenerateOptions {
  lang: string;
  count: number;
  temperature: number;
  seed: number;
  model: string;
  backend: BackendName;
}

export async function generate(options: GenerateOptions, out: Writer): Promise<string[]> {
  const language = languageByCode(options.lang);
  if (!(options.temperature > 0)) throw new Error(`--temperature must be a positive number, got ${options.temperature}`);
  const path = modelFile(options.model, language.code);
  try {
    await access(path);
  } catch {
    throw new Error(`${path}: no language model for ${language.name}; train one first: text train-lm --lang ${language.code} --out ${options.model}`);
  }
  await useBackend(options.backend);
  const { model, vocab } = await loadLanguageModel(path);
  const generator = new Generator(options.seed);
  const words = noGrad(() => Array.from({ length: options.count }, () => sampleWord(model, vocab, options.temperature, generator, MAX_WORD_LENGTH)));
  for (const word of words) out.write(`${word}\n`);
  return words;
}
