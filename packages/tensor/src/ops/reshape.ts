import { toTensor, type TensorLike } from '../convert.js';
import { KernelName } from '../kernel_names.js';
import { formatShape, isIntArray, sizeFromShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';

/** Same values, new shape; one dimension may be -1 and is inferred. Shares the buffer. */
export function reshape(x: TensorLike, shape: Shape): Tensor {
  const t = toTensor(x, 'reshape', 'x');
  const resolved = resolveShape('reshape', t.shape, shape);
  return runKernel(KernelName.Reshape, { x: t }, { shape: resolved });
}

/** Resolves a target shape with at most one -1 against `from`. */
export function resolveShape(op: string, from: Shape, shape: Shape): number[] {
  if (!isIntArray(shape)) throw new Error(`${op}: shape must be an array of integers`);
  const size = sizeFromShape(from);
  let inferAt = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (inferAt >= 0) throw new Error(`${op}: only one dimension can be -1, got ${formatShape(shape)}`);
      inferAt = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: invalid dimension ${d} in ${formatShape(shape)}`);
    } else {
      known *= d;
    }
  }
  const out = [...shape];
  if (inferAt >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new Error(`${op}: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(shape)}`);
    }
    out[inferAt] = size / known;
  } else if (known !== size) {
    throw new Error(`${op}: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(shape)} (${known} elements)`);
  }
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    reshape(shape: Shape): Tensor;
  }
}

Tensor.prototype.reshape = function (this: Tensor, shape: Shape) { return reshape(this, shape); };
