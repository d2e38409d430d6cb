import '@nn/backend-cpu';
import { padSequences } from '@nn/data';
import { dispose, manualSeed, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, buildClassifier, DEFAULT_SHAPES, hashedNgrams, hideCharacters, parameterCount, positionNgrams, type Architecture, type Shape } from './models.js';

describe('the classifiers', () => {
  const cases: [string, Architecture, Partial<Shape>][] = [
    ...ARCHITECTURES.map((arch): [string, Architecture, Partial<Shape>] => [arch, arch, arch === 'fasttext' ? { hidden: 4096 } : { buckets: 4096 }]),
    ['cnn with max and mean pooling', 'cnn', { pooling: 'max+mean' }],
    ['cnn over hashed n-grams', 'cnn', { ngrams: 3, buckets: 512, pooling: 'max+mean' }],
    // The recurrent models and the Transformer read hashed n-grams by default; on single characters too.
    ['lstm on single characters', 'lstm', { ngrams: 1 }],
    ['gru on single characters', 'gru', { ngrams: 1 }],
    ['transformer on single characters', 'transformer', { ngrams: 1 }],
    ['unidirectional gru over hashed n-grams', 'gru', { ngrams: 3, buckets: 512, bidirectional: false }],
    ['transformer pooling by max and mean', 'transformer', { ngrams: 3, buckets: 512, pooling: 'max+mean' }],
    ['lstm pooling its outputs by max and mean', 'lstm', { ngrams: 3, buckets: 512, pooling: 'max+mean' }],
    ['unidirectional gru pooling its outputs by max', 'gru', { ngrams: 3, buckets: 512, pooling: 'max', bidirectional: false }],
    ['lstm with a bag of its n-grams beside', 'lstm', { ngrams: 3, buckets: 512, bag: true }],
    ['gru pooling by max with a bag beside', 'gru', { ngrams: 3, buckets: 512, pooling: 'max', bag: true }],
    ['transformer with a bag of its n-grams beside', 'transformer', { ngrams: 3, buckets: 512, bag: true }],
  ];
  it.each(cases)('%s: logits [B, C], and padding never changes a word’s logits', (_name, arch, shape) => {
    manualSeed(3);
    // fastText's table of 2^18 rows is slow to build; its hashing is the same at any size.
    const model = buildClassifier({ arch, vocabSize: 12, numClasses: 4, shape });
    model.eval();
    expect(parameterCount(model)).toBeGreaterThan(1000);
    const alone = padSequences([[5, 6, 7]]);
    const batched = padSequences([[5, 6, 7], [2, 3, 4, 5, 6, 7, 8, 9]]);
    const a = model.forward(alone.tokens, [3]);
    const b = model.forward(batched.tokens, [3, 8]);
    expect(b.shape).toEqual([2, 4]);
    const rowA = Array.from(a.dataSync());
    const rowB = Array.from(b.dataSync()).slice(0, 4);
    rowA.forEach((v, k) => expect(rowB[k]).toBeCloseTo(v, 4));
    dispose([alone, batched, a, b]);
  });

  it("the LSTM's forgetBias sets the forget gate's slice of both biases (to half of it each), and nothing else", () => {
    const hidden = 8;
    const build = (forgetBias?: number) => {
      manualSeed(5);
      const shape: Partial<Shape> = { hidden, buckets: 64, ...(forgetBias === undefined ? {} : { forgetBias }) };
      return buildClassifier({ arch: 'lstm', vocabSize: 12, numClasses: 4, shape }).stateDict();
    };
    const [plain, biased] = [build(), build(1)];
    for (const key of ['rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0_reverse', 'rnn.bias_hh_l0_reverse']) {
      const [before, after] = [plain[key].dataSync(), biased[key].dataSync()];
      for (let i = 0; i < 4 * hidden; i++) expect(after[i]).toBe(i >= hidden && i < 2 * hidden ? 0.5 : before[i]);
    }
    for (const key of Object.keys(plain).filter((k) => !k.includes('bias_'))) expect(Array.from(biased[key].dataSync())).toEqual(Array.from(plain[key].dataSync()));
  });

  it("a bag beside the sequence: the mean of the word's embedded positions reaches the output layer directly", () => {
    for (const arch of ['lstm', 'transformer'] as const) {
      manualSeed(7);
      const plain = buildClassifier({ arch, vocabSize: 12, numClasses: 4, shape: { buckets: 256 } });
      manualSeed(7);
      const bagged = buildClassifier({ arch, vocabSize: 12, numClasses: 4, shape: { buckets: 256, bag: true } });
      const E = DEFAULT_SHAPES[arch].embedding;
      // E more inputs to each of the 4 outputs.
      expect(parameterCount(bagged) - parameterCount(plain)).toBe(4 * E);
      bagged.eval();
      const state = bagged.stateDict();
      const headIn = state['head.weight'].shape[1];
      // Every weight of the head zero but the bag's, and no bias: the logits are the bag times those weights.
      const weight = new Float32Array(4 * headIn);
      for (let c = 0; c < 4; c++) for (let e = 0; e < E; e++) weight[c * headIn + headIn - E + e] = c === e ? 1 : 0;
      state['head.weight'] = tensor(weight, [4, headIn]);
      state['head.bias'] = tensor(new Float32Array(4), [4]);
      bagged.loadStateDict(state);
      const words = padSequences([[5, 6, 7], [2, 3, 4, 5, 6, 7, 8, 9]]);
      const logits = bagged.forward(words.tokens, [3, 8]).dataSync();
      // The bag by hand: each position of ^word$ sums its hashed 1- to 5-gram rows, then the mean over the positions.
      const ids = positionNgrams(words.tokens, [3, 8], DEFAULT_SHAPES[arch].ngrams, 256);
      const table = (bagged.stateDict() as Record<string, { dataSync(): Float32Array }>)['embedding.weight'].dataSync();
      const [B, P, G] = ids.shape;
      const idData = ids.dataSync();
      for (let b = 0; b < B; b++) {
        const positions = [3, 8][b] + 2;
        for (let c = 0; c < 4; c++) {
          let total = 0;
          for (let p = 0; p < positions; p++) for (let g = 0; g < G; g++) total += table[idData[(b * P + p) * G + g] * E + c];
          expect(logits[b * 4 + c]).toBeCloseTo(total / positions, 5);
        }
      }
      dispose([words, ids]);
    }
  });

  it('the recurrent models read the word both ways by default; a shape overrides the sizes', () => {
    expect(DEFAULT_SHAPES.gru.bidirectional).toBe(true);
    const both = buildClassifier({ arch: 'gru', vocabSize: 12, numClasses: 4, shape: { ngrams: 1 } });
    const one = buildClassifier({ arch: 'gru', vocabSize: 12, numClasses: 4, shape: { bidirectional: false, ngrams: 1 } });
    const { embedding, hidden } = DEFAULT_SHAPES.gru;
    const gru = (directions: number): number => directions * 3 * hidden * (embedding + hidden + 2);
    const rest = (directions: number): number => 12 * embedding + (directions * hidden + 1) * 4;
    expect(parameterCount(both)).toBe(gru(2) + rest(2));
    expect(parameterCount(one)).toBe(gru(1) + rest(1));
    // By default the recurrent models and the Transformer embed hashed n-grams, as the CNN: a table of `buckets` rows.
    for (const arch of ['lstm', 'gru', 'transformer'] as const) expect(DEFAULT_SHAPES[arch].ngrams).toBe(5);
    const hashed = buildClassifier({ arch: 'gru', vocabSize: 12, numClasses: 4, shape: { buckets: 256 } });
    expect(parameterCount(hashed)).toBe(256 * embedding + gru(2) + (2 * hidden + 1) * 4);
    // Pooling the outputs by max and mean: two features per output into the head.
    expect(DEFAULT_SHAPES.gru.pooling).toBe('last');
    const pooled = buildClassifier({ arch: 'gru', vocabSize: 12, numClasses: 4, shape: { buckets: 256, pooling: 'max+mean' } });
    expect(parameterCount(pooled)).toBe(256 * embedding + gru(2) + (4 * hidden + 1) * 4);
    expect(() => buildClassifier({ arch: 'cnn', vocabSize: 12, numClasses: 4, shape: { pooling: 'last' } })).toThrow(/pooling 'last'/);
    expect(() => buildClassifier({ arch: 'transformer', vocabSize: 12, numClasses: 4, shape: { pooling: 'max', ngrams: 1 } })).toThrow(/pooling 'max'/);
    expect(() => buildClassifier({ arch: 'lstm', vocabSize: 12, numClasses: 4, shape: { pooling: 'mean', ngrams: 1 } })).toThrow(/lstm: pooling 'mean'/);
    // The Transformer with max and mean pooling: twice the features into the head.
    const tf = (pooling: 'mean' | 'max+mean'): number => parameterCount(buildClassifier({ arch: 'transformer', vocabSize: 12, numClasses: 4, shape: { ngrams: 1, pooling } }));
    expect(tf('max+mean') - tf('mean')).toBe(4 * DEFAULT_SHAPES.transformer.embedding);
    // The Transformer's n-gram sums go through a LayerNorm (2 × 64 more weights) before the sinusoids.
    const d = DEFAULT_SHAPES.transformer.embedding;
    const chars = parameterCount(buildClassifier({ arch: 'transformer', vocabSize: 12, numClasses: 4, shape: { ngrams: 1 } }));
    expect(parameterCount(buildClassifier({ arch: 'transformer', vocabSize: 12, numClasses: 4, shape: { buckets: 256 } }))).toBe(chars - 12 * d + 256 * d + 2 * d);
    // The character CNN (ngrams 1: one vector per letter).
    const cnn = buildClassifier({ arch: 'cnn', vocabSize: 12, numClasses: 4, shape: { widths: [3], hidden: 8, embedding: 4, pooling: 'max', ngrams: 1 } });
    expect(parameterCount(cnn)).toBe(12 * 4 + (4 * 3 * 8 + 8) + (8 + 1) * 4);
    // Max and mean pooling: two features per filter into the head.
    const maxMean = buildClassifier({ arch: 'cnn', vocabSize: 12, numClasses: 4, shape: { widths: [3], hidden: 8, embedding: 4, pooling: 'max+mean', ngrams: 1 } });
    expect(parameterCount(maxMean)).toBe(12 * 4 + (4 * 3 * 8 + 8) + (2 * 8 + 1) * 4);
    // The default CNN embeds hashed n-grams: a table of `buckets` rows, whatever the vocabulary.
    const ngrams = buildClassifier({ arch: 'cnn', vocabSize: 12, numClasses: 4, shape: { widths: [3], hidden: 8, embedding: 4, buckets: 256 } });
    expect(DEFAULT_SHAPES.cnn.ngrams).toBe(5);
    expect(parameterCount(ngrams)).toBe(256 * 4 + (4 * 3 * 8 + 8) + (2 * 8 + 1) * 4);
  });

  it.each(['lstm', 'gru', 'cnn', 'transformer'] as const)('%s over hashed n-grams reads every position of ^word$, the end mark included', (arch) => {
    manualSeed(6);
    const buckets = 512;
    const model = buildClassifier({ arch, vocabSize: 12, numClasses: 4, shape: { ngrams: 3, buckets, dropout: 0 } });
    model.eval();
    const batch = padSequences([[5, 6, 7]]);
    const before = Array.from(model.forward(batch.tokens, [3]).dataSync());
    // The 1-gram of $ (position 4 of ^ 5 6 7 $) gets another vector: the logits must move.
    const ids = positionNgrams(batch.tokens, [3], 3, buckets).toArray() as number[][][];
    const end = ids[0][4][0];
    const weight = Float32Array.from(model.stateDict()['embedding.weight'].dataSync());
    const E = weight.length / buckets;
    for (let k = 0; k < E; k++) weight[end * E + k] += k % 2 === 0 ? 3 : -3;
    model.loadStateDict({ 'embedding.weight': tensor(weight, [buckets, E]) }, { strict: false });
    const after = Array.from(model.forward(batch.tokens, [3]).dataSync());
    expect(Math.max(...after.map((v, k) => Math.abs(v - before[k])))).toBeGreaterThan(1e-3);
    batch.tokens.dispose();
  });

  it('the CNN with max and mean pooling reads the mean of its filters over the word only', () => {
    manualSeed(4);
    // One filter of width 1 and no bias on an embedding of width 1: its mean is the mean of relu(w·e) over the letters.
    const model = buildClassifier({ arch: 'cnn', vocabSize: 6, numClasses: 2, shape: { widths: [1], hidden: 1, embedding: 1, pooling: 'max+mean', dropout: 0, ngrams: 1 } });
    model.eval();
    const e = [0, 0, 1, -2, 3, 0.5];
    model.loadStateDict({
      'embedding.weight': tensor(Float32Array.from(e), [6, 1]),
      'convs.0.weight': tensor(Float32Array.from([1]), [1, 1, 1]),
      'convs.0.bias': tensor(Float32Array.from([0]), [1]),
      'head.weight': tensor(Float32Array.from([1, 0, 0, 1]), [2, 2]),
      'head.bias': tensor(Float32Array.from([0, 0]), [2]),
    });
    const batch = padSequences([[2, 3, 4], [5, 2, 3, 4, 5]]);
    const [max1, mean1, max2, mean2] = Array.from(model.forward(batch.tokens, [3, 5]).dataSync());
    expect([max1, mean1]).toEqual([3, expect.closeTo((1 + 0 + 3) / 3, 5)]);
    expect([max2, mean2]).toEqual([3, expect.closeTo((0.5 + 1 + 0 + 3 + 0.5) / 5, 5)]);
    dispose([batch]);
  });

  it('hideCharacters reads letters as unknown (1) at its rate, never the padding (0), the same by seed', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => (i % 10 === 9 ? 0 : 2 + (i % 7)));
    const tokens = tensor(Int32Array.from(ids), [200, 10], 'int32');
    manualSeed(5);
    const hidden = Array.from(hideCharacters(tokens, 0.25).dataSync());
    hidden.forEach((h, i) => expect(h === ids[i] || (h === 1 && ids[i] > 1)).toBe(true));
    expect(hidden.filter((h, i) => ids[i] === 0).every((h) => h === 0)).toBe(true);
    const rate = hidden.filter((h) => h === 1).length / 1800;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.3);
    manualSeed(5);
    expect(Array.from(hideCharacters(tokens, 0.25).dataSync())).toEqual(hidden);
    dispose([tokens]);
  });

  it("hashedNgrams: each word's 1- to n-grams with its ends marked, in buckets 1.., the same padded or not", () => {
    const batch = padSequences([[5, 6, 7], [2, 3, 4, 5, 6, 7, 8, 9]]);
    const { ids, counts } = hashedNgrams(batch.tokens, [3, 8], 3, 50);
    // A word of L letters: L unigrams, then L + 2 − n + 1 n-grams of ^word$ for n = 2, 3.
    expect(counts).toEqual([3 + 4 + 3, 8 + 9 + 8]);
    const rows = ids.toArray() as number[][];
    expect(rows[1].every((id) => id >= 1 && id < 50)).toBe(true);
    expect(rows[0].slice(counts[0]).every((id) => id === 0)).toBe(true);
    const alone = hashedNgrams(padSequences([[5, 6, 7]]).tokens, [3], 3, 50);
    expect((alone.ids.toArray() as number[][])[0]).toEqual(rows[0].slice(0, counts[0]));
    dispose([batch, ids, alone.ids]);
  });

  it('positionNgrams: at each position of ^word$ the 1- to n-grams ending there; 0 before ^ and on the padding', () => {
    const batch = padSequences([[5, 6], [7, 5, 6, 8]]);
    const ids = positionNgrams(batch.tokens, [2, 4], 3, 1000).toArray() as number[][][];
    // [B, T + 2, n]: the longer word has 6 positions (^ 7 5 6 8 $), the shorter 4 and 2 of padding.
    expect(ids.map((word) => word.length)).toEqual([6, 6]);
    // Before ^ there is nothing: ^ has only its 1-gram, the first letter its 1- and 2-grams.
    expect(ids[0][0].map((id) => id > 0)).toEqual([true, false, false]);
    expect(ids[0][1].map((id) => id > 0)).toEqual([true, true, false]);
    expect(ids[0][4]).toEqual([0, 0, 0]);
    expect(ids[0][5]).toEqual([0, 0, 0]);
    // The same n-gram hashes alike wherever it is: "5" and "56" in both words; "^56" is not "756".
    expect(ids[1][3].slice(0, 2)).toEqual(ids[0][2].slice(0, 2));
    expect(ids[1][2][0]).toEqual(ids[0][1][0]);
    expect(ids[1][3][2]).not.toEqual(ids[0][2][2]);
    // Every id is a bucket 1..buckets − 1, or 0 for none.
    expect(ids.flat(2).every((id) => id >= 0 && id < 1000)).toBe(true);
    batch.tokens.dispose();
  });
});
