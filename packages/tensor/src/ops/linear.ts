/**
 * linear(x, weight, bias) = x·weightᵀ + bias, as torch.nn.functional.linear: weight is
 * [out, in] (PyTorch's layout, so weights exchange without transposes), x is [..., in] and
 * the result [..., out]. The transpose is a GEMM flag, not a copy.
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { addMmKernel } from './addmm.js';
import { add } from './binary.js';
import { matmul } from './matmul.js';
import { reshape } from './reshape.js';

export function linear(x: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor {
  const op = 'linear';
  const input = toTensor(x, op, 'x');
  const w = toTensor(weight, op, 'weight');
  assertDType(op, 'x', input, ['float32', 'int32']);
  assertDType(op, 'weight', w, ['float32', 'int32']);
  if (input.rank === 0) throw new Error(`${op}: input must have at least one dimension, got shape ${formatShape(input.shape)}`);
  if (w.rank !== 2) throw new Error(`${op}: weight must be 2-D [out, in], got shape ${formatShape(w.shape)}`);
  const [outFeatures, inFeatures] = w.shape;
  const features = input.shape[input.rank - 1];
  if (features !== inFeatures) {
    throw new Error(`${op}: input has ${features} features but weight expects ${inFeatures}: input ${formatShape(input.shape)}, weight ${formatShape(w.shape)}`);
  }
  let b: Tensor | null = null;
  if (bias !== undefined && bias !== null) {
    b = toTensor(bias, op, 'bias');
    assertDType(op, 'bias', b, ['float32', 'int32']);
    if (b.rank > 1 || (b.rank === 1 && b.shape[0] !== outFeatures)) {
      throw new Error(`${op}: bias must have shape [${outFeatures}] to match weight ${formatShape(w.shape)}, got ${formatShape(b.shape)}`);
    }
  }
  // x·Wᵀ + b as one AddMm kernel over the rows of x, so a backend can fold the bias into the
  // product; integer operands and a scalar bias take the plain path.
  if (b !== null && b.rank === 1 && input.dtype === 'float32' && w.dtype === 'float32' && b.dtype === 'float32') {
    const attrs = { transposeA: false, transposeB: true };
    if (input.rank === 2) return addMmKernel(input, w, b, attrs);
    const rows = input.shape.slice(0, -1);
    const count = rows.reduce((total, d) => total * d, 1);
    return reshape(addMmKernel(reshape(input, [count, inFeatures]), w, b, attrs), [...rows, outFeatures]);
  }
  const product = matmul(input, w, { transposeB: true });
  return b === null ? product : add(product, b);
}

declare module '../tensor.js' {
  interface Tensor {
    /** `x.linear(weight, bias)` is `linear(x, weight, bias)`. */
    linear(weight: TensorLike, bias?: TensorLike | null): Tensor;
  }
}

Tensor.prototype.linear = function (this: Tensor, weight: TensorLike, bias?: TensorLike | null) { return linear(this, weight, bias); };
