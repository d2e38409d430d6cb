/** torch.nn.Embedding: a lookup table of vectors, weight [numEmbeddings, embeddingDim], N(0, 1) initialised. */
import { detach } from '@nn/autograd';
import { engine, eq, indexSelect, where, zeros, type Tensor } from '@nn/tensor';
import { normal } from '../init.js';
import { Module, parameter } from '../module.js';

export interface EmbeddingOptions {
  /** This row starts at zero and gets no gradient (a padding token). Negative counts from the end. */
  paddingIdx?: number | null;
}

export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Embedding: ${name} must be a positive integer, got ${v}`);
    }
    const p = options.paddingIdx ?? null;
    if (p !== null && (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings)) {
      throw new Error(`Embedding: paddingIdx must be within [-${numEmbeddings}, ${numEmbeddings - 1}], got ${p}`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = parameter(zeros([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** N(0, 1), with the padding row zeroed, as PyTorch. */
  resetParameters(): void {
    normal(this.weight);
    if (this.paddingIdx !== null) {
      const values = Float32Array.from(this.weight.dataSync());
      values.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
      const zeroed = engine().makeTensor(values, this.weight.shape, 'float32');
      engine().assign(this.weight, zeroed);
      zeroed.dispose();
    }
  }

  /** indices: int32 of any shape → [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Tensor {
    if (indices.dtype !== 'int32') throw new Error(`Embedding: indices must be int32, got ${indices.dtype} (shape [${indices.shape.join(',')}])`);
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}

/**
 * F.embedding: rows of weight [numEmbeddings, embeddingDim] picked by int32 indices of any
 * shape → [...indices.shape, embeddingDim]. paddingIdx does not zero the output (the stored
 * row shows); it only blocks that row's gradient, as PyTorch. Repeated indices add up their
 * gradients.
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  if (indices.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${indices.dtype} (shape [${indices.shape.join(',')}])`);
  if (weight.rank !== 2) throw new Error(`${op}: weight must be 2-D [numEmbeddings, embeddingDim], got shape [${weight.shape.join(',')}]`);
  const [rows, dim] = weight.shape;
  let p = options.paddingIdx ?? null;
  if (p !== null) {
    if (!Number.isInteger(p) || p < -rows || p >= rows) throw new Error(`${op}: paddingIdx must be within [-${rows}, ${rows - 1}], got ${p}`);
    if (p < 0) p += rows;
  }
  const flat = indices.reshape([-1]);
  let picked = indexSelect(weight, 0, flat);
  if (p !== null) {
    // The padding row's value shows, but no gradient flows into it (PyTorch's rule).
    const isPad = eq(flat, p).reshape([-1, 1]);
    picked = where(isPad, indexSelect(detach(weight), 0, flat), picked);
  }
  return picked.reshape([...indices.shape, dim]);
}
