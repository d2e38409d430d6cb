/**
 * `train-lm`: one character-level LSTM language model per language, on that language's
 * training words of the same seeded split as `classify` (so its validation words were never
 * seen), keeping the epoch with the lowest validation perplexity. Writes `<code>.safetensors`
 * per language and metrics.json.
 */
import { CharVocabulary, DataLoader } from '@nn/data';
import { Adam } from '@nn/layers';
import { checkOutputDir, makeOutputDir } from '@nn/layers/node';
import { noGrad } from '@nn/autograd';
import { manualSeed, tidy } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { modelFile, saveLanguageModel } from './checkpoint.js';
import { loadCorpus, splitCorpus } from './data.js';
import { BOS, CharLanguageModel, EOS, lmBatch, lmLoss } from './language_model.js';
import { writeMetrics } from './outputs.js';
import type { Writer } from '@nn/app-kit/cli';
import { EpochBar } from '@nn/app-kit/progress';
import { round, startTimer, type Elapsed } from './timing.js';

export interface TrainLmOptions {
  out: string;
  dataDir?: string;
  languages?: string[];
  perLanguage?: number;
  epochs: number;
  batchSize: number;
  lr: number;
  hidden: number;
  seed: number;
  backend: BackendName;
}

export interface LmRow {
  language: string;
  validationPerplexity: number;
  bestEpoch: number;
  /** Mean training loss per character of each epoch. */
  lossPerEpoch: number[];
  parameters: number;
  train: Elapsed;
}

/** exp(mean loss per predicted character) over words, in batches. */
export function perplexity(model: CharLanguageModel, vocab: CharVocabulary, words: readonly string[]): number {
  let nll = 0;
  let count = 0;
  model.eval();
  noGrad(() => {
    for (let at = 0; at < words.length; at += 256) {
      const chunk = words.slice(at, at + 256);
      const batch = lmBatch(vocab, chunk);
      const loss = lmLoss(model, batch);
      const chars = batch.lengths.reduce((a, b) => a + b, 0);
      nll += loss.item() * chars;
      count += chars;
      [loss, batch.inputs, batch.targets].forEach((t) => t.dispose());
    }
  });
  model.train();
  return Math.exp(nll / count);
}

export async function trainLm(options: TrainLmOptions, out: Writer, progress: Writer): Promise<{ rows: LmRow[]; files: string[] }> {
  await checkOutputDir(options.out);
  const backend = await useBackend(options.backend);
  const runTimer = startTimer();
  // The whole corpus, so that the split (and the words shared between lists) is the one classify uses.
  const corpus = await loadCorpus({ dataDir: options.dataDir, perLanguage: options.perLanguage, seed: options.seed });
  const split = splitCorpus(corpus, options.seed);
  const wanted = options.languages ?? corpus.languages.map((l) => l.code);
  for (const code of wanted) {
    if (!corpus.languages.some((l) => l.code === code)) throw new Error(`--lang: no word list for '${code}' in the ${corpus.source}`);
  }
  await makeOutputDir(options.out);
  out.write(`character language models for ${wanted.join(', ')} (${corpus.source}), backend ${backend}\n`);
  const bar = new EpochBar(progress, 'words');
  const rows: LmRow[] = [];
  const files: string[] = [];
  for (const code of wanted) {
    const label = corpus.languages.findIndex((l) => l.code === code);
    const trainWords = split.train.filter((e) => e.label === label).map((e) => e.word);
    const valWords = split.validation.filter((e) => e.label === label).map((e) => e.word);
    const vocab = CharVocabulary.fit(trainWords, { specials: [BOS, EOS] });
    manualSeed(options.seed);
    const model = new CharLanguageModel(vocab.size, options.hidden);
    const optimizer = new Adam(model.parameters(), { lr: options.lr });
    const loader = new DataLoader(
      { length: trainWords.length, get: (i: number) => trainWords[i] },
      { batchSize: options.batchSize, shuffle: true, seed: options.seed, collate: (words: readonly string[]) => words },
    );
    const path = modelFile(options.out, code);
    const timer = startTimer();
    let best = { perplexity: Infinity, epoch: 0 };
    const lossPerEpoch: number[] = [];
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      bar.start(`${code} epoch ${epoch}/${options.epochs}`, trainWords.length);
      const epochTimer = startTimer();
      let lossSum = 0;
      let seen = 0;
      for (const words of loader) {
        // One tidy per step: the loop never yields, so what it left to the garbage collector's
        // finalizers would stay until the epoch's end.
        const value = tidy(() => {
          const batch = lmBatch(vocab, words);
          const loss = lmLoss(model, batch);
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          return loss.item();
        });
        lossSum += value * words.length;
        seen += words.length;
        bar.update(seen, lossSum / seen, epochTimer().wallSeconds);
      }
      bar.stop();
      lossPerEpoch.push(lossSum / seen);
      const ppl = perplexity(model, vocab, valWords);
      const kept = ppl < best.perplexity;
      if (kept) {
        best = { perplexity: ppl, epoch };
        await saveLanguageModel(path, model, { vocab, language: code });
      }
      out.write(`${code} epoch ${epoch}: loss ${(lossSum / seen).toFixed(4)}, validation perplexity ${ppl.toFixed(3)}${kept ? ' (kept)' : ''}\n`);
    }
    const row = { language: code, validationPerplexity: best.perplexity, bestEpoch: best.epoch, lossPerEpoch, parameters: model.parameters().reduce((n, p) => n + p.size, 0), train: timer() };
    rows.push(row);
    files.push(path);
    out.write(`${code}: validation perplexity ${best.perplexity.toFixed(3)} per character (epoch ${best.epoch}), ${row.train.cpuSeconds.toFixed(0)} CPU s\n`);
  }
  const elapsed = runTimer();
  files.push(
    await writeMetrics(options.out, {
      task: 'train-lm',
      data: corpus.source,
      settings: { epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, hidden: options.hidden, seed: options.seed, backend: options.backend },
      languages: rows.map((r) => ({ ...r, lossPerEpoch: r.lossPerEpoch.map((l) => round(l)), validationPerplexity: round(r.validationPerplexity), train: { cpuSeconds: round(r.train.cpuSeconds, 1), wallSeconds: round(r.train.wallSeconds, 1) } })),
      run: { cpuSeconds: round(elapsed.cpuSeconds, 1), wallSeconds: round(elapsed.wallSeconds, 1) },
    }),
  );
  out.write(`whole run ${elapsed.cpuSeconds.toFixed(0)} CPU s, ${elapsed.wallSeconds.toFixed(0)} s wall\nwrote ${files.join(', ')}\n`);
  return { rows, files };
}
