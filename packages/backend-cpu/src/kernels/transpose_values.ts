/**
 * Permuting axes of row-major values. When the output's innermost axis reads the input with
 * a stride (a real transpose), the copy runs in square tiles so that both the reads and the
 * writes of a tile stay in cache; otherwise it is a strided copy.
 */
import { makeTypedArray, stridesOf, type DType, type Shape, type TypedArray } from '@nn/tensor';
import { gatherStrided, simplifyView } from './strided.js';

type NumericArray = { [index: number]: number; readonly length: number };

/** Tile edge: 32×32 float32 tiles of input and output (8 KiB) fit in L1 together. */
const TILE = 32;

/** A new array of `values`' kind holding `values` with axes permuted (output axis i = input axis perm[i]). */
export function transposeValues(values: ArrayLike<number>, shape: Shape, perm: readonly number[], dtype: DType = 'float32'): TypedArray {
  const size = values.length;
  const out: TypedArray =
    values instanceof Int32Array ? new Int32Array(size) : values instanceof Uint8Array ? new Uint8Array(size) : makeTypedArray(dtype, size);
  transposeInto(values, shape, perm, out);
  return out;
}

/** Writes `values` of `shape` with axes permuted into `out`. */
export function transposeInto(values: ArrayLike<number>, shape: Shape, perm: readonly number[], out: NumericArray): void {
  const inStrides = stridesOf(shape);
  const view = simplifyView(
    perm.map((p) => shape[p]),
    perm.map((p) => inStrides[p]),
  );
  const rank = view.shape.length;
  const unitAxis = rank >= 2 && view.strides[rank - 1] !== 1 ? view.strides.indexOf(1) : -1;
  if (unitAxis < 0) {
    gatherStrided(values, { shape: view.shape, strides: view.strides, offset: 0 }, out);
    return;
  }
  // Tile the plane (unitAxis, last axis): input rows along unitAxis are contiguous, output rows along the last axis are.
  const outStrides = stridesOf(view.shape);
  const rows = view.shape[unitAxis];
  const cols = view.shape[rank - 1];
  const ld = view.strides[rank - 1];
  const outRowStride = outStrides[unitAxis];
  const batchAxes = view.shape.map((_, i) => i).filter((i) => i !== unitAxis && i !== rank - 1);
  const batchShape = batchAxes.map((a) => view.shape[a]);
  const batchIn = batchAxes.map((a) => view.strides[a]);
  const batchOut = batchAxes.map((a) => outStrides[a]);
  const batches = batchShape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(batchAxes.length).fill(0);
  let inBase = 0;
  let outBase = 0;
  for (let b = 0; b < batches; b++) {
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let i = i0; i < i1; i++) {
          const o = outBase + i * outRowStride;
          const s = inBase + i;
          for (let j = j0; j < j1; j++) out[o + j] = values[s + j * ld];
        }
      }
    }
    for (let axis = batchAxes.length - 1; axis >= 0; axis--) {
      inBase += batchIn[axis];
      outBase += batchOut[axis];
      if (++index[axis] < batchShape[axis]) break;
      inBase -= batchIn[axis] * batchShape[axis];
      outBase -= batchOut[axis] * batchShape[axis];
      index[axis] = 0;
    }
  }
}
