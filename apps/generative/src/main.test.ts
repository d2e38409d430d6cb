import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '@nn/data';
import { fromBytes } from '@nn/layers';
import { EMBEDDED_DATA_DIR, readImages } from './data.js';
import { main } from './main.js';

let root: string;

/** Runs the command line; returns the exit code and what it wrote. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

// Tiny runs: a quarter-width net, 256 training and 100 test images, a one-epoch judge shared by all.
const quick = ['--train-images', '256', '--test-images', '100', '--width', '0.25', '--judge-epochs', '1'];

async function metricsOf(dir: string): Promise<{ losses: Record<string, number[]>; quality: { fid: Record<string, number>; classShares: number[] } }> {
  return JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as Awaited<ReturnType<typeof metricsOf>>;
}

async function pngSize(path: string): Promise<[number, number]> {
  const image = decodePng(await readFile(path));
  return [image.width, image.height];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'generative-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Each test trains for a few CPU seconds; the timeouts allow for a machine shared with other jobs.
const SLOW = 240_000;

describe('generative train', () => {
  it('trains a VAE with a 2-D code: the loss falls, and it writes the checkpoint, pictures and metrics', async () => {
    const out = join(root, 'vae');
    const { code, out: text, err } = await run('train', '--model', 'vae', '--epochs', '2', '--seed', '4', '--out', out, ...quick);
    expect(err).not.toMatch(/generative:/);
    expect(code).toBe(0);
    expect(text).toMatch(/no judge at .*: training one \(LeNet-5\) first/);
    const metrics = await metricsOf(out);
    expect(metrics.losses.loss).toHaveLength(2);
    expect(metrics.losses.loss[1]).toBeLessThan(metrics.losses.loss[0]);
    for (const f of ['model.safetensors', 'samples-epoch-01.png', 'samples-epoch-02.png', 'samples-over-epochs.png', 'reconstructions.png', 'interpolation.png', 'latent-codes.png', 'losses.png', 'class-shares.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(await pngSize(join(out, 'samples-epoch-02.png'))).toEqual([8 * 58 + 2, 8 * 58 + 2]);
    expect(await pngSize(join(out, 'latent-map.png'))).toEqual([20 * 29 + 1, 20 * 29 + 1]);
    const fid = metrics.quality.fid;
    expect(fid.realVsReal).toBeGreaterThanOrEqual(0);
    expect(metrics.quality.classShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    // The checkpoint's model keys are the zoo's PyTorch names under 'model.'.
    const keys = Object.keys(fromBytes(await readFile(join(out, 'model.safetensors'))));
    expect(keys).toContain('model.encoder.0.weight');
    expect(keys).toContain('model.logvar.bias');
    expect(keys.some((k) => k.startsWith('optimizer.model.'))).toBe(true);
  }, SLOW);

  it('trains the denoising autoencoder: the loss falls and the reconstructions show the noisy inputs', async () => {
    const out = join(root, 'dae');
    const { code } = await run('train', '--model', 'ae', '--noise', '0.3', '--epochs', '2', '--out', out, ...quick);
    expect(code).toBe(0);
    const metrics = await metricsOf(out);
    expect(metrics.losses.loss[1]).toBeLessThan(metrics.losses.loss[0]);
    const [width, height] = await pngSize(join(out, 'reconstructions.png'));
    expect(width).toBeGreaterThan(20 * 58);
    expect(height).toBeGreaterThan(3 * 58);
  }, SLOW);

  it('trains a DCGAN, and resuming from the checkpoint gives exactly the weights of an uninterrupted run', async () => {
    const straight = join(root, 'gan-straight');
    const resumed = join(root, 'gan-resumed');
    const args = ['--model', 'dcgan', '--train-images', '128', '--test-images', '50', '--width', '0.25', '--latent', '16'];
    expect((await run('train', ...args, '--epochs', '2', '--out', straight, '--judge', join(root, 'judge', 'judge.safetensors'))).code).toBe(0);
    expect((await run('train', ...args, '--epochs', '1', '--out', resumed, '--judge', join(root, 'judge', 'judge.safetensors'))).code).toBe(0);
    const again = await run('train', ...args, '--epochs', '2', '--resume', '--out', resumed, '--judge', join(root, 'judge', 'judge.safetensors'));
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/resuming after 1/);
    const a = fromBytes(await readFile(join(straight, 'model.safetensors')));
    const b = fromBytes(await readFile(join(resumed, 'model.safetensors')));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(Object.keys(a)).toContain('generator.main.0.weight');
    expect(Object.keys(a)).toContain('discriminator.main.3.running_var');
    expect(Object.keys(a).some((k) => k.startsWith('optimizer.generator.') && k.endsWith('.expAvgSq'))).toBe(true);
    expect(Object.keys(a).some((k) => k.startsWith('optimizer.discriminator.'))).toBe(true);
    for (const key of Object.keys(a)) expect([...b[key].dataSync()], key).toEqual([...a[key].dataSync()]);
    const metrics = await metricsOf(resumed);
    expect(Object.keys(metrics.losses).sort()).toEqual(['discriminator', 'generator']);
    expect(metrics.losses.generator).toHaveLength(2);
    expect(existsSync(join(resumed, 'losses.png'))).toBe(true);

    const sampled = await run('sample', '--model', straight, '-n', '16', '--seed', '3', '--out', join(root, 'grid.png'));
    expect(sampled.code).toBe(0);
    expect(await pngSize(join(root, 'grid.png'))).toEqual([4 * 58 + 2, 4 * 58 + 2]);
    // An --out folder that does not exist yet (as the default out/ on a fresh checkout) is made; the GAN is refused.
    const refused = await run('interpolate', 'a.png', 'b.png', '--model', straight, '--out', join(root, 'new-folder', 'interpolation.png'));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^generative: interpolate: .* is a GAN, which has no encoder/);
  }, SLOW);

  it('samples a VAE with a seed (the same seed, the same grid) and interpolates between two PNG files', async () => {
    const model = join(root, 'vae');
    expect((await run('sample', '--model', model, '--seed', '3', '--out', join(root, 's1.png'))).code).toBe(0);
    expect((await run('sample', '--model', model, '--seed', '3', '--out', join(root, 's2.png'))).code).toBe(0);
    expect(await readFile(join(root, 's2.png'))).toEqual(await readFile(join(root, 's1.png')));
    const test = await readImages(EMBEDDED_DATA_DIR, 'test');
    for (const [name, index] of [['a.png', 0], ['b.png', 1]] as const) {
      const data = Uint8Array.from(test.pixels.subarray(index * 784, (index + 1) * 784), (v) => Math.round(v * 255));
      await writeFile(join(root, name), encodePng({ channels: 1, height: 28, width: 28, data }));
    }
    const done = await run('interpolate', join(root, 'a.png'), join(root, 'b.png'), '--model', model, '--steps', '6', '--out', join(root, 'walk.png'));
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/wrote the interpolation to/);
    expect(existsSync(join(root, 'walk.png'))).toBe(true);
  }, SLOW);
});

describe('generative errors', () => {
  it('names the bad option, file or model in one line', async () => {
    const badModel = await run('train', '--model', 'pixelcnn');
    expect(badModel.code).toBe(1);
    expect(badModel.err).toMatch(/option '--model <name>' argument 'pixelcnn' is invalid. Allowed choices are ae, vae, dcgan/);
    expect((await run('train', '--model', 'vae', '--epochs', '0')).err).toMatch(/--epochs <n>' argument '0' is invalid. expected a positive integer/);
    const noCheckpoint = await run('train', '--model', 'dcgan', '--resume', '--out', join(root, 'nothing-here'));
    expect(noCheckpoint.err).toMatch(/^generative: --resume: .*model\.safetensors does not exist \(train without --resume first\)\n$/);
    const wrongKind = await run('train', '--model', 'ae', '--resume', '--out', join(root, 'vae'));
    expect(wrongKind.err).toMatch(/^generative: --resume: .* holds a vae model, not ae\n$/);
    const noData = await run('train', '--model', 'vae', '--data', join(root, 'no-such-folder'), '--out', join(root, 'x'));
    expect(noData.code).toBe(1);
    expect(noData.err).toMatch(/^generative: .*no-such-folder.*\n$/);
    const aeSample = await run('sample', '--model', join(root, 'dae'));
    expect(aeSample.err).toMatch(/^generative: sample: .* is an autoencoder, which has no prior to sample from; use a vae or dcgan model\n$/);
    const noModel = await run('sample', '--model', join(root, 'missing'));
    expect(noModel.code).toBe(1);
    expect(noModel.err).toMatch(/^generative: .*missing.*model\.safetensors/);
    const notConditional = await run('sample', '--model', join(root, 'vae'), '--class', '3');
    expect(notConditional.err).toMatch(/--class needs a conditional dcgan model/);
  }, SLOW);
});
