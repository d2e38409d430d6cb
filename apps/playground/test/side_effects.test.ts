/**
 * The packages' `sideEffects` lists survive a production build: Vite (rollup) drops a module
 * that a package marks side-effect free when nothing is imported from it, and @nn/autograd
 * installs `Tensor.prototype.backward` by being imported. Each fixture is built with Vite's
 * build() (no plugin), from the sources ('@nn/source', as the playground builds) and from
 * the packages' dist/, then run with node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'nn-side-effects-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function buildAndRun(entry: string, conditions: string[]): Promise<string> {
  const outDir = join(out, `${entry}-${conditions[0]}`);
  await build({
    configFile: false,
    logLevel: 'silent',
    root: here,
    resolve: { conditions },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      lib: { entry: join(here, 'side_effects', `${entry}.ts`), formats: ['es'], fileName: () => 'bundle.mjs' },
    },
  });
  return execFileSync(process.execPath, [join(outDir, 'bundle.mjs')], { encoding: 'utf8' }).trim();
}

describe.each([
  ['sources', ['@nn/source', 'module', 'import', 'default']],
  ['dist', ['module', 'import', 'default']],
])('a Vite production build from the %s keeps the side-effect modules', (_, conditions) => {
  it('@nn/autograd imported for its side effect: backward() works', async () => {
    expect(await buildAndRun('autograd_entry', conditions)).toBe('[4,6]');
  });

  it('@nn/autograd reached through @nn/layers: backward() works', async () => {
    expect(await buildAndRun('layers_entry', conditions)).toBe('[1]');
  });
});
