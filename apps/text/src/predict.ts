/**
 * `predict WORD…`: the three likeliest languages of each word, with probabilities, from a
 * classifier of `classify` (the best one by validation accuracy, or --arch). Words are
 * cleaned as the training words were (lower case, NFC); characters the model never saw are
 * read as the unknown character, and said so. Without words on the command line, one word
 * per line is read from standard input; empty lines are skipped (and counted).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBatch } from '@nn/data';
import { noGrad } from '@nn/autograd';
import { dispose, softmax } from '@nn/tensor';
import { fileErrorText } from '@nn/layers/node';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { loadModelFile, modelFile } from './checkpoint.js';
import { languageByCode } from './languages.js';
import { ARCHITECTURES, type Architecture } from './models.js';
import type { Writer } from '@nn/app-kit/cli';
import { MAX_WORD_LENGTH } from './words.js';

export interface PredictOptions {
  words: string[];
  model: string;
  arch?: Architecture;
  backend: BackendName;
}

export interface Prediction {
  word: string;
  top: { language: string; probability: number }[];
  unknown: string[];
}

/** The model the folder's metrics.json calls best. */
async function bestArch(dir: string): Promise<Architecture> {
  const path = join(dir, 'metrics.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: ${fileErrorText(error)} (run 'text classify --out ${dir}' first, or give --arch)`);
  }
  let best: unknown;
  try {
    best = (JSON.parse(text) as { best?: unknown }).best;
  } catch {
    throw new Error(`${path}: not valid JSON`);
  }
  if (!ARCHITECTURES.includes(best as Architecture)) throw new Error(`${path}: 'best' must be one of ${ARCHITECTURES.join(', ')}, got ${JSON.stringify(best)}`);
  return best as Architecture;
}

/** Words from the command line, or lines of a text (standard input); empty lines are skipped and counted. */
export function wordsFrom(lines: readonly string[]): { words: string[]; empty: number } {
  const words = lines.map((l) => l.trim().normalize('NFC').toLowerCase());
  return { words: words.filter((w) => w !== ''), empty: words.filter((w) => w === '').length };
}

export async function predict(options: PredictOptions, out: Writer, err: Writer): Promise<Prediction[]> {
  const { words, empty } = wordsFrom(options.words);
  if (empty > 0) err.write(`note: skipped ${empty} empty line${empty === 1 ? '' : 's'}\n`);
  if (words.length === 0) throw new Error('predict: no words given (pass words as arguments or one per line on standard input)');
  const arch = options.arch ?? (await bestArch(options.model));
  await useBackend(options.backend);
  const { model, vocab, classes } = await loadModelFile(modelFile(options.model, arch));
  const predictions: Prediction[] = [];
  noGrad(() => {
    const { tokens, lengths } = encodeBatch(vocab, words, { maxLength: MAX_WORD_LENGTH });
    const probs = softmax(model.forward(tokens, Array.from(lengths.dataSync())), 1);
    const rows = probs.toArray() as number[][];
    dispose([tokens, lengths, probs]);
    words.forEach((word, i) => {
      const top = rows[i]
        .map((p, k) => ({ language: classes[k], probability: p }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, 3);
      predictions.push({ word, top, unknown: vocab.unknownTokens(word) });
    });
  });
  for (const p of predictions) {
    if (Array.from(p.word).length > MAX_WORD_LENGTH) err.write(`note: '${p.word}' is longer than ${MAX_WORD_LENGTH} characters; only its first ${MAX_WORD_LENGTH} are read\n`);
    if (p.unknown.length > 0) err.write(`note: '${p.word}' has characters the model never saw (${p.unknown.map((c) => `'${c}'`).join(', ')}); they are read as unknown\n`);
    const name = (code: string): string => `${code} ${languageByCode(code).name}`;
    out.write(`${p.word}: ${p.top.map((t) => `${name(t.language)} ${(100 * t.probability).toFixed(1)} %`).join(', ')}\n`);
  }
  return predictions;
}
