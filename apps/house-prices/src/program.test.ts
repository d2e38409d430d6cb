import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { program } from './program.js';

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

describe('bad input is one clear line and a non-zero exit, without a stack trace', () => {
  it('a missing CSV file', async () => {
    const r = await run('train', '--csv', join(dir, 'nope.csv'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`house-prices: cannot read '${join(dir, 'nope.csv')}': no such file\n`);
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
    expect(r.err).toBe(`house-prices: --model ${model}: no model.safetensors there (expected a folder written by 'house-prices train')\n`);
    r = await run('predict', '--model', join(dir, 'missing'), '--csv', csv);
    expect(r.err).toBe(`house-prices: --model ${join(dir, 'missing')}: no such folder\n`);
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
