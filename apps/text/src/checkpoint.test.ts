import '@nn/backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharVocabulary, padSequences } from '@nn/data';
import { dispose, manualSeed } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFile, saveModelFile } from './checkpoint.js';
import { buildClassifier } from './models.js';

let dir = '';
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('a classifier file', () => {
  it('keeps sizes other than the defaults, so the model loads back and gives the same logits', async () => {
    dir = await mkdtemp(join(tmpdir(), 'text-checkpoint-'));
    const vocab = CharVocabulary.fit(['abc', 'bcd', 'cde']);
    const shape = { widths: [2, 3], hidden: 6, embedding: 5, pooling: 'max+mean' as const };
    manualSeed(2);
    const model = buildClassifier({ arch: 'cnn', vocabSize: vocab.size, numClasses: 3, shape });
    model.eval();
    const path = join(dir, 'cnn.safetensors');
    await saveModelFile(path, model, { arch: 'cnn', vocab, classes: ['en', 'de', 'fr'], shape });
    const loaded = await loadModelFile(path);
    const batch = padSequences([[2, 3, 4], [3, 4]]);
    const a = model.forward(batch.tokens, [3, 2]);
    const b = loaded.model.forward(batch.tokens, [3, 2]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    dispose([batch, a, b]);
  });
});
