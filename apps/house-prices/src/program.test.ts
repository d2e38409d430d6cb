import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { program, report } from './program.js';
import type { TrainResult } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'house-prices-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stderr: string[];
let stdout: string[];
beforeEach(() => {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs the CLI in-process; commander's own errors throw instead of exiting. */
async function run(...args: string[]): Promise<{ code: number; err: string; out: string }> {
  const cli = program();
  cli.exitOverride();
  for (const c of cli.commands) c.exitOverride();
  let code = 0;
  stderr.length = 0;
  stdout.length = 0;
  try {
    await cli.parseAsync(['node', 'house-prices', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return { code, err: stderr.join(''), out: stdout.join('') };
}

describe('what train prints', () => {
  it('the output folder as the user can open it from where they ran the command (pnpm runs the app in its own folder)', () => {
    const result = { test: { rmse: 1, rmsle: 0.1, mae: 1, r2: 0.5 }, rows: { train: 1, validation: 1, test: 1 }, epochsRun: 1, bestEpoch: 1, trainSeconds: 1 } as TrainResult;
    const init = process.env.INIT_CWD;
    process.env.INIT_CWD = resolve('..', '..'); // `pnpm --filter house-prices demo` run from the repository's root
    try {
      expect(report(result, 'out/house-prices')).toMatch(/; written to apps\/house-prices\/out\/house-prices\/$/);
    } finally {
      if (init === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = init;
    }
  });
});

describe('bad input is one clear line and a non-zero exit, without a stack trace', () => {
  it('a missing CSV file, and a folder given as the CSV', async () => {
    let r = await run('train', '--csv', join(dir, 'nope.csv'), '--out', join(dir, 'o'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`house-prices: --csv ${join(dir, 'nope.csv')}: no such file\n`);
    r = await run('train', '--csv', dir, '--out', join(dir, 'o'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`house-prices: --csv ${dir}: is a folder, expected a CSV file\n`);
  });

  it('a CSV with too few rows for the split says how many it has and needs, and writes nothing', async () => {
    const csv = join(dir, 'two-rows.csv');
    writeFileSync(csv, 'a,b\n1,2\n3,4\n');
    const out = join(dir, 'two-rows-out');
    const r = await run('train', '--csv', csv, '--target', 'b', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`house-prices: --csv ${csv}: too few rows: 2, but --test-fraction 0.2 and --val-fraction 0.15 need at least 8 (one test, one validation and one training row)\n`);
    expect(existsSync(out)).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('--out on /proc fails at once, naming the path (a recursive mkdir there never returns)', async () => {
    const r = await run('train', '--out', '/proc/x', '--progress', 'none');
    expect(r.code).toBe(1);
    expect(r.err).toBe("house-prices: --out /proc/x: /proc is on the proc file system, which shows the kernel's state and holds no files; choose a folder on a disk\n");
  });

  it('--out naming a file, before any training', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await run('train', '--out', file, '--progress', 'none', '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`house-prices: --out ${file}: is a file, expected a folder\n`);
  });

  it('an unknown command is named as one, with the commands there are', async () => {
    const r = await run('fly');
    expect(r.code).toBe(1);
    expect(r.err).toBe("error: unknown command 'fly' (commands: train, predict, help)\n");
    expect((await run('fly', '--epochs', '1')).err).toBe("error: unknown command 'fly' (commands: train, predict, help)\n");
  });

  it('the same from a real process (which also loads every module of the command line)', () => {
    const appDir = fileURLToPath(new URL('..', import.meta.url));
    const result = spawnSync(process.execPath, ['--conditions=@nn/source', '--import', 'tsx', 'src/cli.ts', 'fly'], { cwd: appDir, encoding: 'utf8' });
    expect(result.stderr).toBe("error: unknown command 'fly' (commands: train, predict, help)\n");
    expect(result.status).toBe(1);
  });

  it('a missing target column', async () => {
    const csv = join(dir, 'small.csv');
    writeFileSync(csv, 'a,b\n1,2\n3,4\n');
    const r = await run('train', '--csv', csv, '--target', 'price', '--out', join(dir, 'o'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`house-prices: ${csv}: target column 'price' not found; the columns are: a, b\n`);
  });

  it('a model folder without a checkpoint, and a folder that does not exist', async () => {
    const model = join(dir, 'empty-model');
    mkdirSync(model);
    const csv = join(dir, 'small.csv');
    let r = await run('predict', '--model', model, '--csv', csv);
    expect(r.code).toBe(1);
    const expected = "expected a model folder written by 'house-prices train' (with model.safetensors, model.json and preprocessing.json)";
    expect(r.err).toBe(`house-prices: --model ${model}: no model.safetensors there (${expected})\n`);
    r = await run('predict', '--model', join(dir, 'missing'), '--csv', csv);
    expect(r.err).toBe(`house-prices: --model ${join(dir, 'missing')}: no such folder (${expected})\n`);
    r = await run('predict', '--model', csv, '--csv', csv);
    expect(r.err).toBe(`house-prices: --model ${csv}: is a file, expected ${expected.slice('expected '.length)}\n`);
  });

  it('bad option values name the option', async () => {
    let r = await run('train', '--lr', 'fast');
    expect(r.code).toBe(1);
    expect(r.err).toBe("error: option '--lr <rate>' argument 'fast' is invalid. not a number.\n");
    r = await run('train', '--activation', 'swish');
    expect(r.err).toMatch(/argument 'swish' is invalid\. Allowed choices are sigmoid, tanh, relu, leaky-relu, elu\./);
    r = await run('train', '--hidden', '64,0');
    expect(r.err).toMatch(/expected positive integers separated by commas/);
    r = await run('train', '--test-fraction', '1.5', '--progress', 'none');
    expect(r.err).toBe('house-prices: --test-fraction must be between 0 and 1, got 1.5\n');
    r = await run('predict', '--csv', 'x.csv');
    expect(r.err).toMatch(/required option '--model <dir>' not specified/);
  });
});
