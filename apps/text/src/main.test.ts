import { chmod, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vocabularyFromJSON } from '@nn/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, modelList, type IO } from './main.js';
import { ARCHITECTURES } from './models.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'text-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function capture(input = ''): { io: IO; text: () => string; errors: () => string } {
  let out = '';
  let err = '';
  return { io: { out: { write: (s: string) => void (out += s) }, err: { write: (s: string) => void (err += s) }, readInput: () => Promise.resolve(input) }, text: () => out, errors: () => err };
}

const isPng = (bytes: Uint8Array): boolean => bytes[0] === 0x89 && bytes[1] === 0x50;
const tiny = ['--langs', 'en,de,pl', '--per-language', '60', '--seed', '2'];

describe('classify and predict on a small seeded run', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir();
  });

  it('trains the baseline and two models, the loss falls, and writes the files', async () => {
    const c = capture();
    expect(await main(['classify', '--out', dir, '--models', 'gru,cnn', '--epochs', '4', '--batch-size', '32', ...tiny], c.io)).toBe(0);
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as {
      languages: string[];
      best: string;
      table: {
        model: string;
        parameters: number;
        testAccuracy: number;
        testStandardError: number;
        lossPerEpoch: number[];
        train: { cpuSeconds: number };
        againstNaiveBayes?: { difference: number; standardError: number; standardErrors: number; onlyModel: number; onlyNaiveBayes: number };
      }[];
      naiveBayes: { maxN: number; alpha: number; validationAccuracyTried: Record<string, number> };
      againstNaiveBayes: { model: string; difference: number; standardError: number; onlyModel: number; onlyNaiveBayes: number };
      confusion: Record<string, number[][]>;
    };
    expect(metrics.languages).toEqual(['en', 'de', 'pl']);
    // Naive Bayes' order and smoothing were chosen on the validation words, among 6 × 5 settings.
    expect(Object.keys(metrics.naiveBayes.validationAccuracyTried)).toHaveLength(30);
    expect(metrics.table.map((r) => r.model)).toEqual([`naive Bayes (1–${metrics.naiveBayes.maxN}-grams, α ${metrics.naiveBayes.alpha})`, 'gru', 'cnn']);
    // 18 test words: the binomial standard error of each accuracy.
    for (const row of metrics.table) expect(row.testStandardError).toBeCloseTo(Math.sqrt((row.testAccuracy * (1 - row.testAccuracy)) / 18), 3);
    // The best model against naive Bayes, word by word.
    const margin = metrics.againstNaiveBayes;
    expect(margin.model).toBe(metrics.best);
    expect(margin.difference).toBeCloseTo((margin.onlyModel - margin.onlyNaiveBayes) / 18, 3);
    // And every model against it, in its row, with the margin in standard errors; naive Bayes's own row has none.
    expect(metrics.table[0].againstNaiveBayes).toBeUndefined();
    for (const row of metrics.table.slice(1)) {
      const m = row.againstNaiveBayes!;
      expect(m.difference).toBeCloseTo(row.testAccuracy - metrics.table[0].testAccuracy, 3);
      expect(m.difference).toBeCloseTo((m.onlyModel - m.onlyNaiveBayes) / 18, 3);
      const words = m.onlyModel + m.onlyNaiveBayes;
      expect(m.standardError).toBeCloseTo(Math.sqrt((words / 18 - m.difference ** 2) / 18), 3);
      if (m.standardError > 0) expect(m.standardErrors).toBeCloseTo(m.difference / m.standardError, 1);
      expect(c.text()).toMatch(new RegExp(`^${row.model}( \\(the best by validation\\))? against naive Bayes on the same 18 test words: [+−]`, 'm'));
    }
    const best = metrics.table.find((r) => r.model === metrics.best)!;
    expect(best.againstNaiveBayes!.difference).toBeCloseTo(margin.difference, 4);
    for (const row of metrics.table.slice(1)) {
      expect(row.lossPerEpoch).toHaveLength(4);
      expect(row.lossPerEpoch[3]).toBeLessThan(row.lossPerEpoch[0]);
      expect(row.parameters).toBeGreaterThan(1000);
    }
    // 3 languages, 6 test words each.
    expect(metrics.confusion.gru.flat().reduce((a, b) => a + b, 0)).toBe(18);
    expect(['gru', 'cnn']).toContain(metrics.best);
    expect(isPng(await readFile(join(dir, 'confusion.png')))).toBe(true);
    const vocab = vocabularyFromJSON(await readFile(join(dir, 'vocab.json'), 'utf8'));
    expect(vocab.kind).toBe('char');
    for (const f of ['gru.safetensors', 'cnn.safetensors']) expect((await readFile(join(dir, f))).length).toBeGreaterThan(1000);
    expect(c.text()).toMatch(/naive Bayes \(1–\d-grams, α [\d.]+\)\s+\d+\.\d %\s+\d+\.\d % ± \d+\.\d/);
    expect(c.text()).toMatch(/(gru|cnn) against naive Bayes on the same 18 test words: [+−]\d+\.\d\d ± \d+\.\d\d points/);
  }, 180_000);

  it('predict prints the top 3 with probabilities, and says which characters it never saw', async () => {
    const c = capture();
    expect(await main(['predict', '--model', dir, 'Haus', 'żółw', 'жук'], c.io)).toBe(0);
    const lines = c.text().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^haus: (en English|de German|pl Polish) \d+\.\d %, \w\w \w+ \d+\.\d %, \w\w \w+ \d+\.\d %$/);
    const total = [...lines[0].matchAll(/(\d+\.\d) %/g)].reduce((s, m) => s + Number(m[1]), 0);
    expect(total).toBeCloseTo(100, 0);
    expect(c.errors()).toContain("note: 'жук' has characters the model never saw ('ж', 'у', 'к'); they are read as unknown");
  });

  it('predict reads standard input, skipping empty lines; --arch picks a model', async () => {
    const c = capture('haus\n\n  \nbaum\n');
    expect(await main(['predict', '--model', dir, '--arch', 'cnn'], c.io)).toBe(0);
    expect(c.text().trim().split('\n').map((l) => l.split(':')[0])).toEqual(['haus', 'baum']);
    expect(c.errors()).toContain('note: skipped 2 empty lines');
  });
});

describe('train-lm and generate on a small seeded run', () => {
  it('the loss falls, perplexity is reported, and generation repeats by seed', async () => {
    const dir = await tempDir();
    const c = capture();
    expect(await main(['train-lm', '--out', dir, '--lang', 'pl', '--epochs', '3', '--hidden', '32', '--per-language', '160', '--seed', '2'], c.io)).toBe(0);
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as { languages: { language: string; validationPerplexity: number; lossPerEpoch: number[] }[] };
    const [pl] = metrics.languages;
    expect(pl.language).toBe('pl');
    expect(pl.lossPerEpoch[2]).toBeLessThan(pl.lossPerEpoch[0]);
    // Better than guessing uniformly among the ~35 Polish letters, worse than knowing.
    expect(pl.validationPerplexity).toBeGreaterThan(1);
    expect(pl.validationPerplexity).toBeLessThan(35);
    const first = capture();
    expect(await main(['generate', '--lang', 'pl', '-n', '5', '--temperature', '1.2', '--seed', '7', '--model', dir], first.io)).toBe(0);
    const words = first.text().trim().split('\n');
    expect(words).toHaveLength(5);
    for (const w of words) expect(Array.from(w).length).toBeGreaterThanOrEqual(1);
    const again = capture();
    await main(['generate', '--lang', 'pl', '-n', '5', '--temperature', '1.2', '--seed', '7', '--model', dir], again.io);
    expect(again.text()).toBe(first.text());
  }, 180_000);
});

describe('bad input: one line naming the file or the option', () => {
  const fails = async (args: string[], pattern: RegExp): Promise<void> => {
    const c = capture();
    expect(await main(args, c.io)).not.toBe(0);
    expect(c.errors()).toMatch(pattern);
    expect(c.errors().trim().split('\n').filter((l) => !l.startsWith('(add --help'))).toHaveLength(1);
  };

  it('a missing data folder, a missing, unreadable or empty list', async () => {
    const dir = await tempDir();
    await fails(['classify', '--data', join(dir, 'nope'), '--out', join(dir, 'o')], /^text: --data .*nope: no such file or folder/);
    await writeFile(join(dir, 'french'), 'chat\nchien\n'.repeat(10));
    await fails(['classify', '--data', dir, '--out', join(dir, 'o')], /found 1 word list\(s\) of .*; at least two languages are needed/);
    await fails(['classify', '--data', dir, '--langs', 'fr,de', '--out', join(dir, 'o')], /ngerman: no such file \(German; apt-get install wngerman\)/);
    await mkdir(join(dir, 'ngerman'));
    await fails(['classify', '--data', dir, '--out', join(dir, 'o')], /ngerman: is a folder/);
    await rm(join(dir, 'ngerman'), { recursive: true });
    await writeFile(join(dir, 'ngerman'), '\n\n');
    await fails(['classify', '--data', dir, '--out', join(dir, 'o')], /ngerman: no words in this list/);
    if (process.getuid?.() !== 0) {
      await writeFile(join(dir, 'ngerman'), 'haus\n');
      await chmod(join(dir, 'ngerman'), 0o000);
      await fails(['classify', '--data', dir, '--out', join(dir, 'o')], /ngerman: permission denied/);
    }
  });

  it("--models: a list, or all for every model's row", () => {
    expect(modelList('cnn, gru')).toEqual(['cnn', 'gru']);
    expect(modelList('all')).toEqual([...ARCHITECTURES]);
    expect(() => modelList('cnn,all')).toThrow(/unknown model 'all'/);
  });

  it('bad options, an empty word, no model to read', async () => {
    const dir = await tempDir();
    await fails(['classify', '--langs', 'en,xx'], /unknown language 'xx'/);
    await fails(['classify', '--models', 'lstm,rnn'], /unknown model 'rnn'/);
    await fails(['generate', '--lang', 'fr', '--model', dir], /fr.safetensors: no language model for French; train one first: text train-lm --lang fr/);
    await fails(['generate', '--lang', 'xx'], /argument 'xx' is invalid/);
    await fails(['predict', '--model', dir, 'haus'], /metrics.json: no such file .*run 'text classify/);
    await fails(['predict', '--model', dir, 'haus', ' '], /predict: word 2 is empty/);
    await fails(['predict', '--model', dir], /predict: no words given/);
  });
});
