/**
 * The baseline: multinomial naive Bayes over character n-grams (n = 1..3 by default) of the
 * word padded with boundary marks ("^chat$" gives ^c, ch, ..., t$, ^ch, ...), add-α
 * (Laplace) smoothing, as Cavnar & Trenkle's n-gram language identification and
 * scikit-learn's MultinomialNB do. No tensors: counting is the whole model.
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

export class NaiveBayes {
  readonly maxN: number;
  readonly alpha: number;
  private readonly counts: Map<string, number>[];
  private readonly totals: number[];
  private readonly logPriors: number[];
  private readonly vocabulary = new Set<string>();

  constructor(
    readonly numClasses: number,
    options: NaiveBayesOptions = {},
  ) {
    this.maxN = options.maxN ?? 3;
    this.alpha = options.alpha ?? 1;
    if (!Number.isInteger(this.maxN) || this.maxN < 1) throw new Error(`NaiveBayes: maxN must be an integer >= 1, got ${this.maxN}`);
    if (!(this.alpha > 0)) throw new Error(`NaiveBayes: alpha must be positive, got ${this.alpha}`);
    this.counts = Array.from({ length: numClasses }, () => new Map<string, number>());
    this.totals = new Array<number>(numClasses).fill(0);
    this.logPriors = new Array<number>(numClasses).fill(0);
  }

  fit(words: readonly string[], labels: readonly number[]): this {
    const docs = new Array<number>(this.numClasses).fill(0);
    words.forEach((word, i) => {
      const label = labels[i];
      if (!Number.isInteger(label) || label < 0 || label >= this.numClasses) throw new Error(`NaiveBayes: label ${label} of word ${i} is not in [0, ${this.numClasses})`);
      docs[label]++;
      for (const gram of charNgrams(word, this.maxN)) {
        this.counts[label].set(gram, (this.counts[label].get(gram) ?? 0) + 1);
        this.totals[label]++;
        this.vocabulary.add(gram);
      }
    });
    docs.forEach((d, c) => (this.logPriors[c] = Math.log((d + this.alpha) / (words.length + this.alpha * this.numClasses))));
    return this;
  }

  /** log P(class) + Σ log P(gram | class), per class; n-grams never seen in training are skipped, as MultinomialNB's vocabulary does. */
  logScores(word: string): number[] {
    const v = this.vocabulary.size;
    const grams = charNgrams(word, this.maxN).filter((g) => this.vocabulary.has(g));
    return this.logPriors.map((prior, c) => {
      const denominator = Math.log(this.totals[c] + this.alpha * v);
      let score = prior;
      for (const gram of grams) score += Math.log((this.counts[c].get(gram) ?? 0) + this.alpha) - denominator;
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
