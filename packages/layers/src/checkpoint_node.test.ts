import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { load, loadSync, loadWithMetadata, save, saveSync } from './checkpoint_node.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nn-ckpt-'));
}

describe('checkpoint files', () => {
  it('saves and loads a state dict with metadata (async and sync)', async () => {
    const dir = tempDir();
    const dict = { 'fc.weight': tensor([[1, 2], [3, 4]]), 'bn.num_batches_tracked': tensor(3, [], 'int32') };
    await save(dict, join(dir, 'a.safetensors'), { metadata: { epoch: '3' } });
    const { stateDict, metadata } = await loadWithMetadata(join(dir, 'a.safetensors'));
    expect(metadata).toEqual({ epoch: '3' });
    expect(stateDict['fc.weight'].toArray()).toEqual([[1, 2], [3, 4]]);
    expect(stateDict['bn.num_batches_tracked'].item()).toBe(3);
    saveSync(dict, join(dir, 'b.safetensors'));
    const again = loadSync(join(dir, 'b.safetensors'));
    expect(again['fc.weight'].toArray()).toEqual([[1, 2], [3, 4]]);
    expect(readdirSync(dir).sort()).toEqual(['a.safetensors', 'b.safetensors']);
    dispose([dict, stateDict, again]);
  });

  it('keeps the previous checkpoint intact and leaves no temporary file when a save fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    const good = { w: tensor([1, 2, 3]) };
    await save(good, path);
    const before = readFileSync(path);
    const dead = tensor([9]);
    dead.dispose();
    await expect(save({ w: dead }, path)).rejects.toThrow(/disposed/);
    expect(() => saveSync({ w: dead }, path)).toThrow(/disposed/);
    expect(readFileSync(path)).toEqual(before);
    // A failure after the temporary file was written (the rename target is a directory).
    const blocked = join(dir, 'blocked.safetensors');
    mkdirSync(blocked);
    await expect(save(good, blocked)).rejects.toThrow();
    expect(() => saveSync(good, blocked)).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['blocked.safetensors', 'model.safetensors']);
    expect((await load(path)).w.toArray()).toEqual([1, 2, 3]);
    dispose(good);
  });

  it('names the file and the problem when loading a broken checkpoint', async () => {
    const dir = tempDir();
    const path = join(dir, 'broken.safetensors');
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    await expect(load(path)).rejects.toThrow(`safetensors: ${path}: truncated: 3 bytes`);
    expect(() => loadSync(path)).toThrow(`safetensors: ${path}: truncated`);
  });
});
