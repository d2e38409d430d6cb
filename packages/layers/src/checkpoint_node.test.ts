import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { load, loadSync, loadWithMetadata, save, saveSync } from './checkpoint_node.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nn-ckpt-'));
}

/**
 * Starts a Node process that does what a save does first, writing 1 MB into its temporary file
 * `.NAME.PID.HEX.tmp` in `dir`, then hangs as if the rest of the write were slow. Resolves
 * once the file is there.
 */
async function startSave(dir: string, name: string): Promise<{ pid: number; temp: string; kill: () => Promise<void> }> {
  const script = `
    const { writeFileSync } = require('node:fs');
    const temp = require('node:path').join(process.argv[1], '.' + process.argv[2] + '.' + process.pid + '.0123456789ab.tmp');
    writeFileSync(temp, new Uint8Array(1 << 20));
    process.stdout.write(temp);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script, dir, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    pid: child.pid!,
    temp: chunk.toString(),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('checkpoint paths in errors', () => {
  it('names a folder or a missing file given as a checkpoint', async () => {
    const dir = tempDir();
    expect(() => loadSync(dir)).toThrow(`${dir}: is a folder, expected a safetensors file`);
    await expect(load(dir)).rejects.toThrow(`${dir}: is a folder, expected a safetensors file`);
    await expect(load(join(dir, 'none.safetensors'))).rejects.toThrow(`${join(dir, 'none.safetensors')}: no such file`);
  });
});

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

  it('deletes the temporary files of saves killed mid-write, and never a live process\'s', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    const killed = await startSave(dir, 'model.safetensors');
    const otherName = await startSave(dir, 'other.safetensors');
    const live = await startSave(dir, 'model.safetensors');
    await killed.kill();
    await otherName.kill();
    const dict = { w: tensor([1, 2, 3]) };
    try {
      await save(dict, path);
      expect(readdirSync(dir).sort()).toEqual([otherName.temp, live.temp].map((p) => p.slice(dir.length + 1)).concat('model.safetensors').sort());
      // The synchronous save cleans up the same way.
      await live.kill();
      saveSync(dict, path);
      expect(readdirSync(dir).sort()).toEqual([otherName.temp.slice(dir.length + 1), 'model.safetensors'].sort());
      expect(loadSync(path).w.toArray()).toEqual([1, 2, 3]);
    } finally {
      await live.kill();
      dispose(dict);
    }
  });

  it.skipIf(process.platform === 'win32')('keeps the permissions of the file it replaces', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    const dict = { w: tensor([1]) };
    await save(dict, path);
    chmodSync(path, 0o640);
    await save(dict, path);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    chmodSync(path, 0o604);
    saveSync(dict, path);
    expect(statSync(path).mode & 0o777).toBe(0o604);
    dispose(dict);
  });

  it('passes reading options on, and names the file', async () => {
    const dir = tempDir();
    const path = join(dir, 'three.safetensors');
    const dict = { a: tensor([1]), b: tensor([2]), c: tensor([3]) };
    saveSync(dict, path);
    await expect(load(path, { maxTensors: 2 })).rejects.toThrow(`safetensors: ${path}: header declares more than 2 tensors`);
    expect(() => loadSync(path, { maxTensors: 2 })).toThrow(/more than 2 tensors/);
    const loaded = await load(path, { maxTensors: 3 });
    expect(Object.keys(loaded).sort()).toEqual(['a', 'b', 'c']);
    dispose([dict, loaded]);
  });

  it('names the file and the problem when loading a broken checkpoint', async () => {
    const dir = tempDir();
    const path = join(dir, 'broken.safetensors');
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    await expect(load(path)).rejects.toThrow(`safetensors: ${path}: truncated: 3 bytes`);
    expect(() => loadSync(path)).toThrow(`safetensors: ${path}: truncated`);
  });
});
