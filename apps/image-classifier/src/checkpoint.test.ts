import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { CHECKPOINT_FILE, checkpointPath, defaultConfig, fromMetadata, loadModel, toMetadata } from './checkpoint.js';
import { modelFolder, tempDir } from './test-utils/fixtures.js';

describe('checkpoint metadata', () => {
  it('round-trips the model config', () => {
    const config = { ...defaultConfig('mlp', 0.5, 'mnist'), normalization: { mean: 0.13, std: 0.31 } };
    expect(fromMetadata(toMetadata(config), 'x')).toEqual(config);
  });

  it('names the file and the entry that is wrong', () => {
    const metadata = toMetadata(defaultConfig('lenet5', undefined));
    expect(() => fromMetadata({ ...metadata, std: '-1' }, 'm.safetensors')).toThrow("m.safetensors: the metadata entry 'std' must be positive, got -1");
    expect(() => fromMetadata({ ...metadata, classes: 'Shirt' }, 'm.safetensors')).toThrow("m.safetensors: the metadata entry 'classes' must be a JSON list of class names");
    expect(() => fromMetadata({ ...metadata, model: 'lenet6' }, 'm.safetensors')).toThrow(/^m.safetensors: the metadata entry 'model' must name one of the app's models \(lenet5, .*\), got "lenet6"$/);
  });
});

describe('loading a model folder', () => {
  it('builds the model the metadata names and loads its weights', async () => {
    const dir = await modelFolder(defaultConfig('mlp', 0.25));
    const { model, config, file } = await loadModel(dir);
    expect(config.model).toBe('mlp');
    expect(file).toBe(join(dir, CHECKPOINT_FILE));
    expect(model.stateDict()['net.0.weight'].shape).toEqual([128, 784]);
  });

  it('says so when the folder does not exist or has no checkpoint', async () => {
    const dir = await tempDir();
    await expect(checkpointPath(join(dir, 'nope'))).rejects.toThrow(`${join(dir, 'nope')}: no such folder`);
    await expect(checkpointPath(dir)).rejects.toThrow(`${dir}: no checkpoint in this folder (model.safetensors is missing); train one with: image-classifier train --out ${dir}`);
  });

  it('refuses a checkpoint of a different architecture, naming the file and the differences', async () => {
    // The metadata says LeNet-5, the tensors are an MLP's.
    const dir = await modelFolder(defaultConfig('lenet5', undefined), 'mlp');
    const file = join(dir, CHECKPOINT_FILE);
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(`^${file}: the checkpoint is for a different architecture than lenet5: 10 of lenet5's 10 tensors are missing \\(conv1.weight, conv1.bias, conv2.weight and 7 more\\); 6 tensors are not lenet5's`),
    );
  });

  it('names the tensors whose shapes differ (same architecture, other width)', async () => {
    const dir = await modelFolder(defaultConfig('mlp', 1));
    await expect(loadModel(dir, { arch: 'mlp', width: 0.5 })).rejects.toThrow(/the checkpoint is for a different architecture than mlp: net.0.weight is \[512, 784\] in the file but \[256, 784\] in mlp/);
  });

  it('asks for --arch when a checkpoint does not say what it holds, and uses it', async () => {
    const dir = await modelFolder(defaultConfig('lenet5', undefined), 'lenet5', false);
    await expect(loadModel(dir)).rejects.toThrow(/does not say which model it holds .*; name the architecture with --arch/);
    const { config } = await loadModel(dir, { arch: 'lenet5' });
    expect(config.classes).toHaveLength(10);
  });

  it('reports a damaged checkpoint file by name', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, CHECKPOINT_FILE), 'not a checkpoint');
    await expect(loadModel(dir)).rejects.toThrow(join(dir, CHECKPOINT_FILE));
  });
});
