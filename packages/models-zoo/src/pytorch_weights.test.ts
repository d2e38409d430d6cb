/**
 * A torch-written ResNet-18 checkpoint loads into the zoo's resnet18 as it is, and the model
 * then computes what torch computed. The file (src/test-utils/pt, written by
 * packages/layers/test/fixtures/pt/make_pt_fixtures.py with Debian's torch and torchvision)
 * holds torchvision's exact keys and shapes, each weight a strided view of a small storage,
 * so that it stays small; BatchNorm's num_batches_tracked are int64.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { loadPytorchFile } from '@nn/layers/node';
import { dispose, tidy } from '@nn/tensor';
import { resnet18 } from './resnet.js';

const PT = join(import.meta.dirname, 'test-utils', 'pt');

describe('a torch.save ResNet-18 state dict', () => {
  it('loads into resnet18 and gives torch\'s logits', async () => {
    const expected = JSON.parse(readFileSync(join(PT, 'resnet18_views.json'), 'utf8')) as { keys: string[]; output: number[] };
    const torchvisionKeys = JSON.parse(readFileSync(join(import.meta.dirname, 'test-utils', 'torchvision-keys', 'resnet18.json'), 'utf8')) as { entries: [string, number[]][] };
    expect(expected.keys).toEqual(torchvisionKeys.entries.map(([key]) => key));

    const stateDict = await loadPytorchFile(join(PT, 'resnet18_views.pt'));
    const model = resnet18({ init: false });
    expect(Object.keys(stateDict)).toEqual(Object.keys(model.stateDict()));
    expect(model.loadStateDict(stateDict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(model.bn1.numBatchesTracked!.item()).toBe(105); // 100 + its index in the state dict
    dispose(Object.values(stateDict));

    const io = await loadPytorchFile(join(PT, 'resnet18_io.pt'));
    model.eval();
    const output = tidy(() => model.forward(io.input));
    const logits = output.dataSync();
    output.dispose();
    expect(Array.from(io.output.dataSync())).toEqual(expected.output.map(Math.fround));
    // Float32 sums over thousands of terms in another order: close, not equal.
    const scale = Math.max(...expected.output.map(Math.abs));
    let worst = 0;
    for (let i = 0; i < expected.output.length; i++) worst = Math.max(worst, Math.abs(logits[i] - expected.output[i]));
    expect(worst / scale).toBeLessThan(1e-4);
    dispose(Object.values(io));
    model.parameters().forEach((p) => p.dispose());
    model.buffers().forEach((b) => b.dispose());
  });
});
