/**
 * The command line on bad input: each mistake is one line on stderr that names the file and
 * what was wrong, with a non-zero exit code and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '@nn/data';
import { CHECKPOINT_FILE, defaultConfig } from './checkpoint.js';
import { main } from './main.js';
import { modelFolder, Recorder, tempDir } from './test-utils/fixtures.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Recorder();
  const err = new Recorder();
  const code = await main(argv, { out, err });
  return { code, out: out.text, err: err.text };
}

/** Exit code 1 and exactly one line on stderr, matching `pattern`, without a stack trace. */
function expectOneLineError(result: { code: number; err: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.err).toMatch(pattern);
  expect(result.err.trimEnd().split('\n')).toHaveLength(1);
  expect(result.err).not.toMatch(/\n\s+at /);
}

describe('bad input', () => {
  it('a .png file that is not an image', async () => {
    const model = await modelFolder();
    const file = join(await tempDir(), 'cat.png');
    await writeFile(file, 'hello, I am not a picture');
    expectOneLineError(await run('classify', '--model', model, file), new RegExp(`^image-classifier: ${file}: not a PNG or JPEG image: it starts with 68 65 6c 6c 6f 2c 20 49`));
  });

  it('an image file that does not exist', async () => {
    const model = await modelFolder();
    expectOneLineError(await run('classify', '--model', model, '/nowhere/shirt.png'), /^image-classifier: \/nowhere\/shirt.png: no such file\n$/);
  });

  it('a folder given as an image is named, with what was expected', async () => {
    const model = await modelFolder();
    const folder = await tempDir();
    const result = await run('classify', '--model', model, folder);
    expectOneLineError(result, /is a folder/);
    expect(result.err).toBe(`image-classifier: ${folder}: is a folder, expected a PNG or JPEG image\n`);
  });

  it.runIf(existsSync('/proc/self'))('--out on /proc fails at once, naming the path (a recursive mkdir there never returns)', async () => {
    const refused = "/proc/x: /proc is on the proc file system, which shows the kernel's state and holds no files; choose a folder on a disk\n";
    expect((await run('train', '--out', '/proc/x', '--epochs', '1', '--limit', '20')).err).toBe(`image-classifier: ${refused}`);
    expect((await run('evaluate', '--model', await modelFolder(), '--out', '/proc/x', '--limit', '20')).err).toBe(`image-classifier: ${refused}`);
  });

  it('--out naming a file, before the data is read', async () => {
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, '');
    expectOneLineError(await run('train', '--out', file, '--epochs', '1', '--limit', '20', '--data', '/nowhere'), new RegExp(`^image-classifier: ${file}: is a file, expected a folder\n$`));
  });

  it('an IDX file whose header disagrees with its length', async () => {
    const dir = await tempDir();
    const images = encodeIdx({ dtype: 'uint8', shape: [10, 28, 28], data: new Uint8Array(7840) });
    await writeFile(join(dir, 'train-images-idx3-ubyte'), images.subarray(0, 5000));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx({ dtype: 'uint8', shape: [10], data: new Uint8Array(10) }));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), images);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx({ dtype: 'uint8', shape: [10], data: new Uint8Array(10) }));
    const file = join(dir, 'train-images-idx3-ubyte');
    expectOneLineError(
      await run('train', '--data', dir, '--epochs', '1', '--out', join(dir, 'out')),
      new RegExp(`^image-classifier: ${file}: the IDX header says 10 × 28 × 28 uint8 values \\(7840 bytes after the 16-byte header, 7856 in all\\), but the file has 5000 bytes`),
    );
  });

  it('a model folder without its checkpoint', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'lenet5'));
    const folder = join(dir, 'lenet5');
    expectOneLineError(await run('classify', '--model', folder, 'x.png'), new RegExp(`^image-classifier: ${folder}: no checkpoint in this folder \\(model.safetensors is missing\\)`));
  });

  it('a checkpoint for a different architecture', async () => {
    const folder = await modelFolder(defaultConfig('lenet5', undefined), 'resnet18');
    const file = join(folder, CHECKPOINT_FILE);
    expectOneLineError(await run('classify', '--model', folder, 'x.png'), new RegExp(`^image-classifier: ${file}: the checkpoint is for a different architecture than lenet5: `));
    // The same when the user names the wrong architecture for a good checkpoint.
    const lenet = await modelFolder();
    expectOneLineError(await run('classify', '--model', lenet, '--arch', 'mlp', 'x.png'), /the checkpoint is for a different architecture than mlp: 6 of mlp's 6 tensors are missing/);
  });

  it('a damaged checkpoint', async () => {
    const folder = await tempDir();
    await writeFile(join(folder, CHECKPOINT_FILE), Uint8Array.from([1, 2, 3]));
    expectOneLineError(await run('classify', '--model', folder, 'x.png'), new RegExp(`^image-classifier: .*${join(folder, CHECKPOINT_FILE)}`));
  });

  it('an unknown model or a bad number: commander says which option', async () => {
    const unknown = await run('train', '--model', 'lenet7');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/option '--model <name>' argument 'lenet7' is invalid. Allowed choices are lenet5, lenet5-tanh, mlp/);
    const epochs = await run('train', '--epochs', 'ten');
    expect(epochs.code).toBe(1);
    expect(epochs.err).toMatch(/option '--epochs <n>' argument 'ten' is invalid. expected a positive integer/);
    expectOneLineError(await run('summary', '--model', 'lenet5', '--width', '2'), /^image-classifier: --width: lenet5 is the paper's network and has no width option/);
  });

  it('exits non-zero with one line from a real process too', () => {
    const appDir = fileURLToPath(new URL('..', import.meta.url));
    const result = spawnSync(process.execPath, ['--conditions=@nn/source', '--import', 'tsx', 'src/cli.ts', 'classify', '--model', '/no/such/model', 'shirt.png'], {
      cwd: appDir,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("image-classifier: /no/such/model: no such folder; --model takes the folder that 'train --out' wrote\n");
    expect(result.stdout).toBe('');
  });
});

describe('paths in the output', () => {
  it('are relative to the folder the user ran the command in (pnpm runs the app in its own folder)', async () => {
    const user = await tempDir();
    const app = join(user, 'app');
    await mkdir(app);
    const cwd = process.cwd();
    const init = process.env.INIT_CWD;
    process.chdir(app);
    process.env.INIT_CWD = user; // as `pnpm --filter image-classifier …` run from `user`
    try {
      const result = await run('evaluate', '--model', await modelFolder(), '--out', 'plots', '--limit', '20');
      expect(result.code, result.err).toBe(0);
      expect(result.out).toMatch(new RegExp(`^wrote ${join('app', 'plots', 'confusion_matrix.png')}, ${join('app', 'plots', 'misclassified.png')}$`, 'm'));
    } finally {
      process.chdir(cwd);
      if (init === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = init;
    }
  });
});

describe('summary and models', () => {
  it("prints the zoo's summary table at the app's input size", async () => {
    const { code, out } = await run('summary', '--model', 'lenet5');
    expect(code).toBe(0);
    expect(out).toContain('lenet5: input 1×32×32 (padded from 28×28), 10 classes');
    expect(out).toMatch(/61,706/);
  });

  it('lists the models', async () => {
    const { code, out } = await run('models');
    expect(code).toBe(0);
    expect(out).toMatch(/^lenet5 +LeNet-5/m);
    expect(out).toMatch(/^resnet18 +ResNet-18/m);
  });
});
