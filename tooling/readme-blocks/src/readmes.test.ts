/**
 * Runs every ```ts block of the packages' READMEs and of the root README as its own program
 * against the built packages (dist/, as a user gets them: `@nn/*` resolve through this
 * package's node_modules), in an empty working folder, so the docs cannot drift from the
 * code. A block that cannot run here says why in its info string (```ts no-run: reason).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { extractBlocks, programs } from './extract.js';

const root = resolve(import.meta.dirname, '../../..');
const here = resolve(import.meta.dirname, '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const run = promisify(execFile);
// The zoo's full-size VGG-16 and YOLO step takes about 30 s alone; CI runs other packages' tests beside it.
const BLOCK_TIMEOUT_MS = 300_000;
// Inside this package's node_modules: `@nn/*` resolve from there, and no linter or cache looks in.
const blocksDir = join(here, 'node_modules/.readme-blocks');
rmSync(blocksDir, { recursive: true, force: true });

const readmes = [join(root, 'README.md'), ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'README.md'))];
const perFile = readmes.map((file) => ({
  file: relative(root, file),
  blocks: extractBlocks(readFileSync(file, 'utf8')).filter((b) => b.lang === 'ts' || b.lang === 'typescript'),
}));
const blocks = perFile.flatMap(({ file, blocks }) => blocks.map((b) => ({ ...b, where: `${file}:${b.line}` })));
const runs = perFile.flatMap(({ file, blocks }) => programs(blocks).map((p) => ({ ...p, where: `${file}:${p.lines.join('+')}` })));

describe('README ts blocks', () => {
  it('are found in every package README, and each one that does not run says why', () => {
    expect(blocks.length).toBeGreaterThan(15);
    for (const b of blocks.filter((x) => x.noRun !== null)) expect(b.noRun, `${b.where}: no-run needs a reason`).toMatch(/\w{3,}/);
  });

  describe.concurrent('run as written', () => {
    for (const block of runs) {
      it(block.where, async () => {
        mkdirSync(blocksDir, { recursive: true });
        const file = join(blocksDir, `${block.where.replace(/[/:.+]/g, '_')}.mts`);
        writeFileSync(file, block.code);
        const cwd = block.inRepo ? root : mkdtempSync(join(tmpdir(), 'nn-readme-block-'));
        try {
          await run(process.execPath, [tsx, file], { cwd, timeout: BLOCK_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } });
        } catch (error) {
          const { stderr = '', stdout = '', killed = false } = error as { stderr?: string; stdout?: string; killed?: boolean };
          if (killed) throw new Error(`${block.where} did not finish in ${BLOCK_TIMEOUT_MS / 1000} s`);
          throw new Error(`${block.where} failed:\n${stderr || stdout || String(error)}`.slice(0, 4000));
        } finally {
          if (!block.inRepo) rmSync(cwd, { recursive: true, force: true });
        }
      });
    }
  });
});
