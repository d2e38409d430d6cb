/**
 * A character-level LSTM language model of one language's words: it reads `<bos> c1 … cn`
 * and predicts `c1 … cn <eos>`, one character at a time (Karpathy's char-rnn, on words).
 * Validation perplexity is exp of the mean negative log-likelihood per predicted character
 * (the end mark included), the usual figure for a character model.
 */
import type { CharVocabulary} from '@nn/data';
import { padSequences } from '@nn/data';
import { crossEntropy, Embedding, Linear, LSTM, Module } from '@nn/layers';
import { softmax, tensor, type Generator, type Tensor } from '@nn/tensor';

export const BOS = '<bos>';
export const EOS = '<eos>';

export class CharLanguageModel extends Module<[Tensor, readonly number[]]> {
  embedding: Embedding;
  lstm: LSTM;
  head: Linear;

  constructor(
    readonly vocabSize: number,
    readonly hiddenSize = 128,
  ) {
    super();
    this.embedding = new Embedding(vocabSize, 32, { paddingIdx: 0 });
    this.lstm = new LSTM(32, hiddenSize, { batchFirst: true });
    this.head = new Linear(hiddenSize, vocabSize);
  }

  /** Next-character logits [B, T, V] for inputs [B, T]. */
  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const [out] = this.lstm.forward(this.embedding.forward(tokens), null, { lengths });
    return this.head.forward(out);
  }

  /** One step from a state: logits [1, V] of the next character after `index`, and the new state. */
  step(index: number, state: [Tensor, Tensor] | null): { logits: Tensor; state: [Tensor, Tensor] } {
    const x = this.embedding.forward(tensor([[index]], [1, 1], 'int32'));
    const [out, next] = this.lstm.forward(x, state);
    return { logits: this.head.forward(out.reshape([1, this.hiddenSize])), state: next };
  }
}

/** Inputs `<bos> word` and targets `word <eos>`, padded (targets padded with the pad index, which the loss ignores). */
export function lmBatch(vocab: CharVocabulary, words: readonly string[]): { inputs: Tensor; targets: Tensor; lengths: number[] } {
  const bos = vocab.indexOf(BOS);
  const eos = vocab.indexOf(EOS);
  const encoded = words.map((w) => Array.from(vocab.encode(w)));
  const inputs = padSequences(encoded.map((ids) => [bos, ...ids]));
  const targets = padSequences(encoded.map((ids) => [...ids, eos]));
  const lengths = encoded.map((ids) => ids.length + 1);
  inputs.lengths.dispose();
  targets.lengths.dispose();
  return { inputs: inputs.tokens, targets: targets.tokens, lengths };
}

/** Mean cross entropy per predicted character of a batch (padding ignored). */
export function lmLoss(model: CharLanguageModel, batch: { inputs: Tensor; targets: Tensor; lengths: number[] }): Tensor {
  const logits = model.forward(batch.inputs, batch.lengths);
  const [B, T, V] = logits.shape;
  return crossEntropy(logits.reshape([B * T, V]), batch.targets.reshape([B * T]), { ignoreIndex: 0 });
}

/**
 * Samples one word: characters drawn from softmax(logits / temperature) until <eos> or
 * `maxLength` characters. Temperature < 1 sharpens towards the likeliest spelling, > 1
 * flattens towards noise. Special tokens other than <eos> are never drawn.
 */
export function sampleWord(model: CharLanguageModel, vocab: CharVocabulary, temperature: number, generator: Generator, maxLength: number): string {
  const eos = vocab.indexOf(EOS);
  let state: [Tensor, Tensor] | null = null;
  const bos = vocab.indexOf(BOS);
  let index = bos;
  const chars: string[] = [];
  while (chars.length < maxLength) {
    const { logits, state: next } = model.step(index, state);
    state?.forEach((t) => t.dispose());
    state = next;
    const probs = softmax(logits.div(temperature)).dataSync();
    logits.dispose();
    // Never pad, unknown or <bos>; <eos> only once there is a letter.
    const weights = Array.from(probs, (p, i) => (i === vocab.padIndex || i === vocab.unkIndex || i === bos || (i === eos && chars.length === 0) ? 0 : p));
    index = draw(weights, generator);
    if (index === eos) break;
    chars.push(vocab.tokenAt(index));
  }
  state?.forEach((t) => t.dispose());
  return chars.join('');
}

/** An index drawn with probability proportional to its weight. */
export function draw(weights: readonly number[], generator: Generator): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = generator.nextFloat() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  // Rounding left u a hair above zero: the last index that could be drawn.
  let last = weights.length - 1;
  while (last > 0 && weights[last] === 0) last--;
  return last;
}
