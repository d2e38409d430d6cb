/**
 * `classify`: the language of a word. Trains the naive Bayes baseline (its n-gram order and
 * smoothing chosen on the validation words) and the chosen neural models (DEFAULT_MODELS, or
 * any of the five) on the same seeded split, keeps each model's weights of its best validation
 * epoch (its weights' moving average where its recipe keeps one; Adam,
 * the learning rate warmed up and then annealed on a cosine, per step: OneCycleLR), scores
 * them on the test words with their standard errors, compares the best model with naive
 * Bayes word by word (the paired difference and its standard error), and writes the model
 * folder: one checkpoint per model, vocab.json, metrics.json (the comparison table) and
 * confusion.png (of the best model).
 */
import { join } from 'node:path';
import { CharVocabulary } from '@nn/data';
import { AdamW, crossEntropy, OneCycleLR } from '@nn/layers';
import { checkOutputDir, makeOutputDir, writeFileAtomic } from '@nn/layers/node';
import { dispose, manualSeed, tidy } from '@nn/tensor';
import { useBackend, type BackendName } from '@nn/app-kit/backend';
import { encodeExamples, wordLoader } from './batches.js';
import { loadModelFile, modelFile, saveModelFile } from './checkpoint.js';
import { loadCorpus, splitCorpus, type Example } from './data.js';
import { scoreClassifier, confusionScores, type Scores } from './evaluate.js';
import { buildClassifier, DEFAULT_RECIPES, parameterCount, type Architecture, type Recipe, type Shape } from './models.js';
import { tuneNaiveBayes } from './naive_bayes.js';
import { pairedComparison, standardError, type PairedComparison } from './significance.js';
import { writeConfusionPicture, writeMetrics } from './outputs.js';
import type { Writer } from '@nn/app-kit/cli';
import { EpochBar } from '@nn/app-kit/progress';
import { round, startTimer, type Elapsed } from './timing.js';
import { WeightAverage } from './weight_average.js';

export interface ClassifyOptions {
  out: string;
  dataDir?: string;
  languages?: string[];
  perLanguage?: number;
  models: Architecture[];
  /** Overrides of every model's recipe (DEFAULT_RECIPES). */
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Overrides of every model's sizes and recipe, for experiments (the command line sets none). */
  shape?: Partial<Shape>;
  recipe?: Partial<Recipe>;
  seed: number;
  backend: BackendName;
}

export interface ModelRow {
  model: string;
  parameters: number;
  testAccuracy: number;
  /** Binomial standard error of the test accuracy. */
  testStandardError: number;
  validationAccuracy: number;
  bestEpoch: number;
  /** Mean training loss of each epoch. */
  lossPerEpoch: number[];
  recipe?: Recipe;
  train: Elapsed;
  /** A neural model against naive Bayes on the same test words, paired (absent on naive Bayes's row). */
  againstNaiveBayes?: PairedComparison;
}

export interface ClassifyResult {
  rows: ModelRow[];
  best: string;
  /** The best model (by validation accuracy) against naive Bayes on the test words (absent without a neural model); every model's is in its row. */
  margin?: PairedComparison;
  files: string[];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function formatTable(rows: readonly ModelRow[]): string {
  const header = ['model', 'validation', 'test accuracy', 'against naive Bayes (test points)', 'parameters', 'train CPU s', 'train wall s'];
  const lines = rows.map((r) => [
    r.model,
    pct(r.validationAccuracy),
    `${pct(r.testAccuracy)} ± ${(100 * r.testStandardError).toFixed(1)}`,
    r.againstNaiveBayes ? describeMargin(r.againstNaiveBayes) : '',
    r.parameters.toLocaleString('en-US'),
    r.train.cpuSeconds.toFixed(1),
    r.train.wallSeconds.toFixed(1),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k].length)));
  const row = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
  return [row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}

export async function classify(options: ClassifyOptions, out: Writer, progress: Writer): Promise<ClassifyResult> {
  await checkOutputDir(options.out);
  const backend = await useBackend(options.backend);
  const runTimer = startTimer();
  const corpus = await loadCorpus({ dataDir: options.dataDir, languages: options.languages, perLanguage: options.perLanguage, seed: options.seed });
  const split = splitCorpus(corpus, options.seed);
  const classes = corpus.languages.map((l) => l.code);
  const C = classes.length;
  // Characters seen once in training are rare letters better read as unknown than learnt from one word.
  const vocab = CharVocabulary.fit(
    split.train.map((e) => e.word),
    { minFreq: 2 },
  );
  await makeOutputDir(options.out);
  const files: string[] = [];
  const vocabPath = join(options.out, 'vocab.json');
  await writeFileAtomic(vocabPath, vocab.serialize());
  files.push(vocabPath);
  out.write(
    `${C} languages (${classes.join(', ')}) from the ${corpus.source}: ${split.train.length.toLocaleString('en-US')} training, ` +
      `${split.validation.length.toLocaleString('en-US')} validation, ${split.test.length.toLocaleString('en-US')} test words; ` +
      `${vocab.size} characters; backend ${backend}\n`,
  );

  // The baseline, on the same training words, its n-gram order and smoothing chosen on the validation words.
  const labelled = (examples: readonly Example[]) => ({ words: examples.map((e) => e.word), labels: examples.map((e) => e.label) });
  const nbTimer = startTimer();
  const tuned = tuneNaiveBayes(C, labelled(split.train), labelled(split.validation));
  const nbTrain = nbTimer();
  const truths = split.test.map((e) => e.label);
  const nbScores = confusionScores(
    truths,
    split.test.map((e) => tuned.model.predict(e.word)),
    C,
  );
  const nbName = `naive Bayes (1–${tuned.model.maxN}-grams, α ${tuned.model.alpha})`;
  const rows: ModelRow[] = [
    { model: nbName, parameters: 0, testAccuracy: nbScores.accuracy, testStandardError: standardError(nbScores.accuracy, truths.length), validationAccuracy: tuned.validationAccuracy, bestEpoch: 0, lossPerEpoch: [], train: nbTrain },
  ];
  out.write(`${nbName}: validation accuracy ${pct(tuned.validationAccuracy)} (the best of ${Object.keys(tuned.tried).length} settings), test accuracy ${pct(nbScores.accuracy)}\n`);

  const trainSet = encodeExamples(vocab, split.train);
  const valSet = encodeExamples(vocab, split.validation);
  const testSet = encodeExamples(vocab, split.test);
  const confusions = new Map<string, Scores>([[nbName, nbScores]]);
  const bar = new EpochBar(progress, 'words');
  for (const arch of options.models) {
    const recipe: Recipe = { ...DEFAULT_RECIPES[arch], ...options.recipe, ...definedOnly({ epochs: options.epochs, batchSize: options.batchSize, lr: options.lr }) };
    manualSeed(options.seed);
    const model = buildClassifier({ arch, vocabSize: vocab.size, numClasses: C, shape: options.shape });
    // AdamW with no decay is Adam.
    const optimizer = new AdamW(model.parameters(), { lr: recipe.lr, weightDecay: recipe.weightDecay });
    const loader = wordLoader(trainSet, recipe.batchSize, options.seed);
    // Per step: a short warm-up (Adam's first steps are noisy), then a cosine down to almost nothing.
    const scheduler = new OneCycleLR(optimizer, recipe.lr, { totalSteps: recipe.epochs * loader.length, pctStart: WARM_UP });
    const timer = startTimer();
    const best = { accuracy: -1, epoch: 0, latest: 0 };
    const lossPerEpoch: number[] = [];
    const path = modelFile(options.out, arch);
    const average = recipe.weightAverage > 0 ? new WeightAverage(model, recipe.weightAverage) : undefined;
    for (let epoch = 1; epoch <= recipe.epochs; epoch++) {
      const keepIfBest = async (): Promise<boolean> => {
        best.latest = scoreClassifier(model, valSet, C).accuracy;
        if (best.latest <= best.accuracy) return false;
        Object.assign(best, { accuracy: best.latest, epoch });
        await saveModelFile(path, model, { arch, vocab, classes, shape: options.shape });
        return true;
      };
      bar.start(`${arch} epoch ${epoch}/${recipe.epochs}`, trainSet.length);
      const epochTimer = startTimer();
      let lossSum = 0;
      let seen = 0;
      for (const [{ tokens, lengths }, labels] of loader) {
        // One tidy per step: this loop never yields to the event loop, so intermediates left to
        // the garbage collector's finalizers would stay until the epoch's end (7 GB of them).
        const value = tidy(() => {
          const loss = crossEntropy(model.forward(tokens, Array.from(lengths.dataSync())), labels, { labelSmoothing: recipe.labelSmoothing });
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          return loss.item();
        });
        scheduler.step();
        average?.update();
        lossSum += value * labels.shape[0];
        seen += labels.shape[0];
        dispose([tokens, lengths, labels]);
        bar.update(seen, lossSum / seen, epochTimer().wallSeconds);
      }
      bar.stop();
      lossPerEpoch.push(lossSum / seen);
      // With an average of the weights, the average is what is scored, kept and tested.
      const trainedNote = average ? `; the trained weights ${pct(scoreClassifier(model, valSet, C).accuracy)}` : '';
      const kept = await (average ? average.withAverage(keepIfBest) : keepIfBest());
      out.write(`${arch} epoch ${epoch}: loss ${(lossSum / seen).toFixed(4)}, validation accuracy ${pct(best.latest)}${kept ? ' (kept)' : ''}${average ? ` (weights averaged${trainedNote})` : ''}, ${epochTimer().wallSeconds.toFixed(1)} s\n`);
    }
    const train = timer();
    const kept = await loadModelFile(path);
    const test = scoreClassifier(kept.model, testSet, C);
    files.push(path);
    confusions.set(arch, test);
    rows.push({
      model: arch,
      againstNaiveBayes: pairedComparison(truths, test.predictions, nbScores.predictions),
      parameters: parameterCount(model),
      testAccuracy: test.accuracy,
      testStandardError: standardError(test.accuracy, truths.length),
      validationAccuracy: best.accuracy,
      bestEpoch: best.epoch,
      lossPerEpoch,
      recipe,
      train,
    });
    out.write(`${arch}: test accuracy ${pct(test.accuracy)} (epoch ${best.epoch})\n`);
  }

  const neural = rows.slice(1);
  // The best model by validation accuracy, so that the test set does not choose it.
  const bestRow = neural.length > 0 ? neural.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a)) : rows[0];
  out.write(`\n${formatTable(rows)}\n\n`);
  // Every model against naive Bayes, word by word; the best by validation accuracy is the headline.
  for (const r of neural) {
    const m = r.againstNaiveBayes!;
    out.write(
      `${r.model}${r === bestRow ? ' (the best by validation)' : ''} against naive Bayes on the same ${truths.length.toLocaleString('en-US')} test words: ${signedPoints(m.difference)} ± ${(100 * m.standardError).toFixed(2)} points ` +
        `(${signed(standardErrors(m).toFixed(1))} standard errors; ${m.onlyA} words only it got right, ${m.onlyB} only naive Bayes)\n`,
    );
  }
  const margin = neural.length > 0 ? bestRow.againstNaiveBayes : undefined;
  const names = corpus.languages.map((l) => l.name);
  files.push(await writeConfusionPicture(options.out, `${bestRow.model}: test confusion (accuracy ${pct(bestRow.testAccuracy)})`, names, confusions.get(bestRow.model)!.confusion));
  const elapsed = runTimer();
  files.push(
    await writeMetrics(options.out, {
      task: 'classify',
      data: corpus.source,
      languages: classes,
      words: { train: split.train.length, validation: split.validation.length, test: split.test.length, sharedDropped: corpus.shared },
      characters: vocab.size,
      settings: { seed: options.seed, backend: options.backend, warmUp: WARM_UP },
      naiveBayes: { maxN: tuned.model.maxN, alpha: tuned.model.alpha, validationAccuracyTried: Object.fromEntries(Object.entries(tuned.tried).map(([k, v]) => [k, round(v)])) },
      best: bestRow.model,
      table: rows.map((r) => ({
        ...r,
        lossPerEpoch: r.lossPerEpoch.map((l) => round(l)),
        testAccuracy: round(r.testAccuracy),
        testStandardError: round(r.testStandardError),
        validationAccuracy: round(r.validationAccuracy),
        train: { cpuSeconds: round(r.train.cpuSeconds, 1), wallSeconds: round(r.train.wallSeconds, 1) },
        againstNaiveBayes: r.againstNaiveBayes && marginJSON(r.againstNaiveBayes),
      })),
      againstNaiveBayes: margin && { model: bestRow.model, ...marginJSON(margin) },
      confusion: Object.fromEntries([...confusions].map(([name, s]) => [name, s.confusion])),
      run: { cpuSeconds: round(elapsed.cpuSeconds, 1), wallSeconds: round(elapsed.wallSeconds, 1) },
    }),
  );
  out.write(`best: ${bestRow.model}; whole run ${elapsed.cpuSeconds.toFixed(0)} CPU s, ${elapsed.wallSeconds.toFixed(0)} s wall\nwrote ${files.join(', ')}\n`);
  return { rows, best: bestRow.model, margin, files };
}

/** Fraction of the steps spent warming the learning rate up. */
const WARM_UP = 0.1;

/** A figure with its sign, the minus a typographic one. */
const signed = (text: string): string => (text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`);
const signedPoints = (x: number): string => signed((100 * x).toFixed(2));
/** The margin in its own standard errors (the paired difference's). */
const standardErrors = (m: PairedComparison): number => m.difference / Math.max(m.standardError, 1e-12);
const describeMargin = (m: PairedComparison): string => `${signedPoints(m.difference)} ± ${(100 * m.standardError).toFixed(2)} (${signed(standardErrors(m).toFixed(1))} SE)`;
const marginJSON = (m: PairedComparison) => ({ difference: round(m.difference), standardError: round(m.standardError), standardErrors: round(standardErrors(m), 2), onlyModel: m.onlyA, onlyNaiveBayes: m.onlyB });

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
