/**
 * The word classifiers, each reading a padded batch of characters (tokens [B, T] int32,
 * lengths [B]) and returning language logits [B, C]. Their sizes (`Shape`) have defaults per
 * architecture, chosen on the validation words to fit the default run's time on the CPU.
 *
 * The LSTM, the GRU, the CNN and the Transformer read, by default, the positions of `^word$`,
 * each embedded as the sum of the hashed vectors of its character 1- to 5-grams ending there
 * (`positionNgrams`; `Shape.ngrams` 1 gives them single characters instead).
 *
 * - lstm, gru: the embedded positions through a bidirectional recurrent layer; the last
 *   valid state of each direction (h_n, which `lengths` keeps clear of the padding),
 *   concatenated, dropout, a linear layer.
 * - cnn: Kim (2014)'s "CNN for sentence classification" on characters, the lecture's CNN
 *   on text: convolutions of several widths over the embedded positions, each pooled
 *   over the word's own positions, concatenated, dropout, linear.
 * - fasttext: Joulin et al. (2016)'s fastText classifier, as its language identifier does
 *   it: every character 1- to 5-gram of `^word$` hashed into a large embedding table, the
 *   word the mean of its n-grams' vectors, a linear layer. The features of naive Bayes,
 *   weighed by gradient descent instead of counted.
 * - transformer: the embedded positions (layer-normed) plus sinusoidal positions through a
 *   pre-norm Transformer encoder that ignores the padding (srcKeyPaddingMask), mean-pooled
 *   over the word's positions, linear.
 */
import { Conv1d, Dropout, Embedding, GRU, LayerNorm, Linear, LSTM, Module, ModuleList, paddingMask, SinusoidalPositionalEncoding, TransformerEncoder, TransformerEncoderLayer } from '@nn/layers';
import { concat, getGenerator, max, relu, select, sum, tensor, where, type Tensor } from '@nn/tensor';

export const ARCHITECTURES = ['lstm', 'gru', 'cnn', 'transformer', 'fasttext'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * What `classify` trains without `--models`: the whole table (`--models all`) costs about half
 * an hour of one core, so the default is the best of the models, which fits ten minutes.
 */
export const DEFAULT_MODELS: readonly Architecture[] = ['cnn'];

/** A classifier's sizes; what each field means depends on the architecture (see DEFAULT_SHAPES). */
export interface Shape {
  /** Embedding width (the Transformer's model width). */
  embedding: number;
  /** Recurrent hidden size per direction; CNN filters per width; Transformer feed-forward width. */
  hidden: number;
  /** Recurrent: both directions; otherwise unused. */
  bidirectional: boolean;
  /** Transformer layers; otherwise unused. */
  layers: number;
  /** CNN kernel widths; otherwise unused. */
  widths: number[];
  /** Dropout before the output layer (and inside the Transformer). */
  dropout: number;
  /** In training, the chance that each letter is read as unknown (see `Classifier.hideCharacters`). */
  charDropout: number;
  /**
   * CNN: each filter pooled by its max over the word (Kim), or by its max and its mean.
   * LSTM, GRU: 'last' reads both directions' last states (h_n); 'max' and 'max+mean' pool the
   * outputs of every position over the word instead. Transformer: 'mean' over the word's
   * positions, or 'max+mean'. fastText: unused (the mean of its n-grams).
   */
  pooling: Pooling;
  /**
   * LSTM, GRU, CNN, Transformer: what each position embeds. 1: its character. n > 1: the sum of
   * the hashed vectors of the 1- to n-grams ending there, over `^word$` (see `positionNgrams`),
   * so each position carries the stems and endings naive Bayes counts, and the recurrence, the
   * convolutions or the attention weigh them in context. fastText: unused (see its `hidden`).
   */
  ngrams: number;
  /** With ngrams > 1: the hash buckets of the n-gram table. */
  buckets: number;
  /**
   * LSTM: the forget gate's bias at the start (its two bias vectors' sum), so that the cell
   * keeps its memory early in training (Jozefowicz et al., 2015); absent: PyTorch's init, uniform
   * around 0 like every other bias.
   */
  forgetBias?: number;
  /**
   * LSTM, GRU, Transformer: beside what the sequence model reads, the mean of the word's
   * embedded positions (with n-grams, a bag of its hashed n-grams as fastText's) goes to the
   * output layer too, so the recurrence or the attention adds the context to a bag's evidence
   * instead of having to carry all of it to the last state; absent or false: no bag.
   */
  bag?: boolean;
}

export const POOLINGS = ['last', 'max', 'mean', 'max+mean'] as const;
export type Pooling = (typeof POOLINGS)[number];

export const DEFAULT_SHAPES: Record<Architecture, Shape> = {
  // The recurrent models and the Transformer read the CNN's hashed 1- to 5-grams at each position too.
  // The LSTM's n-grams in 2^19 buckets: 89.6 % on the validation words against 89.3 % in 2^18 and 88.3 % in 2^16 (README).
  lstm: { embedding: 32, hidden: 128, bidirectional: true, layers: 1, widths: [], dropout: 0.3, charDropout: 0.15, pooling: 'last', ngrams: 5, buckets: 1 << 19 },
  gru: { embedding: 32, hidden: 128, bidirectional: true, layers: 1, widths: [], dropout: 0.3, charDropout: 0.15, pooling: 'last', ngrams: 5, buckets: 1 << 16 },
  // Each position embeds its character 1- to 5-grams (hashed into 2^16 buckets), so short widths suffice.
  cnn: { embedding: 32, hidden: 128, bidirectional: false, layers: 1, widths: [2, 3, 4], dropout: 0.5, charDropout: 0.15, pooling: 'max+mean', ngrams: 5, buckets: 1 << 16 },
  // 2^18 buckets too: 89.2 % on the validation words against 88.8 % in 2^16 (README).
  transformer: { embedding: 64, hidden: 128, bidirectional: false, layers: 2, widths: [], dropout: 0.1, charDropout: 0.15, pooling: 'mean', ngrams: 5, buckets: 1 << 18 },
  // hidden: the hash buckets; layers: the longest n-gram.
  fasttext: { embedding: 32, hidden: 1 << 18, bidirectional: false, layers: 5, widths: [], dropout: 0, charDropout: 0.15, pooling: 'max', ngrams: 1, buckets: 0 },
};

export interface ClassifierConfig {
  arch: Architecture;
  vocabSize: number;
  numClasses: number;
  /** Overrides of the architecture's default sizes. */
  shape?: Partial<Shape>;
}

export abstract class Classifier extends Module<[Tensor, readonly number[]]> {
  charDropout = 0;

  abstract override forward(tokens: Tensor, lengths: readonly number[]): Tensor;

  /** The tokens the model reads: in training, with letters hidden at the rate `charDropout`. */
  protected hideCharacters(tokens: Tensor): Tensor {
    return this.training && this.charDropout > 0 ? hideCharacters(tokens, this.charDropout) : tokens;
  }

  /**
   * The positions the model reads, embedded, [B, P, E], with each word's number of them: with
   * `ngrams` 1 its letters (P = T); otherwise the positions of `^word$` (P = T + 2, two more per
   * word), each the sum of its hashed 1- to n-grams' vectors from `table` (see `inputTable`).
   */
  protected embedPositions(table: Embedding, tokens: Tensor, lengths: readonly number[], shape: Shape): { x: Tensor; lengths: number[] } {
    const seen = this.hideCharacters(tokens);
    if (shape.ngrams <= 1) return { x: table.forward(seen), lengths: [...lengths] };
    const x = sum(table.forward(positionNgrams(seen, lengths, shape.ngrams, shape.buckets)), 2);
    return { x, lengths: lengths.map((n) => n + 2) };
  }
}

/** What `embedPositions` reads from: an Embedding of the characters, or with n-grams a hashed n-gram table. */
function inputTable(vocabSize: number, shape: Shape): Embedding {
  return shape.ngrams > 1 ? ngramTable(shape.buckets, shape.embedding) : new Embedding(vocabSize, shape.embedding, { paddingIdx: 0 });
}

/**
 * Each letter (not the padding) becomes the unknown token with chance p, drawn from the global
 * generator (so seeded): a model trained so cannot lean on one telling letter or n-gram and has
 * to gather the evidence of the whole word, as naive Bayes's sum over all n-grams does.
 */
export function hideCharacters(tokens: Tensor, p: number): Tensor {
  const ids = Int32Array.from(tokens.dataSync());
  const generator = getGenerator();
  for (let i = 0; i < ids.length; i++) if (ids[i] > UNKNOWN && generator.nextFloat() < p) ids[i] = UNKNOWN;
  return tensor(ids, tokens.shape, 'int32');
}

/** CharVocabulary's indices: padding 0, unknown 1, letters from 2. */
const UNKNOWN = 1;

/** The padding positions of a batch as bool [B, T, 1] (true where padding), for masked pooling of [B, T, F]. */
function paddingColumn(lengths: readonly number[], T: number): Tensor {
  return paddingMask(lengths, T).reshape([lengths.length, T, 1]);
}

/** The largest value along `axis` over each word's own positions: padding gets -inf-like values first. */
function maskedMax(h: Tensor, padding: Tensor, axis: number): Tensor {
  return max(where(padding, -1e9, h), axis);
}

/** The mean along `axis` over each word's own positions (`lengths` of them, at least one). */
function maskedMean(h: Tensor, padding: Tensor, lengths: readonly number[], axis: number): Tensor {
  return sum(where(padding, 0, h), axis).div(lengths.map((n) => [Math.max(n, 1)]));
}

/** The mean of each word's embedded positions [B, P, E] over its own `lengths` of them: [B, E] (`Shape.bag`). */
function bagOf(x: Tensor, lengths: readonly number[]): Tensor {
  return maskedMean(x, paddingColumn(lengths, x.shape[1]), lengths, 1);
}

/** Sets the forget gate's slice (PyTorch's gate order: input, forget, cell, output) of each LSTM bias to half of `value`. */
function setForgetBias(lstm: LSTM, hidden: number, value: number): void {
  const state = lstm.stateDict();
  for (const [key, bias] of Object.entries(state)) {
    if (!key.startsWith('bias_')) continue;
    const values = Float32Array.from(bias.dataSync());
    values.fill(value / 2, hidden, 2 * hidden);
    state[key] = tensor(values, bias.shape);
  }
  lstm.loadStateDict(state);
}

class RecurrentClassifier extends Classifier {
  embedding: Embedding;
  rnn: LSTM | GRU;
  dropout: Dropout;
  head: Linear;
  private readonly features: number;
  private readonly shape: Shape;

  constructor(cell: 'lstm' | 'gru', vocabSize: number, numClasses: number, shape: Shape) {
    super();
    if (shape.pooling === 'mean') throw new Error(`${cell}: pooling 'mean' (expected 'last', 'max' or 'max+mean')`);
    this.shape = shape;
    this.embedding = inputTable(vocabSize, shape);
    const options = { batchFirst: true, bidirectional: shape.bidirectional };
    this.rnn = cell === 'lstm' ? new LSTM(shape.embedding, shape.hidden, options) : new GRU(shape.embedding, shape.hidden, options);
    if (this.rnn instanceof LSTM && shape.forgetBias !== undefined) setForgetBias(this.rnn, shape.hidden, shape.forgetBias);
    this.features = shape.hidden * (shape.bidirectional ? 2 : 1);
    this.dropout = new Dropout(shape.dropout);
    this.head = new Linear((shape.pooling === 'max+mean' ? 2 : 1) * this.features + (shape.bag === true ? shape.embedding : 0), numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const input = this.embedPositions(this.embedding, tokens, lengths, this.shape);
    const [output, state] = this.rnn.forward(input.x, null, { lengths: input.lengths });
    let features: Tensor;
    if (this.shape.pooling !== 'last') {
      // Every position's output [B, P, features], pooled over the word's own positions, as the CNN pools its filters.
      const padding = paddingColumn(input.lengths, output.shape[1]);
      const most = maskedMax(output, padding, 1);
      features = this.shape.pooling === 'max+mean' ? concat([most, maskedMean(output, padding, input.lengths, 1)], 1) : most;
    } else {
      const hN = Array.isArray(state) ? state[0] : state; // LSTM: (h_n, c_n); [directions, B, H]
      // The forward direction's last state has read the word left to right, the reverse one right to left.
      features = hN.shape[0] === 2 ? concat([select(hN, 0, 0), select(hN, 0, 1)], 1) : hN.reshape([tokens.shape[0], this.features]);
    }
    if (this.shape.bag === true) features = concat([features, bagOf(input.x, input.lengths)], 1);
    return this.head.forward(this.dropout.forward(features));
  }
}

class CharCNN extends Classifier {
  embedding: Embedding;
  convs: ModuleList<Conv1d>;
  dropout: Dropout;
  head: Linear;
  private readonly shape: Shape;

  constructor(vocabSize: number, numClasses: number, shape: Shape) {
    super();
    if (shape.pooling !== 'max' && shape.pooling !== 'max+mean') throw new Error(`cnn: pooling '${shape.pooling}' (expected 'max' or 'max+mean')`);
    this.shape = shape;
    this.embedding = inputTable(vocabSize, shape);
    this.convs = new ModuleList(shape.widths.map((width) => new Conv1d(shape.embedding, shape.hidden, width, { padding: 'same' })));
    this.dropout = new Dropout(shape.dropout);
    const pools = shape.pooling === 'max+mean' ? 2 : 1;
    this.head = new Linear(pools * shape.widths.length * shape.hidden, numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const input = this.embedPositions(this.embedding, tokens, lengths, this.shape);
    let x = input.x; // [B, T, E]
    lengths = input.lengths;
    const [B, T] = x.shape;
    x = x.transpose(1, 2); // [B, E, T]: channels first, as Conv1d reads
    const padding = paddingColumn(lengths, T).reshape([B, 1, T]);
    const pooled = [...this.convs].flatMap((conv) => {
      const h = relu(conv.forward(x));
      const most = maskedMax(h, padding, 2);
      // The mean adds up the evidence of every n-gram, as naive Bayes's sum does; max keeps the strongest.
      return this.shape.pooling === 'max+mean' ? [most, maskedMean(h, padding, lengths, 2)] : [most];
    });
    return this.head.forward(this.dropout.forward(concat(pooled, 1)));
  }
}

class CharTransformer extends Classifier {
  embedding: Embedding;
  /** With n-grams: the sum of a position's n-gram vectors (small, as fastText starts them) brought to the sinusoids' size. */
  inputNorm?: LayerNorm;
  positions: SinusoidalPositionalEncoding;
  encoder: TransformerEncoder;
  head: Linear;
  private readonly width: number;
  private readonly shape: Shape;

  constructor(vocabSize: number, numClasses: number, shape: Shape) {
    super();
    const d = shape.embedding;
    this.width = d;
    this.shape = shape;
    this.embedding = inputTable(vocabSize, shape);
    if (shape.ngrams > 1) this.inputNorm = new LayerNorm(d);
    this.positions = new SinusoidalPositionalEncoding(d, { batchFirst: true, maxLen: 64, dropout: shape.dropout });
    // Pre-norm (normFirst) layers, and a final LayerNorm as PyTorch's TransformerEncoder(norm=...) takes:
    // the residual path stays an identity, which trains without the long warm-up post-norm needs.
    const layer = new TransformerEncoderLayer(d, 4, { dimFeedforward: shape.hidden, dropout: shape.dropout, batchFirst: true, normFirst: true });
    this.encoder = new TransformerEncoder(layer, shape.layers, { norm: new LayerNorm(d) });
    if (shape.pooling !== 'mean' && shape.pooling !== 'max+mean') throw new Error(`transformer: pooling '${shape.pooling}' (expected 'mean' or 'max+mean')`);
    this.head = new Linear((shape.pooling === 'max+mean' ? 2 : 1) * d + (shape.bag === true ? d : 0), numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    // No √d scaling of the embeddings ("Attention is all you need" scales embeddings that start
    // small): Embedding starts at N(0, 1), already the size of the ±1 sinusoids; scaled by 8 it
    // drowned the positions, and the model learnt half as fast. The n-gram sums, started at
    // U(±1/d) each, are brought to that size by a LayerNorm instead.
    const input = this.embedPositions(this.embedding, tokens, lengths, this.shape);
    lengths = input.lengths;
    const [B, T] = input.x.shape;
    const x = this.positions.forward(this.inputNorm ? this.inputNorm.forward(input.x) : input.x);
    const h = this.encoder.forward(x, { srcKeyPaddingMask: paddingMask(lengths, T) });
    const padding = paddingColumn(lengths, T);
    const mean = maskedMean(h, padding, lengths, 1).reshape([B, this.width]);
    let pooled = this.shape.pooling === 'max+mean' ? concat([mean, maskedMax(h, padding, 1).reshape([B, this.width])], 1) : mean;
    if (this.shape.bag === true) pooled = concat([pooled, bagOf(input.x, lengths)], 1);
    return this.head.forward(pooled);
  }
}

/**
 * The n-grams of each word (orders 1..maxN over its character indices, with the ends marked)
 * hashed (FNV-1a) into buckets 1..buckets − 1, as [B, G] int32; 0 pads the shorter words.
 */
export function hashedNgrams(tokens: Tensor, lengths: readonly number[], maxN: number, buckets: number): { ids: Tensor; counts: number[] } {
  const [B, T] = tokens.shape;
  const chars = tokens.dataSync();
  const rows: number[][] = [];
  for (let b = 0; b < B; b++) {
    // −1 and −2 mark the start and the end; the letters are their indices (≥ 1).
    const word = [-1, ...Array.from(chars.subarray(b * T, b * T + lengths[b])), -2];
    const row: number[] = [];
    for (let n = 1; n <= maxN; n++) {
      for (let i = 0; i + n <= word.length; i++) {
        if (n === 1 && word[i] < 0) continue;
        row.push(hashNgram(word, i, n, buckets));
      }
    }
    rows.push(row);
  }
  const G = Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(B * G);
  rows.forEach((r, b) => ids.set(r, b * G));
  return { ids: tensor(ids, [B, G], 'int32'), counts: rows.map((r) => Math.max(r.length, 1)) };
}

/** FNV-1a of the n symbols word[i..i+n), seeded by n (so "ab" and the 2-gram of "ab" differ from longer ones), into buckets 1..buckets − 1. */
function hashNgram(word: readonly number[], i: number, n: number, buckets: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let k = i; k < i + n; k++) h = Math.imul(h ^ (word[k] & 0xffff), 0x01000193);
  return 1 + ((h >>> 0) % (buckets - 1));
}

/**
 * For each position of `^word$` (the word's own letters with start and end marks), the hashed
 * 1- to maxN-grams that end there, as [B, T + 2, maxN] int32: 0 where a gram would start
 * before `^`, and on the padding. Tokens [B, T]: the letters are their indices.
 */
export function positionNgrams(tokens: Tensor, lengths: readonly number[], maxN: number, buckets: number): Tensor {
  const [B, T] = tokens.shape;
  const chars = tokens.dataSync();
  const P = T + 2;
  const ids = new Int32Array(B * P * maxN);
  for (let b = 0; b < B; b++) {
    // −1 and −2 mark the start and the end.
    const word = [-1, ...Array.from(chars.subarray(b * T, b * T + lengths[b])), -2];
    for (let p = 0; p < word.length; p++) {
      for (let g = 1; g <= maxN && p - g + 1 >= 0; g++) ids[(b * P + p) * maxN + g - 1] = hashNgram(word, p - g + 1, g, buckets);
    }
  }
  return tensor(ids, [B, P, maxN], 'int32');
}

/** An n-gram table as fastText starts one: uniform ±1/dim, not N(0, 1) (a rare n-gram gets few updates, and its starting noise would outweigh them); row 0, the padding, zero. */
function ngramTable(buckets: number, dim: number): Embedding {
  const table = new Embedding(buckets, dim, { paddingIdx: 0 });
  const values = Float32Array.from({ length: buckets * dim }, (_, i) => (i < dim ? 0 : (2 * getGenerator().nextFloat() - 1) / dim));
  const start = tensor(values, [buckets, dim]);
  table.loadStateDict({ weight: start });
  start.dispose();
  return table;
}

class FastText extends Classifier {
  embedding: Embedding;
  head: Linear;
  private readonly shape: Shape;

  constructor(numClasses: number, shape: Shape) {
    super();
    this.shape = shape;
    this.embedding = ngramTable(shape.hidden, shape.embedding);
    this.head = new Linear(shape.embedding, numClasses);
  }

  forward(tokens: Tensor, lengths: readonly number[]): Tensor {
    const { ids, counts } = hashedNgrams(this.hideCharacters(tokens), lengths, this.shape.layers, this.shape.hidden);
    // Padding rows of the table are zero (paddingIdx), so the sum over G is the sum over the word's own n-grams.
    const mean = sum(this.embedding.forward(ids), 1).div(counts.map((c) => [c]));
    return this.head.forward(mean);
  }
}

export function buildClassifier({ arch, vocabSize, numClasses, shape }: ClassifierConfig): Classifier {
  if (!(ARCHITECTURES as readonly string[]).includes(arch)) throw new Error(`--models: unknown model '${String(arch)}' (expected ${ARCHITECTURES.join(', ')})`);
  const s = { ...DEFAULT_SHAPES[arch], ...shape };
  switch (arch) {
    case 'lstm':
    case 'gru':
      return withCharDropout(new RecurrentClassifier(arch, vocabSize, numClasses, s), s);
    case 'cnn':
      return withCharDropout(new CharCNN(vocabSize, numClasses, s), s);
    case 'transformer':
      return withCharDropout(new CharTransformer(vocabSize, numClasses, s), s);
    case 'fasttext':
      return withCharDropout(new FastText(numClasses, s), s);
  }
}

function withCharDropout(model: Classifier, shape: Shape): Classifier {
  model.charDropout = shape.charDropout;
  return model;
}

export function parameterCount(model: Module<never[], unknown>): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}

/** How a classifier is trained by default: Adam's peak learning rate (OneCycleLR), epochs, words per step. */
export interface Recipe {
  epochs: number;
  batchSize: number;
  lr: number;
  /** AdamW's decoupled weight decay (0: plain Adam). */
  weightDecay: number;
  /** Cross entropy's label smoothing. */
  labelSmoothing: number;
  /** The decay of an exponential moving average of the weights, which is then what is scored and kept (0: none). */
  weightAverage: number;
}

export const DEFAULT_RECIPES: Record<Architecture, Recipe> = {
  lstm: { epochs: 6, batchSize: 256, lr: 5e-3, weightDecay: 0, labelSmoothing: 0, weightAverage: 0 },
  gru: { epochs: 6, batchSize: 256, lr: 5e-3, weightDecay: 0, labelSmoothing: 0, weightAverage: 0 },
  cnn: { epochs: 6, batchSize: 128, lr: 3e-3, weightDecay: 0, labelSmoothing: 0, weightAverage: 0 },
  transformer: { epochs: 6, batchSize: 256, lr: 3e-3, weightDecay: 0, labelSmoothing: 0, weightAverage: 0 },
  fasttext: { epochs: 8, batchSize: 256, lr: 1e-2, weightDecay: 0, labelSmoothing: 0, weightAverage: 0 },
};
