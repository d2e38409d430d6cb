import { toTensor, type TensorLike } from '../convert.js';
import { isDType, type DType } from '../dtype.js';
import { KernelName, type CastAttrs } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';

/** Converts to `dtype`: float to int truncates toward zero, anything to bool is `!= 0`. */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x, 'cast', 'x');
  if (!isDType(dtype)) throw new Error(`cast: unknown dtype '${String(dtype)}'`);
  const attrs: CastAttrs = { dtype };
  return runKernel(KernelName.Cast, { x: t }, attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    cast(dtype: DType): Tensor;
  }
}

Tensor.prototype.cast = function (this: Tensor, dtype: DType) { return cast(this, dtype); };
