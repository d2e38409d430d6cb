import '@nn/backend-cpu';
import { CharVocabulary } from '@nn/data';
import { tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { encodeExamples } from './batches.js';
import { scoreClassifier } from './evaluate.js';
import { Classifier } from './models.js';

/** Predicts class (length − 1) mod 3: what it says of each word is known without a model. */
class ByLength extends Classifier {
  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    return tensor(
      lengths.map((n) => [0, 1, 2].map((c) => (c === (n - 1) % 3 ? 1 : 0))),
      [tokens.shape[0], 3],
    );
  }
}

describe('scoreClassifier', () => {
  it("gives the predictions in the data set's order, though the batches group words by length", () => {
    const words = ['abcd', 'a', 'abc', 'ab', 'abcde', 'a', 'abcdef', 'ab'];
    const vocab = CharVocabulary.fit(words);
    const labels = [0, 0, 2, 1, 1, 1, 2, 0];
    const scores = scoreClassifier(new ByLength(), encodeExamples(vocab, words.map((word, i) => ({ word, label: labels[i] }))), 3);
    expect(scores.predictions).toEqual(words.map((w) => (w.length - 1) % 3));
    // Right on all but words 5 and 7.
    expect(scores.accuracy).toBeCloseTo(6 / 8, 12);
    expect(scores.confusion[0]).toEqual([2, 1, 0]);
  });
});
