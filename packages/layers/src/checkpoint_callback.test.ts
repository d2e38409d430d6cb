import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { manualSeed, randn } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { EarlyStopping } from './callbacks.js';
import { ModelCheckpoint } from './checkpoint_callback.js';
import { loadWithMetadata } from './checkpoint_node.js';
import { fit, type Batch } from './fit.js';
import { Linear } from './layers/linear.js';
import { mseLoss } from './losses/functional.js';
import { SGD } from './optim/sgd.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function data(): Batch[] {
  manualSeed(11);
  const x = randn([32, 3]);
  const y = x.sum(1, { keepDim: true });
  return [{ x, y }];
}

describe('ModelCheckpoint', () => {
  it('keeps the best epoch on disk, the same weights EarlyStopping restores', async () => {
    const batches = data();
    const model = new Linear(3, 1);
    const path = join(dir, 'nested', 'best.safetensors');
    const checkpoint = new ModelCheckpoint(path, { metadata: { run: 'test' } });
    const stopper = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    // lr 0.9 on this problem: the loss falls, then oscillates as the steps overshoot.
    const history = await fit(model, batches, { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.9 }), epochs: 30, valLoader: batches, callbacks: [checkpoint, stopper] });
    const losses = history.epochs.map((e) => e.val_loss);
    const best = losses.indexOf(Math.min(...losses));
    expect(best).toBeLessThan(losses.length - 1); // so the restore had something to do
    expect(checkpoint.savedEpoch).toBe(best);
    expect(checkpoint.best).toBe(losses[best]);
    const { stateDict, metadata } = await loadWithMetadata(path);
    expect(metadata).toEqual({ run: 'test', epoch: String(best + 1), val_loss: String(losses[best]) });
    expect(Array.from(stateDict.weight.dataSync())).toEqual(Array.from(model.weight.dataSync()));
    expect(Array.from(stateDict.bias.dataSync())).toEqual(Array.from(model.bias!.dataSync()));
    expect(readdirSync(join(dir, 'nested'))).toEqual(['best.safetensors']); // no temporary files left
  });

  it('writes every epoch to a numbered file without saveBestOnly', async () => {
    const batches = data();
    const model = new Linear(3, 1);
    const checkpoint = new ModelCheckpoint(join(dir, 'every', 'epoch-{epoch}.safetensors'), { monitor: 'loss', saveBestOnly: false });
    await fit(model, batches, { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 3, callbacks: [checkpoint] });
    expect(readdirSync(join(dir, 'every')).sort()).toEqual(['epoch-1.safetensors', 'epoch-2.safetensors', 'epoch-3.safetensors']);
    expect(checkpoint.savedPath).toBe(join(dir, 'every', 'epoch-3.safetensors'));
  });

  it('names a missing monitored value before writing anything', async () => {
    const batches = data();
    const model = new Linear(3, 1);
    const path = join(dir, 'never.safetensors');
    await expect(fit(model, batches, { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 1, callbacks: [new ModelCheckpoint(path)] })).rejects.toThrow(
      "ModelCheckpoint: monitor 'val_loss' is not in the logs",
    );
    expect(existsSync(path)).toBe(false);
    expect(() => new ModelCheckpoint('')).toThrow('ModelCheckpoint: path must be a file name, got ');
  });
});
