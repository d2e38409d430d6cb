import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { loadPytorchFile, loadPytorchFileSync, loadPytorchFileWithMetadata } from './node.js';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'pt');

describe('loadPytorchFile', () => {
  it('reads a .pt file, async or not, with its metadata', async () => {
    const path = join(FIXTURES, 'lenet.pt');
    const dict = await loadPytorchFile(path);
    const sync = loadPytorchFileSync(path);
    expect(Object.keys(sync)).toEqual(Object.keys(dict));
    expect(sync['0.weight'].dataSync()).toEqual(dict['0.weight'].dataSync());
    const { stateDict, metadata } = await loadPytorchFileWithMetadata(path);
    expect(metadata?.['1']).toEqual({ version: 2 });
    dispose([...Object.values(dict), ...Object.values(sync), ...Object.values(stateDict)]);
  });

  it('names the file in every error: missing, a folder, or refused content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-pt-'));
    await expect(loadPytorchFile(join(dir, 'missing.pt'))).rejects.toThrow(`pytorch: ${join(dir, 'missing.pt')}: no such file`);
    expect(() => loadPytorchFileSync(dir)).toThrow(`pytorch: ${dir}: is a folder, expected a PyTorch checkpoint (.pt, .pth)`);
    const hostile = join(FIXTURES, 'hostile_os_system.pt');
    await expect(loadPytorchFile(hostile)).rejects.toThrow(`pytorch: ${hostile}: data.pkl at byte 18: global posix.system is refused`);
  });
});
