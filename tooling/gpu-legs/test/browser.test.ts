/**
 * The headless-Chromium leg: builds page/ with Vite from the packages' sources, serves it on
 * localhost, and has Debian's Chromium (driven by playwright-core) run every PyTorch vector
 * case on gpu.js in webgl2, webgl and webgpu (SwiftShader: real GL and WebGPU stacks in
 * software). Skipped unless NN_GPU_LEGS=1; needs tooling/scripts/ci-gpu-deps.sh first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegReport } from '../page/report.js';

const enabled = process.env.NN_GPU_LEGS === '1';
const root = join(import.meta.dirname, '..', 'page');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

describe.skipIf(!enabled)('conformance vectors on gpu.js in headless Chromium', () => {
  let outDir = '';
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let url = '';

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'nn-gpu-legs-'));
    await build({
      root,
      logLevel: 'warn',
      resolve: { conditions: ['@nn/source', 'browser', 'module', 'import', 'default'] },
      build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 10_000 },
    });
    server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    url = server.resolvedUrls?.local[0] ?? '';
    browser = await chromium.launch({ executablePath: process.env.NN_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  for (const mode of ['webgl2', 'webgl', 'webgpu']) {
    it(`runs every vector case in ${mode} and matches PyTorch`, async () => {
      const page = await browser!.newPage();
      const console: string[] = [];
      page.on('console', (message) => console.push(message.text()));
      // 'commit': the page's synchronous kernels may keep the load event waiting.
      await page.goto(`${url}?mode=${mode}`, { waitUntil: 'commit' });
      await page.waitForFunction(() => 'nnResults' in window || '__nnResults' in window, undefined, { timeout: 600_000, polling: 1000 });
      const report = await page.evaluate(() => (window as unknown as { __nnResults: LegReport }).__nnResults);
      await page.close();
      process.stdout.write(`${mode}: ${report.cases - report.failures.length}/${report.cases} cases pass in ${report.seconds.toFixed(1)} s (ran in '${report.ran}')\n`);
      expect(report.error, console.slice(-20).join('\n')).toBeUndefined();
      expect(report.ran).toBe(mode);
      expect(report.failures.map((f) => `${f.name}: ${f.torch}\n  ${f.problems.join('\n  ')}`)).toEqual([]);
    });
  }
});
