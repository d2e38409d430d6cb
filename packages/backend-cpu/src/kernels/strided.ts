/**
 * Strided copies, the one loop under Transpose, BroadcastTo and Slice (read a strided view
 * of the input into a dense output) and SliceGrad (write a dense gradient into a strided
 * view of a zero output). A view is an offset plus a stride per output axis; axes that
 * chain are merged first, so a slice along axis 0 of a 4-D tensor runs as one flat copy.
 */

export interface StridedView {
  shape: number[];
  strides: number[];
  offset: number;
}

type NumericArray = { [index: number]: number; readonly length: number };

/** Drops size-1 axes and merges neighbours whose strides chain (stride[i] = stride[i+1] * shape[i+1]). */
export function simplifyView(shape: readonly number[], strides: readonly number[]): { shape: number[]; strides: number[] } {
  const outShape: number[] = [];
  const outStrides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && outStrides[last] === strides[i] * shape[i]) {
      outShape[last] *= shape[i];
      outStrides[last] = strides[i];
    } else {
      outShape.push(shape[i]);
      outStrides.push(strides[i]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** True when the view reads `size` consecutive elements from its offset (a plain copy or a shared buffer). */
export function isContiguous(view: { shape: readonly number[]; strides: readonly number[] }): boolean {
  return view.shape.length === 0 || (view.shape.length === 1 && view.strides[0] === 1);
}

/** out[i] = src[view at i] for every i in row-major order of view.shape. */
export function gatherStrided(src: NumericArray, view: StridedView, out: NumericArray): void {
  const { shape, strides } = simplifyView(view.shape, view.strides);
  const offset = view.offset;
  const rank = shape.length;
  if (out.length === 0) return;
  if (rank === 0) {
    out[0] = src[offset];
    return;
  }
  const inner = shape[rank - 1];
  const innerStride = strides[rank - 1];
  const outer = out.length / inner;
  const index = new Array<number>(rank).fill(0);
  let s = offset;
  let o = 0;
  for (let n = 0; n < outer; n++) {
    if (innerStride === 1) {
      for (let i = 0; i < inner; i++) out[o + i] = src[s + i];
    } else {
      for (let i = 0, p = s; i < inner; i++, p += innerStride) out[o + i] = src[p];
    }
    o += inner;
    for (let axis = rank - 2; axis >= 0; axis--) {
      s += strides[axis];
      if (++index[axis] < shape[axis]) break;
      s -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
}

/** out[view at i] = src[i]: the inverse of gatherStrided, into an output the caller zeroed. */
export function scatterStrided(src: NumericArray, out: NumericArray, view: StridedView): void {
  const { shape, strides } = simplifyView(view.shape, view.strides);
  const rank = shape.length;
  if (src.length === 0) return;
  if (rank === 0) {
    out[view.offset] = src[0];
    return;
  }
  const inner = shape[rank - 1];
  const innerStride = strides[rank - 1];
  const outer = src.length / inner;
  const index = new Array<number>(rank).fill(0);
  let d = view.offset;
  let s = 0;
  for (let n = 0; n < outer; n++) {
    for (let i = 0, p = d; i < inner; i++, p += innerStride) out[p] = src[s + i];
    s += inner;
    for (let axis = rank - 2; axis >= 0; axis--) {
      d += strides[axis];
      if (++index[axis] < shape[axis]) break;
      d -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
}
