/** Joining tensors: concat (alias cat) along an existing axis, stack along a new one. */
import { toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { upcastDType } from '../dtype.js';
import { KernelName, type AxisAttrs } from '../kernel_names.js';
import { formatShape, normalizeAxis, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { runKernel } from './run.js';
import { unsqueeze } from './reshape.js';

/** Array.isArray without narrowing (the parameter types already say array; users may pass anything). */
const isList = (value: unknown): boolean => Array.isArray(value);

function toTensorList(op: string, tensors: readonly TensorLike[]): Tensor[] {
  if (!isList(tensors)) throw new Error(`${op}: expected an array of tensors, got ${String(tensors)}`);
  if (tensors.length === 0) throw new Error(`${op}: expected a non-empty list of tensors`);
  const list = tensors.map((t, i) => toTensor(t, op, `tensors[${i}]`));
  // PyTorch promotes to the widest dtype of the list.
  const dtype = list.reduce((d, t) => upcastDType(d, t.dtype), list[0].dtype);
  return list.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
}

/** Joins tensors along `axis`; every other dimension must agree. */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  // The scope frees converted and promoted inputs.
  return engine().tidy(() => concatOp(tensors, axis));
}

function concatOp(tensors: readonly TensorLike[], axis: number): Tensor {
  const op = 'concat';
  const list = toTensorList(op, tensors);
  const first = list[0];
  if (first.rank === 0) throw new Error(`${op}: zero-dimensional tensor (tensors[0]) cannot be concatenated`);
  const resolved = normalizeAxis(op, axis, first.rank);
  for (let i = 1; i < list.length; i++) {
    const t = list[i];
    if (t.rank !== first.rank) {
      throw new Error(`${op}: tensors 0 and ${i} differ in rank: ${formatShape(first.shape)} vs ${formatShape(t.shape)}`);
    }
    for (let d = 0; d < t.rank; d++) {
      if (d !== resolved && t.shape[d] !== first.shape[d]) {
        throw new Error(`${op}: tensors 0 and ${i} differ in dimension ${d}: ${formatShape(first.shape)} vs ${formatShape(t.shape)}`);
      }
    }
  }
  const inputs: Record<string, Tensor> = {};
  list.forEach((t, i) => (inputs[`x${i}`] = t));
  const attrs: AxisAttrs = { axis: resolved };
  return runKernel(KernelName.Concat, inputs, attrs);
}

/** Same as concat (PyTorch's torch.cat). */
export const cat = concat;

/** Joins same-shaped tensors along a new axis at `axis` (in [-rank-1, rank]). */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  return engine().tidy(() => stackOp(tensors, axis));
}

function stackOp(tensors: readonly TensorLike[], axis: number): Tensor {
  const op = 'stack';
  const list = toTensorList(op, tensors);
  for (let i = 1; i < list.length; i++) {
    if (!shapesEqual(list[i].shape, list[0].shape)) {
      throw new Error(`${op}: tensors 0 and ${i} differ in shape: ${formatShape(list[0].shape)} vs ${formatShape(list[i].shape)}`);
    }
  }
  const resolved = normalizeAxis(op, axis, list[0].rank + 1);
  return concatOp(list.map((t) => unsqueeze(t, resolved)), resolved);
}

function withOthers(self: Tensor, others: Tensor | readonly TensorLike[]): TensorLike[] {
  return others instanceof Tensor ? [self, others] : [self, ...others];
}

declare module '../tensor.js' {
  interface Tensor {
    /** concat([this, ...others], axis); `others` is one tensor or a list. */
    concat(others: Tensor | readonly TensorLike[], axis?: number): Tensor;
    /** stack([this, ...others], axis); `others` is one tensor or a list. */
    stack(others: Tensor | readonly TensorLike[], axis?: number): Tensor;
  }
}

Tensor.prototype.concat = function (this: Tensor, others: Tensor | readonly TensorLike[], axis?: number) { return concat(withOthers(this, others), axis); };
Tensor.prototype.stack = function (this: Tensor, others: Tensor | readonly TensorLike[], axis?: number) { return stack(withOthers(this, others), axis); };
