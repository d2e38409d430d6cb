/**
 * The Playground end to end in Debian's Chromium (driven by playwright-core, as the GPU
 * legs): builds the site with Vite, serves it, and uses it as a reader of the lecture
 * would. Skipped unless NN_GPU_LEGS=1 (CI sets it and installs Chromium); the browser is
 * NN_CHROMIUM or /usr/bin/chromium.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { noGrad } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { featureMatrix } from '../src/features.js';
import { displayOutput, loadModel, type ModelSpec } from '../src/model.js';
import type { BackendInfo } from '../src/protocol.js';

const enabled = process.env.NN_GPU_LEGS === '1';
const root = join(import.meta.dirname, '..');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

interface PageState {
  config: Config;
  epoch: number;
  trainLoss: number;
  testLoss: number;
  backend: BackendInfo | null;
  offered: string[];
  playing: boolean;
  messages: string[];
  points: number;
}

const predict = (page: Page, xs: number[], ys: number[]): Promise<number[]> =>
  page.evaluate(([a, b]) => (window as unknown as { __playground: { predict(x: number[], y: number[]): Promise<number[]> } }).__playground.predict(a, b), [xs, ys]);

const state = (page: Page): Promise<PageState> => page.evaluate(() => (window as unknown as { __playground: { state(): PageState } }).__playground.state());

async function waitFor(page: Page, what: string, ok: (s: PageState) => boolean, timeoutMs = 120_000): Promise<PageState> {
  const end = Date.now() + timeoutMs;
  let last = await state(page);
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify({ ...last, config: undefined })}`);
    await page.waitForTimeout(200);
    last = await state(page);
  }
  return last;
}

describe.skipIf(!enabled)('the Playground in headless Chromium', () => {
  let outDir = '';
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let url = '';

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'nn-playground-'));
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    url = server.resolvedUrls?.local[0] ?? '';
    browser = await chromium.launch({ executablePath: process.env.NN_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** A fresh page at `hash`, collecting console errors and uncaught exceptions. */
  async function open(hash = ''): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.newPage({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}${hash}`);
    await waitFor(page, 'the first frame', (s) => s.backend !== null, 60_000);
    return { page, errors };
  }

  it('learns the spiral with the sin features: the test loss falls below 0.1', async () => {
    const { page, errors } = await open();
    await page.locator('button[data-dataset="spiral"]').click();
    await page.selectOption('#presets', { label: 'Spiral with sin features' });
    const before = await waitFor(page, 'the spiral preset', (s) => s.config.dataset === 'spiral' && s.config.features.includes('sinx1') && s.config.features.includes('sinx2'));
    await page.click('#play');
    const after = await waitFor(page, 'test loss below 0.1', (s) => s.testLoss < 0.1);
    process.stdout.write(`spiral: test loss ${before.testLoss.toFixed(3)} -> ${after.testLoss.toFixed(3)} at epoch ${after.epoch}\n`);
    await page.click('#play');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches to gpujs webgl2 while training, and the loss keeps falling', async () => {
    const { page, errors } = await open('#dataset=circle&features=x1,x2&hidden=4&activations=tanh&lr=0.003&optimizer=adam&batch=30');
    const offered = (await state(page)).offered;
    expect(offered).toContain('webgl2');
    await page.click('#play');
    const onCpu = await waitFor(page, 'two epochs on the CPU', (s) => s.epoch >= 2);
    await page.selectOption('#backend', 'webgl2');
    const switched = await waitFor(page, 'the webgl2 backend', (s) => s.backend?.mode === 'webgl2');
    const later = await waitFor(page, 'five epochs on webgl2', (s) => s.epoch >= switched.epoch + 5);
    await page.click('#play');
    process.stdout.write(`webgl2: test loss ${onCpu.testLoss.toFixed(3)} (cpu, epoch ${onCpu.epoch}), ${switched.testLoss.toFixed(3)} (switched, epoch ${switched.epoch}) -> ${later.testLoss.toFixed(3)} (webgl2, epoch ${later.epoch})\n`);
    expect(switched.epoch).toBeGreaterThanOrEqual(onCpu.epoch); // the epoch count (and the network) carried over
    expect(later.testLoss).toBeLessThan(switched.testLoss);
    expect(switched.testLoss).toBeLessThan(onCpu.testLoss + 0.02);
    expect(await page.locator('#running').textContent()).toContain('webgl2');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reloads the same setup from the URL', async () => {
    const { page } = await open();
    await page.locator('button[data-dataset="xor"]').click();
    await page.locator('button[data-feature="x1x2"]').click();
    await page.locator('[data-action="add-layer"]').click();
    await page.selectOption('#lr', '0.1');
    await page.selectOption('#reg', 'L2');
    const set = await waitFor(page, 'the changes', (s) => s.config.learningRate === 0.1 && s.config.regularization === 'L2' && s.config.hidden.length === 3);
    const link = page.url();
    await page.close();
    const { page: again } = await open(new URL(link).hash);
    const reloaded = await state(again);
    expect(reloaded.config).toEqual(set.config);
    expect(reloaded.config).toMatchObject({ dataset: 'xor', features: ['x1', 'x2', 'x1x2'], hidden: [4, 2, 4] });
    expect(await again.locator('#lr').inputValue()).toBe('0.1');
    expect(await again.locator('.column.layer').count()).toBe(3);
    await again.close();
  });

  it('shows a link weight on hover and sets it on click', async () => {
    const { page, errors } = await open();
    const link = page.locator('line.link[data-layer="1"][data-to="1"][data-from="2"]');
    await page.waitForFunction(() => document.querySelector('line.link[data-layer="1"][data-to="1"][data-from="2"]')?.getAttribute('data-weight') !== null);
    expect(await link.locator('title').textContent()).toMatch(/^weight -?\d+\.\d{3} \(click to edit\)$/);
    await link.click({ force: true });
    await page.fill('.weight-editor', '2.5');
    await page.press('.weight-editor', 'Enter');
    await page.waitForFunction(() => document.querySelector('line.link[data-layer="1"][data-to="1"][data-from="2"]')?.getAttribute('data-weight') === '2.5');
    expect(await link.locator('title').textContent()).toBe('weight 2.500 (click to edit)');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes a good CSV, and reports a bad one row by row without losing anything', async () => {
    const { page, errors } = await open();
    const good = ['x1,x2,label', ...Array.from({ length: 40 }, (_, i) => `${(i % 10) - 5},${Math.floor(i / 10) - 2},${i % 2 === 0 ? 1 : 0}`)].join('\n');
    await page.setInputFiles('#csvFile', { name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    const loaded = await waitFor(page, 'the CSV points', (s) => s.config.dataset === 'csv' && s.points === 40);
    expect(loaded.config.problem).toBe('classification');
    expect(await page.locator('#csvErrors li').count()).toBe(0);
    const bad = '1,2\n3,abc,1\n9,0,1\n';
    await page.setInputFiles('#csvFile', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.waitForSelector('#csvErrors li');
    const listed = await page.locator('#csvErrors li').allTextContents();
    expect(listed.join('\n')).toContain('bad.csv: line 1: expected 3 values (x1, x2, label), got 2');
    expect(listed.join('\n')).toContain("line 2: x2 'abc' is not a number");
    expect(listed.join('\n')).toContain('line 3: point (9, 0) lies outside the plane');
    expect(listed.join('\n')).toContain('the current data is kept');
    const kept = await state(page);
    expect(kept.config.dataset).toBe('csv');
    expect(kept.points).toBe(40);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports safetensors + JSON that @nn/layers loads in Node with the same predictions, and imports them back', async () => {
    const { page, errors } = await open('#dataset=gauss&features=x1,x2,sinx1&hidden=3,2&activations=relu,elu&optimizer=adam&lr=0.03');
    await page.click('#step');
    await waitFor(page, 'one epoch', (s) => s.epoch >= 1);
    const downloads: string[] = [];
    const done = new Promise<void>((resolve) => {
      page.on('download', (d) => {
        const path = join(outDir, d.suggestedFilename());
        void d.saveAs(path).then(() => {
          downloads.push(path);
          if (downloads.length === 2) resolve();
        });
      });
    });
    await page.click('#export');
    await done;
    const spec = JSON.parse(readFileSync(downloads.find((p) => p.endsWith('.json'))!, 'utf8')) as ModelSpec;
    const bytes = new Uint8Array(readFileSync(downloads.find((p) => p.endsWith('.safetensors'))!));
    const xs = [-5, -2.5, 0, 1, 3.3, 5.9];
    const ys = [4, -1, 0, 2.2, -3, 5];
    const inBrowser = await predict(page, xs, ys);
    const model = loadModel(spec, bytes);
    const inNode = noGrad(() => displayOutput(spec.problem, model.net.forward(tensor(featureMatrix(xs, ys, spec.features), [xs.length, spec.features.length]))).dataSync());
    for (const [i, v] of inBrowser.entries()) expect(inNode[i]).toBeCloseTo(v, 5);

    await page.click('#reset');
    const afterReset = await predict(page, xs, ys);
    expect(afterReset).not.toEqual(inBrowser);
    await page.setInputFiles('#importFiles', downloads);
    // The files are read asynchronously before the weights go to the worker: ask until they have arrived.
    let reimported = afterReset;
    for (let tries = 0; tries < 50 && reimported.some((v, i) => Math.abs(v - inBrowser[i]) > 1e-5); tries++) {
      await page.waitForTimeout(100);
      reimported = await predict(page, xs, ys);
    }
    for (const [i, v] of inBrowser.entries()) expect(reimported[i]).toBeCloseTo(v, 5);
    expect(errors).toEqual([]);
    await page.close();
  });
});
