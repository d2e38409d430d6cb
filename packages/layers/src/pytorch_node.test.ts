import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, randn } from '@nn/tensor';
import { BatchNorm2d, Conv2d, Flatten, Linear, loadPytorch, MaxPool2d, ReLU, Sequential, type AnyModule } from './index.js';
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
    // A file larger than maxBytes allows is refused before it is read (a sparse file: no disk used).
    const large = join(dir, 'large.pt');
    writeFileSync(large, '');
    truncateSync(large, 2 ** 26 + 1001);
    expect(() => loadPytorchFileSync(large, { maxBytes: 1000 })).toThrow(
      `pytorch: ${large}: the file has ${2 ** 26 + 1001} bytes, more than its entries may hold (maxBytes 1000; the maxBytes option raises the limit)`,
    );
  });
});

describe('README example', () => {
  it('loads lenet.pt into the Sequential, from a path and from bytes', async () => {
    const net = new Sequential(
      new Conv2d(1, 4, 5, { padding: 2 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
      new Conv2d(4, 8, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
      new Linear(200, 32), new ReLU(), new Linear(32, 10),
    );
    net.loadStateDict(await loadPytorchFile('test/fixtures/pt/lenet.pt')); // every key, every shape
    net.eval();
    expect(net.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);

    async function loadUpload(file: File, model: AnyModule): Promise<void> {
      model.loadStateDict(loadPytorch(new Uint8Array(await file.arrayBuffer()), { source: file.name, maxBytes: 50 << 20 }));
    }
    const upload = new File([readFileSync('test/fixtures/pt/hostile_module.pt')], 'upload.pt');
    await expect(loadUpload(upload, net)).rejects.toThrow(/^pytorch: upload\.pt: data\.pkl at byte \d+: global torch\.nn\.modules\.linear\.Linear is refused/);
  });
});
