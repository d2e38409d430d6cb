import { toTensor, type TensorLike } from '../convert.js';
import { DTYPES, isDType, type DType } from '../dtype.js';
import { KernelName, type CastAttrs } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';

/**
 * Converts to `dtype`: float to int truncates toward zero, anything to bool is `!= 0` (NaN
 * is true), bool to numbers is 0/1. Casting to the same dtype shares the buffer.
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x, 'cast', 'x');
  if (!isDType(dtype)) throw new Error(`cast: unknown dtype '${String(dtype)}', expected one of ${DTYPES.join(', ')}`);
  const attrs: CastAttrs = { dtype };
  return runKernel(KernelName.Cast, { x: t }, attrs);
}

declare module '../tensor.js' {
  interface Tensor {
    cast(dtype: DType): Tensor;
    /** cast(x, 'float32'), as PyTorch's x.float(). */
    float(): Tensor;
    /** cast(x, 'int32'), as PyTorch's x.int(). */
    int(): Tensor;
    /** cast(x, 'bool'), as PyTorch's x.bool(). */
    bool(): Tensor;
  }
}

Tensor.prototype.cast = function (this: Tensor, dtype: DType) { return cast(this, dtype); };
Tensor.prototype.float = function (this: Tensor) { return cast(this, 'float32'); };
Tensor.prototype.int = function (this: Tensor) { return cast(this, 'int32'); };
Tensor.prototype.bool = function (this: Tensor) { return cast(this, 'bool'); };
