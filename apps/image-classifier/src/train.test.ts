/**
 * The app end to end on a few hundred embedded images: train writes the checkpoint, the
 * scores and the three plots; the checkpoint reloads and classifies image files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '@nn/data';
import { classify } from './classify.js';
import { loadData } from './data.js';
import { imageAt } from './datasets.js';
import { main } from './main.js';
import { Recorder, tempDir } from './test-utils/fixtures.js';

describe('train, then classify', () => {
  let out: string;
  let stdout: string;

  beforeAll(async () => {
    out = join(await tempDir(), 'lenet5');
    const recorder = new Recorder();
    const code = await main(['train', '--limit', '400', '--epochs', '2', '--batch-size', '32', '--augment', '--out', out], { out: recorder, err: new Recorder() });
    stdout = recorder.text;
    expect(code, stdout).toBe(0);
  }, 300_000);

  it('prints a line per epoch and the test scores', () => {
    expect(stdout).toMatch(/^training lenet5 on 360 images, validating on 40, testing on 400 \(embedded Fashion-MNIST subset\), backend cpu$/m);
    expect(stdout).toMatch(/^epoch 1\/2 {2}loss \d\.\d{4} {2}acc [\d.]+ % {2}val_loss [\d.]+ {2}val_acc [\d.]+ % {2}\d+ img\/s {2}[\d.]+ s {2}\(best so far: saved\)$/m);
    expect(stdout).toMatch(/^ {2}top-5 error {2}[\d.]+ %$/m);
    expect(stdout).toMatch(/^ {2}Ankle boot +[\d.]+ % +[\d.]+ % +[\d.]+ % +\d+$/m);
  });

  it('writes metrics.json with top-1/top-5 error, per-class scores and the history', async () => {
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as {
      test: { accuracy: number; top1Error: number; top5Error: number; perClass: unknown[]; confusion: number[][] };
      history: { val_accuracy: number }[];
      bestEpoch: number;
    };
    expect(metrics.test.accuracy + metrics.test.top1Error).toBeCloseTo(1, 12);
    expect(metrics.test.top5Error).toBeLessThanOrEqual(metrics.test.top1Error);
    expect(metrics.test.perClass).toHaveLength(10);
    expect(metrics.test.confusion.flat().reduce((a, b) => a + b)).toBe(400);
    expect(metrics.history).toHaveLength(2);
    const best = Math.max(...metrics.history.map((h) => h.val_accuracy));
    expect(metrics.history[metrics.bestEpoch - 1].val_accuracy).toBe(best);
  });

  it('writes the three plots as PNG files', async () => {
    for (const name of ['confusion_matrix.png', 'misclassified.png', 'curves.png']) {
      const image = decodePng(new Uint8Array(await readFile(join(out, name))), { file: name });
      expect(image.width, name).toBeGreaterThan(500);
      expect(image.height, name).toBeGreaterThan(300);
    }
  });

  it('classifies PNG and JPEG files of any size, grey or colour, with the kept checkpoint', async () => {
    const dir = await tempDir();
    const data = await loadData();
    const grey = join(dir, 'test0.png');
    await writeFile(grey, encodePng(imageAt(data.test, 0)));
    // A colour picture, 90×60, dark object on white: it is inverted, squared and shrunk.
    const colour = join(dir, 'photo.png');
    const pixels = new Uint8Array(3 * 60 * 90).fill(255);
    for (let y = 10; y < 50; y++) for (let x = 30; x < 60; x++) for (let c = 0; c < 3; c++) pixels[(c * 60 + y) * 90 + x] = 40 * c;
    await writeFile(colour, encodePng({ channels: 3, height: 60, width: 90, data: pixels }));

    // A JPEG product photo: a brown sneaker on white, 128×96.
    const jpeg = fileURLToPath(new URL('./test-utils/sneaker.jpg', import.meta.url));

    const recorder = new Recorder();
    const results = await classify({ model: out, images: [grey, colour, jpeg] }, recorder);
    expect(results.map((r) => [r.width, r.height, r.channels, r.inverted])).toEqual([
      [28, 28, 1, false],
      [90, 60, 3, true],
      [128, 96, 3, true],
    ]);
    for (const r of results) {
      expect(r.top).toHaveLength(5);
      const p = r.top.map((t) => t.probability);
      expect([...p].sort((a, b) => b - a)).toEqual(p);
      expect(p.reduce((a, b) => a + b)).toBeLessThanOrEqual(1 + 1e-6);
      expect(new Set(r.top.map((t) => t.label)).size).toBe(5);
    }
    expect(recorder.text).toContain(`${colour} (90×60 colour, light background: inverted)\n  1. `);
  });

  it('evaluate scores the checkpoint as train did and draws the plots again', async () => {
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { test: { accuracy: number; top5Error: number } };
    const again = join(await tempDir(), 'plots');
    const recorder = new Recorder();
    const code = await main(['evaluate', '--model', out, '--limit', '400', '--out', again], { out: recorder, err: recorder });
    expect(code, recorder.text).toBe(0);
    expect(recorder.text).toContain(`  accuracy     ${(100 * metrics.test.accuracy).toFixed(2)} %`);
    expect(recorder.text).toContain(`  top-5 error  ${(100 * metrics.test.top5Error).toFixed(2)} %`);
    for (const name of ['confusion_matrix.png', 'misclassified.png', 'curves.png']) await expect(readFile(join(again, name))).resolves.toBeDefined();
  });
});
