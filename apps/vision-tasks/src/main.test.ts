import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { save } from '@nn/layers/node';
import '@nn/backend-cpu';
import { setBackend, tensor } from '@nn/tensor';
import { main } from './main.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vision-tasks-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function capture(): { io: { out: { write(s: string): void }; err: { write(s: string): void } }; text: () => string; errors: () => string } {
  let out = '';
  let err = '';
  return { io: { out: { write: (s) => void (out += s) }, err: { write: (s) => void (err += s) } }, text: () => out, errors: () => err };
}

interface Metrics {
  task: string;
  lossPerEpoch: number[];
  test: { pixelAccuracy: number; meanIou: number; meanBoxIou: number; classAccuracy: number; classAccuracyFirstStage?: number; map50: number; map50FirstStage?: number; clothesIou?: number; iouPerClass?: unknown[]; perClass: unknown[]; garments?: number; garmentsMatched?: number; meanIouTrueNames?: number };
  config: { centres?: boolean; classifier?: { members?: number } };
  stage2?: { lossPerEpoch: number[]; crops: number; members: number; memberLossPerEpoch?: number[][]; cpuSeconds: number };
  trainCpuSeconds: number;
  stage1CpuSeconds: number;
}
const readMetrics = async (dir: string): Promise<Metrics> => JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as Metrics;

const isPng = (bytes: Uint8Array): boolean => bytes[0] === 0x89 && bytes[1] === 0x50;

describe('quick runs of each task (small data, few steps, a loose bar)', () => {
  it('segment (binary): trains, beats chance, writes the checkpoint, metrics.json and pictures; evaluate reads it back', async () => {
    const dir = await tempDir();
    const c = capture();
    const args = ['train', '--task', 'segment', '--out', dir, '--train-scenes', '48', '--test-scenes', '16', '--epochs', '3', '--width', '4', '--batch-size', '8', '--mode', 'binary'];
    expect(await main(args, c.io)).toBe(0);
    const metrics = await readMetrics(dir);
    expect(metrics.task).toBe('segment');
    expect(metrics.lossPerEpoch[2]).toBeLessThan(metrics.lossPerEpoch[0]);
    expect(metrics.test.pixelAccuracy).toBeGreaterThan(0.5);
    for (const f of ['model.safetensors', 'predictions.png', 'loss.png']) expect((await readFile(join(dir, f))).length).toBeGreaterThan(100);
    expect(isPng(await readFile(join(dir, 'predictions.png')))).toBe(true);
    const again = capture();
    expect(await main(['evaluate', dir, '--test-scenes', '16'], again.io)).toBe(0);
    expect(again.text()).toContain(`mean IoU ${metrics.test.meanIou.toFixed(3)}`);
  }, 120_000);

  it('segment (two stages, the default): the U-Net finds clothes, the crop classifier names each patch; evaluate reads both back', async () => {
    const dir = await tempDir();
    const c = capture();
    // The default width: at width 4 and a few dozen steps, the U-Net with its centre heatmap still calls every pixel background.
    const args = ['train', '--task', 'segment', '--out', dir, '--train-scenes', '64', '--test-scenes', '16', '--epochs', '3', '--batch-size', '8', '--crops', '256', '--item-epochs', '2', '--classifier-epochs', '2', '--classifier-width', '0.5'];
    expect(await main(args, c.io)).toBe(0);
    expect(c.text()).toContain('segment (multiclass, unet, width 8 + cropnet)');
    expect(c.text()).toContain('second stage: cropnet (width 0.5) on 256 objects per epoch: clean items × 2, then masked crops of scenes × 2');
    expect(c.text()).toContain('items epoch 2/2');
    // The default second stage: two classifiers from different seeds, each trained in a child process beside the U-Net.
    expect(c.text()).toContain('an ensemble of 2, each in a process of its own, beside the first stage');
    const metrics = await readMetrics(dir);
    expect(metrics.config.classifier?.members).toBe(2);
    expect(metrics.stage2?.memberLossPerEpoch).toHaveLength(2);
    expect(metrics.stage2?.memberLossPerEpoch?.[1]).not.toEqual(metrics.stage2?.memberLossPerEpoch?.[0]);
    // Items, then crops: each phase's loss falls.
    expect(metrics.stage2?.lossPerEpoch).toHaveLength(4);
    expect(metrics.stage2?.lossPerEpoch[1]).toBeLessThan(metrics.stage2!.lossPerEpoch[0]);
    // 0.95 in a run here; a mask of all clothes would score 0.2, of all background 0.
    expect(metrics.lossPerEpoch[2]).toBeLessThan(metrics.lossPerEpoch[0]);
    expect(metrics.test.clothesIou).toBeGreaterThan(0.5);
    expect(metrics.test.iouPerClass).toHaveLength(11);
    // The U-Net's centre heatmap splits touching garments; the garments found are scored against
    // the true ones (0.95 of them matched, mean IoU named by the truth 0.85, in a run here).
    expect(metrics.config.centres).toBe(true);
    expect(metrics.test.garments).toBeGreaterThanOrEqual(16);
    expect(metrics.test.garmentsMatched).toBeGreaterThan(0.5);
    expect(metrics.test.garmentsMatched).toBeLessThanOrEqual(1);
    expect(metrics.test.meanIouTrueNames).toBeGreaterThan(metrics.test.meanIou);
    const again = capture();
    expect(await main(['evaluate', dir, '--test-scenes', '16'], again.io)).toBe(0);
    expect(again.text()).toContain(`mean IoU ${metrics.test.meanIou.toFixed(3)}`);
  }, 120_000);

  it("localize (on a ResNet-34 backbone): trains and scores boxes and classes, and the first stage's classes beside", async () => {
    const dir = await tempDir();
    const c = capture();
    const args = ['train', '--task', 'localize', '--out', dir, '--train-scenes', '64', '--test-scenes', '16', '--epochs', '2', '--width', '0.125', '--backbone', 'resnet34', '--crops', '128', '--classifier-epochs', '1', '--classifier-width', '0.5', '--classifiers', '1'];
    expect(await main(args, c.io)).toBe(0);
    const metrics = await readMetrics(dir);
    // One classifier, in one child process; its CPU time counts in the run's.
    expect(metrics.config.classifier?.members).toBeUndefined();
    expect(metrics.stage2?.members).toBe(1);
    expect(metrics.stage2?.cpuSeconds).toBeGreaterThan(0);
    expect(metrics.trainCpuSeconds).toBeGreaterThan(metrics.stage1CpuSeconds + metrics.stage2!.cpuSeconds - 0.5);
    const again = capture();
    expect(await main(['evaluate', dir, '--test-scenes', '16'], again.io)).toBe(0);
    expect(again.text()).toContain(`class accuracy ${metrics.test.classAccuracy.toFixed(3)}`);
    expect(metrics.lossPerEpoch[1]).toBeLessThan(metrics.lossPerEpoch[0]);
    expect(metrics.test.meanBoxIou).toBeGreaterThan(0.05);
    expect(metrics.test.classAccuracy).toBeGreaterThanOrEqual(0);
    expect(metrics.test.classAccuracyFirstStage).toBeGreaterThanOrEqual(0);
    expect(c.text()).toContain('localize (multiclass, resnet34, width 0.125 + cropnet)');
  }, 60_000);

  it('localize --classifier none: one stage, as before', async () => {
    const dir = await tempDir();
    const c = capture();
    expect(await main(['train', '--task', 'localize', '--out', dir, '--train-scenes', '32', '--test-scenes', '8', '--epochs', '1', '--width', '0.125', '--classifier', 'none'], c.io)).toBe(0);
    const metrics = await readMetrics(dir);
    expect(metrics.stage2).toBeUndefined();
    expect(metrics.test.classAccuracyFirstStage).toBeUndefined();
    const again = capture();
    expect(await main(['evaluate', dir, '--test-scenes', '8'], again.io)).toBe(0);
  }, 60_000);

  it('detect --detector yolo: trains the YOLO grid, writes mAP and the precision–recall picture; predict reads a PNG', async () => {
    const dir = await tempDir();
    const c = capture();
    expect(await main(['train', '--task', 'detect', '--detector', 'yolo', '--out', dir, '--train-scenes', '64', '--test-scenes', '16', '--epochs', '2', '--width', '0.125'], c.io)).toBe(0);
    const metrics = await readMetrics(dir);
    expect(metrics.lossPerEpoch[1]).toBeLessThan(metrics.lossPerEpoch[0]);
    expect(metrics.test.map50).toBeGreaterThanOrEqual(0);
    expect(metrics.test.perClass).toHaveLength(10);
    expect(isPng(await readFile(join(dir, 'precision_recall.png')))).toBe(true);
    const p = capture();
    expect(await main(['predict', dir, join(dir, 'predictions.png'), '--out', join(dir, 'p')], p.io)).toBe(0);
    expect(p.text()).toMatch(/predictions\.png: /);
  }, 60_000);

  it('detect (centre heatmaps + crop classifier, the default): trains, and evaluate rebuilds both stages from the checkpoint', async () => {
    const dir = await tempDir();
    const c = capture();
    expect(await main(['train', '--task', 'detect', '--out', dir, '--train-scenes', '64', '--test-scenes', '16', '--epochs', '2', '--width', '0.125', '--crops', '128', '--classifier-epochs', '1', '--classifier-width', '0.5'], c.io)).toBe(0);
    expect(c.text()).toContain('detect (multiclass, centernet on resnet18, width 0.125 + cropnet)');
    const metrics = await readMetrics(dir);
    expect(metrics.lossPerEpoch[1]).toBeLessThan(metrics.lossPerEpoch[0]);
    expect(metrics.test.map50FirstStage).toBeGreaterThanOrEqual(0);
    const again = capture();
    expect(await main(['evaluate', dir, '--test-scenes', '16'], again.io)).toBe(0);
    expect(again.text()).toContain(`mAP@0.5 ${metrics.test.map50.toFixed(3)}`);
  }, 60_000);
});

describe('errors are one line', () => {
  it("names a checkpoint's bad ensemble size", async () => {
    await setBackend('cpu');
    const dir = await tempDir();
    const metadata = { format: 'nn-vision-tasks/1', task: 'segment', mode: 'multiclass', width: '8', backbone: 'unet', classifier: 'cropnet', classifierWidth: '1', classifierInput: 'masked', classifierMembers: 'two' };
    await save({ w: tensor([1], [1]) }, join(dir, 'model.safetensors'), { metadata });
    const c = capture();
    expect(await main(['evaluate', dir, '--test-scenes', '1'], c.io)).toBe(1);
    expect(c.errors()).toMatch(/^vision-tasks: .*model\.safetensors: the metadata entry 'classifierMembers' must be an integer from 2 to 8, got "two"\n$/);
  });

  it('names a checkpoint that is missing, and a mode a task does not have', async () => {
    const dir = await tempDir();
    const c = capture();
    expect(await main(['evaluate', join(dir, 'none')], c.io)).toBe(1);
    expect(c.errors().trim().split('\n')).toHaveLength(1);
    expect(c.errors()).toMatch(/^vision-tasks: .*none.*model\.safetensors/);
    const m = capture();
    expect(await main(['train', '--task', 'detect', '--mode', 'binary', '--out', dir], m.io)).toBe(1);
    expect(m.errors()).toBe('vision-tasks: --mode binary: only --task segment has a binary mode\n');
    const b = capture();
    expect(await main(['train', '--task', 'segment', '--mode', 'binary', '--classifier', 'cropnet', '--out', dir], b.io)).toBe(1);
    expect(b.errors()).toBe('vision-tasks: --classifier cropnet: --mode binary has no classes to name\n');
    const e = capture();
    expect(await main(['train', '--task', 'localize', '--item-epochs', '0', '--classifier-epochs', '0', '--out', dir], e.io)).toBe(1);
    expect(e.errors()).toBe('vision-tasks: --item-epochs 0 and --classifier-epochs 0: the crop classifier needs at least one epoch\n');
    const n = capture();
    expect(await main(['train', '--task', 'localize', '--classifiers', '9', '--out', dir], n.io)).toBe(1);
    expect(n.errors()).toMatch(/^error: option '--classifiers <n>' argument '9' is invalid\. expected an integer from 1 to 8\n/);
  });
});
