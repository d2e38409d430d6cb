/**
 * The four word classifiers, each reading a padded batch of characters (tokens [B, T] int32,
 * lengths [B]) and returning language logits [B, C]. Small on purpose (embedding 32–64,
 * hidden 64–128): a word is at most 20 characters, and the default run must stay short on
 * the CPU.
 *
 * - lstm, gru: the embedded characters through one recurrent layer; the last valid state
 *   (h_n, which `lengths` keeps clear of the padding) through a linear layer.
 * - cnn: Kim (2014)'s "CNN for sentence classification" on characters, the lecture's CNN
 *   on text: convolutions of widths 2, 3 and 4 over the embedded characters, each
 *   max-pooled over the word's own positions, concatenated, dropout, linear.
 * - transformer: embedded characters plus sinusoidal positions through a 2-layer
 *   Transformer encoder that ignores the padding (srcKeyPaddingMask), mean-pooled over the
 *   word's positions, linear.
 */
import { Conv1d, Dropout, Embedding, GRU, Linear, LSTM, Module, ModuleList, paddingMask, SinusoidalPositionalEncoding, TransformerEncoder, TransformerEncoderLayer } from '@nn/layers';
import { concat, max, relu, sum, where, type Tensor } from '@nn/tensor';

export const ARCHITECTURES = ['lstm', 'gru', 'cnn', 'transformer'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export interface ClassifierConfig {
  arch: Architecture;
  vocabSize: number;
  numClasses: number;
}

export abstract class Classifier extends Module<[Tensor, readonly number[]]> {
  abstract override forward(tokens: Tensor, lengths: readonly number[]): Tensor;
}

/** The padding positions of a batch as bool [B, T, 1] (true where padding), for masked pooling of [B, T, F]. */
function paddingColumn(lengths: readonly number[], T: number): Tensor {
  return paddingMask(lengths, T).reshape([lengths.length, T, 1]);
}

class RecurrentClassifier extends Classifier {
  embedding: Embedding;
  rnn: LSTM | GRU;
  head: Linear;

  constructor(cell: 'lstm' | 'gru', vocabSize: number, numClasses: number) {
    super();
    this.embedding = new Embedding(vocabSize, 32, { paddingIdx: 0 });
    this.rnn = cell === 'lstm' ? new LSTM(32, 128, { batchFirst: true }) : new GRU(32, 128, { batchFirst: true });
    this.head = new Linear(128, numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const [, state] = this.rnn.forward(this.embedding.forward(tokens), null, { lengths });
    const hN = Array.isArray(state) ? state[0] : state; // LSTM: (h_n, c_n)
    return this.head.forward(hN.reshape([tokens.shape[0], 128]));
  }
}

class CharCNN extends Classifier {
  embedding: Embedding;
  convs: ModuleList<Conv1d>;
  dropout: Dropout;
  head: Linear;

  constructor(vocabSize: number, numClasses: number) {
    super();
    this.embedding = new Embedding(vocabSize, 32, { paddingIdx: 0 });
    this.convs = new ModuleList([2, 3, 4].map((width) => new Conv1d(32, 64, width, { padding: 'same' })));
    this.dropout = new Dropout(0.3);
    this.head = new Linear(3 * 64, numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const [B, T] = tokens.shape;
    const x = this.embedding.forward(tokens).transpose(1, 2); // [B, 32, T]: channels first, as Conv1d reads
    const padding = paddingColumn(lengths, T).reshape([B, 1, T]);
    // Max over the word's own positions only: padding gets -inf-like values first.
    const pooled = [...this.convs].map((conv) => max(where(padding, -1e9, relu(conv.forward(x))), 2));
    return this.head.forward(this.dropout.forward(concat(pooled, 1)));
  }
}

class CharTransformer extends Classifier {
  embedding: Embedding;
  positions: SinusoidalPositionalEncoding;
  encoder: TransformerEncoder;
  head: Linear;

  constructor(vocabSize: number, numClasses: number) {
    super();
    this.embedding = new Embedding(vocabSize, 64, { paddingIdx: 0 });
    this.positions = new SinusoidalPositionalEncoding(64, { batchFirst: true, maxLen: 64, dropout: 0.1 });
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(64, 4, { dimFeedforward: 128, dropout: 0.1, batchFirst: true }), 2);
    this.head = new Linear(64, numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const [B, T] = tokens.shape;
    // No √d scaling of the embeddings ("Attention is all you need" scales embeddings that start
    // small): Embedding starts at N(0, 1), already the size of the ±1 sinusoids; scaled by 8 it
    // drowned the positions, and the model learnt half as fast.
    const x = this.positions.forward(this.embedding.forward(tokens));
    const h = this.encoder.forward(x, { srcKeyPaddingMask: paddingMask(lengths, T) });
    const padding = paddingColumn(lengths, T);
    const counts = lengths.map((n) => [Math.max(n, 1)]);
    return this.head.forward(sum(where(padding, 0, h), 1).div(counts).reshape([B, 64]));
  }
}

export function buildClassifier({ arch, vocabSize, numClasses }: ClassifierConfig): Classifier {
  switch (arch) {
    case 'lstm':
    case 'gru':
      return new RecurrentClassifier(arch, vocabSize, numClasses);
    case 'cnn':
      return new CharCNN(vocabSize, numClasses);
    case 'transformer':
      return new CharTransformer(vocabSize, numClasses);
    default:
      throw new Error(`--models: unknown model '${String(arch)}' (expected ${ARCHITECTURES.join(', ')})`);
  }
}

export function parameterCount(model: Module<never[], unknown>): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}
