import { makeTypedArray, stridesOf, type DType, type Shape, type TypedArray } from '@nn/tensor';

/** Permutes the axes of row-major `values` of `shape`; returns a new array of the same type. */
export function transposeValues(values: ArrayLike<number>, shape: Shape, perm: readonly number[], dtype: DType = 'float32'): TypedArray {
  const rank = shape.length;
  const size = values.length;
  const out: TypedArray =
    values instanceof Int32Array ? new Int32Array(size) : values instanceof Uint8Array ? new Uint8Array(size) : makeTypedArray(dtype, size);
  if (rank === 0) {
    if (size) out[0] = values[0];
    return out;
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  // Stride in the input for a step along each output axis.
  const stepIn = perm.map((p) => inStrides[p]);
  const inner = outShape[rank - 1];
  const innerStep = stepIn[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  let o = 0;
  const outer = inner === 0 ? 0 : size / inner;
  for (let n = 0; n < outer; n++) {
    for (let i = 0, s = src; i < inner; i++, s += innerStep) out[o++] = values[s];
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++;
      src += stepIn[axis];
      if (index[axis] < outShape[axis]) break;
      src -= stepIn[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
  return out;
}
