import '@nn/backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharVocabulary, padSequences } from '@nn/data';
import { loadWithMetadata, save } from '@nn/layers/node';
import { dispose, manualSeed } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIFIER_FORMAT, loadModelFile, saveModelFile } from './checkpoint.js';
import { buildClassifier, DEFAULT_SHAPES } from './models.js';

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

  it('writes every size, and loads a file that holds only the overrides with the n-gram table it has (the LSTM of 2^16 buckets)', async () => {
    dir ||= await mkdtemp(join(tmpdir(), 'text-checkpoint-'));
    const vocab = CharVocabulary.fit(['abc', 'bcd', 'cde']);
    manualSeed(4);
    // An LSTM with a small table; its file written as before (no buckets in the metadata).
    const model = buildClassifier({ arch: 'lstm', vocabSize: vocab.size, numClasses: 3, shape: { buckets: 512, hidden: 8 } });
    model.eval();
    const older = join(dir, 'older-lstm.safetensors');
    await save(model.stateDict(), older, { metadata: { format: CLASSIFIER_FORMAT, arch: 'lstm', vocab: vocab.serialize(), classes: 'en,de,fr', shape: JSON.stringify({ hidden: 8 }) } });
    const loaded = await loadModelFile(older);
    const batch = padSequences([[2, 3, 4], [3, 4]]);
    const a = model.forward(batch.tokens, [3, 2]);
    const b = loaded.model.forward(batch.tokens, [3, 2]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // Written now, the metadata holds every size, the defaults included.
    const newer = join(dir, 'lstm.safetensors');
    await saveModelFile(newer, model, { arch: 'lstm', vocab, classes: ['en', 'de', 'fr'], shape: { buckets: 512, hidden: 8 } });
    const { metadata, stateDict } = await loadWithMetadata(newer);
    expect(JSON.parse(metadata.shape)).toEqual({ ...DEFAULT_SHAPES.lstm, buckets: 512, hidden: 8 });
    dispose([batch, a, b, ...Object.values(stateDict)]);
  });
});
