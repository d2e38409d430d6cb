/**
 * The baseline: multinomial naive Bayes over character n-grams (n = 1..maxN) of the word
 * padded with boundary marks ("^chat$" gives ^c, ch, ..., t$, ^ch, ...), add-α smoothing, as
 * Cavnar & Trenkle's n-gram language identification and scikit-learn's MultinomialNB do. No
 * tensors: counting is the whole model. `tuneNaiveBayes` picks maxN and α on the validation
 * words, as the neural models pick their epoch there, so the comparison is fair.
 */
export interface NaiveBayesOptions {
  /** n-gram orders 1..maxN. Default 3. */
  maxN?: number;
  /** Add-α smoothing. Default 1. */
  alpha?: number;
}

/** The character n-grams of a word, orders 1..maxN, with ^ and $ marking its ends. */
export function charNgrams(word: string, maxN: number): string[] {
  const chars = ['^', ...Array.from(word), '$'];
  const grams: string[] = [];
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      if (gram !== '^' && gram !== '$') grams.push(gram);
    }
  }
  return grams;
}

/** What fit() counted, shared by the settings views of one fit (`withSettings`). */
interface Counts {
  maxN: number;
  /** Per class, each n-gram's count. */
  grams: Map<string, number>[];
  /** Per class and order n (index n), the n-grams counted of orders 1..n. */
  totalsUpTo: number[][];
  /** Per order n (index n), the distinct n-grams of orders 1..n: the smoothing's vocabulary. */
  vocabularyUpTo: number[];
  /** Training words per class. */
  docs: number[];
  /** Every n-gram seen in training, of any class. */
  seen: Set<string>;
}

function checkSettings(maxN: number, alpha: number): void {
  if (!Number.isInteger(maxN) || maxN < 1) throw new Error(`NaiveBayes: maxN must be an integer >= 1, got ${maxN}`);
  if (!(alpha > 0)) throw new Error(`NaiveBayes: alpha must be positive, got ${alpha}`);
}

export class NaiveBayes {
  readonly maxN: number;
  readonly alpha: number;
  private counts: Counts | null = null;

  constructor(
    readonly numClasses: number,
    options: NaiveBayesOptions = {},
  ) {
    this.maxN = options.maxN ?? 3;
    this.alpha = options.alpha ?? 1;
    checkSettings(this.maxN, this.alpha);
  }

  fit(words: readonly string[], labels: readonly number[]): this {
    const C = this.numClasses;
    const grams = Array.from({ length: C }, () => new Map<string, number>());
    const docs = new Array<number>(C).fill(0);
    const byOrder = Array.from({ length: C }, () => new Array<number>(this.maxN + 1).fill(0));
    const seen = new Set<string>();
    words.forEach((word, i) => {
      const label = labels[i];
      if (!Number.isInteger(label) || label < 0 || label >= C) throw new Error(`NaiveBayes: label ${label} of word ${i} is not in [0, ${C})`);
      docs[label]++;
      for (const gram of charNgrams(word, this.maxN)) {
        grams[label].set(gram, (grams[label].get(gram) ?? 0) + 1);
        byOrder[label][Array.from(gram).length]++;
        seen.add(gram);
      }
    });
    const distinct = new Array<number>(this.maxN + 1).fill(0);
    for (const gram of seen) distinct[Array.from(gram).length]++;
    const cumulative = (xs: number[]): number[] => xs.map((_, n) => xs.slice(0, n + 1).reduce((a, b) => a + b, 0));
    this.counts = { maxN: this.maxN, grams, totalsUpTo: byOrder.map(cumulative), vocabularyUpTo: cumulative(distinct), docs, seen };
    return this;
  }

  /** The same fitted counts read with other settings (maxN at most the fitted one): tuning needs one fit, not one per setting. */
  withSettings(options: NaiveBayesOptions): NaiveBayes {
    const counts = this.fitted('withSettings');
    const view = new NaiveBayes(this.numClasses, { maxN: options.maxN ?? this.maxN, alpha: options.alpha ?? this.alpha });
    if (view.maxN > counts.maxN) throw new Error(`NaiveBayes: withSettings maxN ${view.maxN} is above the fitted maxN ${counts.maxN}`);
    view.counts = counts;
    return view;
  }

  private fitted(op: string): Counts {
    if (this.counts === null) throw new Error(`NaiveBayes: ${op} before fit`);
    return this.counts;
  }

  /** log P(class) + Σ log P(gram | class), per class; n-grams never seen in training are skipped, as MultinomialNB's vocabulary does. */
  logScores(word: string): number[] {
    const { grams: counts, totalsUpTo, vocabularyUpTo, docs, seen } = this.fitted('logScores');
    const v = vocabularyUpTo[this.maxN];
    const total = docs.reduce((a, b) => a + b, 0);
    const known = charNgrams(word, this.maxN).filter((g) => seen.has(g));
    return docs.map((d, c) => {
      const denominator = Math.log(totalsUpTo[c][this.maxN] + this.alpha * v);
      let score = Math.log((d + this.alpha) / (total + this.alpha * this.numClasses));
      for (const gram of known) score += Math.log((counts[c].get(gram) ?? 0) + this.alpha) - denominator;
      return score;
    });
  }

  /** Class probabilities (softmax of the log scores). */
  predictProba(word: string): number[] {
    const scores = this.logScores(word);
    const top = Math.max(...scores);
    const exps = scores.map((s) => Math.exp(s - top));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / sum);
  }

  predict(word: string): number {
    const scores = this.logScores(word);
    return scores.indexOf(Math.max(...scores));
  }
}

export interface LabelledWords {
  words: readonly string[];
  labels: readonly number[];
}

export interface NaiveBayesGrid {
  orders: readonly number[];
  alphas: readonly number[];
}

/** The settings tried by `tuneNaiveBayes`: up to 6-grams (longer ones are mostly whole short words), α from 0.01 to 1. */
export const NAIVE_BAYES_GRID: NaiveBayesGrid = { orders: [1, 2, 3, 4, 5, 6], alphas: [0.01, 0.03, 0.1, 0.3, 1] };

export interface TunedNaiveBayes {
  model: NaiveBayes;
  validationAccuracy: number;
  /** Validation accuracy of every setting tried, `n<maxN> α<alpha>`. */
  tried: Record<string, number>;
}

export function accuracyOf(model: NaiveBayes, data: LabelledWords): number {
  let right = 0;
  data.words.forEach((w, i) => (right += model.predict(w) === data.labels[i] ? 1 : 0));
  return data.words.length === 0 ? 0 : right / data.words.length;
}

/** Fits once on the training words and keeps the setting best on the validation words (the first, i.e. the simplest, on a tie). */
export function tuneNaiveBayes(numClasses: number, train: LabelledWords, validation: LabelledWords, grid: NaiveBayesGrid = NAIVE_BAYES_GRID): TunedNaiveBayes {
  const full = new NaiveBayes(numClasses, { maxN: Math.max(...grid.orders) }).fit(train.words, train.labels);
  const tried: Record<string, number> = {};
  let best: { model: NaiveBayes; validationAccuracy: number } | null = null;
  for (const maxN of grid.orders) {
    for (const alpha of grid.alphas) {
      const model = full.withSettings({ maxN, alpha });
      const validationAccuracy = accuracyOf(model, validation);
      tried[`n${maxN} α${alpha}`] = validationAccuracy;
      if (best === null || validationAccuracy > best.validationAccuracy) best = { model, validationAccuracy };
    }
  }
  return { ...best!, tried };
}
