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
    const flat = indices.reshape([-1]);
    let rows = indexSelect(this.weight, 0, flat);
    if (this.paddingIdx !== null) {
      // The padding row's value shows, but no gradient flows into it (PyTorch's rule).
      const isPad = eq(flat, this.paddingIdx).reshape([-1, 1]);
      rows = where(isPad, indexSelect(detach(this.weight), 0, flat), rows);
    }
    return rows.reshape([...indices.shape, this.embeddingDim]);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
