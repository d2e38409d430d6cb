/**
 * Position information added to token embeddings, which attention alone does not see.
 * SinusoidalPositionalEncoding is "Attention is all you need" §3.5 and the PyTorch tutorial's
 * PositionalEncoding (same buffer `pe` [maxLen, 1, dModel], so state dicts match it):
 *   PE(pos, 2i) = sin(pos / 10000^(2i/dModel)),  PE(pos, 2i+1) = cos(pos / 10000^(2i/dModel))
 * LearnedPositionalEncoding is an Embedding over positions 0..maxLen-1 (BERT, GPT-2).
 * Both take [L, N, E] (or [N, L, E] with batchFirst) and apply dropout to the sum.
 */
import { arange, tensor, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';

export interface PositionalEncodingOptions {
  /** Dropout on the sum. Default 0.1, as the tutorial. */
  dropout?: number;
  /** The longest sequence. Default 5000. */
  maxLen?: number;
  /** Inputs are [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
}

function checkSizes(layer: string, dModel: number, maxLen: number): void {
  if (!Number.isInteger(dModel) || dModel < 1) throw new Error(`${layer}: dModel must be a positive integer, got ${dModel}`);
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new Error(`${layer}: maxLen must be a positive integer, got ${maxLen}`);
}

/** The sequence length of x, checked against maxLen and dModel. */
function sequenceLength(layer: string, x: Tensor, dModel: number, maxLen: number, batchFirst: boolean): number {
  if (x.rank !== 3 || x.shape[2] !== dModel) {
    throw new Error(`${layer}: input must be ${batchFirst ? '[N, L, dModel]' : '[L, N, dModel]'} with dModel=${dModel}, got [${x.shape.join(',')}]`);
  }
  const length = x.shape[batchFirst ? 1 : 0];
  if (length > maxLen) throw new Error(`${layer}: sequence length ${length} exceeds maxLen=${maxLen} (input [${x.shape.join(',')}])`);
  return length;
}

/** The sinusoid table [maxLen, 1, dModel], computed in float64 then rounded once. */
export function sinusoidTable(maxLen: number, dModel: number): Float32Array {
  const table = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; 2 * i < dModel; i++) {
      const angle = pos * Math.exp((2 * i * -Math.log(10000)) / dModel);
      table[pos * dModel + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dModel) table[pos * dModel + 2 * i + 1] = Math.cos(angle);
    }
  }
  return table;
}

/** What both encodings share: the checks, the layout, the addition and the dropout. */
abstract class PositionalEncoding extends Module {
  dropout: Dropout;
  readonly maxLen: number;
  readonly batchFirst: boolean;

  constructor(
    private readonly layer: string,
    readonly dModel: number,
    options: PositionalEncodingOptions,
  ) {
    super();
    this.maxLen = options.maxLen ?? 5000;
    this.batchFirst = options.batchFirst ?? false;
    checkSizes(layer, dModel, this.maxLen);
    this.dropout = new Dropout(options.dropout ?? 0.1);
  }

  /** The encodings of positions 0..length-1, [length, dModel]. */
  protected abstract positions(length: number): Tensor;

  forward(x: Tensor): Tensor {
    const L = sequenceLength(this.layer, x, this.dModel, this.maxLen, this.batchFirst);
    return this.dropout.forward(x.add(this.positions(L).reshape(this.batchFirst ? [1, L, this.dModel] : [L, 1, this.dModel])));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, maxLen=${this.maxLen}, batchFirst=${this.batchFirst}`;
  }
}

export class SinusoidalPositionalEncoding extends PositionalEncoding {
  pe: Tensor;

  constructor(dModel: number, options: PositionalEncodingOptions = {}) {
    super('SinusoidalPositionalEncoding', dModel, options);
    this.pe = this.registerBuffer('pe', tensor(sinusoidTable(this.maxLen, dModel), [this.maxLen, 1, dModel]));
  }

  protected positions(length: number): Tensor {
    return this.pe.slice([0], [length]).reshape([length, this.dModel]);
  }
}

export class LearnedPositionalEncoding extends PositionalEncoding {
  embedding: Embedding;

  constructor(dModel: number, options: PositionalEncodingOptions = {}) {
    super('LearnedPositionalEncoding', dModel, options);
    this.embedding = new Embedding(this.maxLen, dModel);
  }

  protected positions(length: number): Tensor {
    return this.embedding.forward(arange(0, length, 1, { dtype: 'int32' }));
  }
}
