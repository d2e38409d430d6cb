/** expand / broadcastTo: repeat size-1 (or missing leading) dimensions, as NumPy broadcasting does. */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type BroadcastToAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape, isIntArray, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { runKernel } from './run.js';

function broadcastOp(op: string, x: TensorLike, sizes: Shape): Tensor {
  const t = toTensor(x, op, 'x');
  if (!isIntArray(sizes)) throw new Error(`${op}: shape must be an array of integers, got ${String(sizes)}`);
  if (sizes.length < t.rank) {
    throw new Error(`${op}: the target shape ${formatShape(sizes)} has fewer dimensions than the input ${formatShape(t.shape)}`);
  }
  const lead = sizes.length - t.rank;
  const shape = sizes.map((size, i) => {
    const from = i < lead ? undefined : t.shape[i - lead];
    if (!Number.isInteger(size) || size < -1) throw new Error(`${op}: invalid size ${size} in ${formatShape(sizes)}`);
    if (size === -1) {
      if (from === undefined) throw new Error(`${op}: -1 is not allowed for the new leading dimension ${i} in ${formatShape(sizes)}`);
      return from;
    }
    if (from !== undefined && from !== size && from !== 1) {
      throw new Error(`${op}: dimension ${i} has size ${from}, which can only expand from 1, not to ${size}: ${formatShape(t.shape)} → ${formatShape(sizes)}`);
    }
    return size;
  });
  assertTensorSize(op, shape);
  const attrs: BroadcastToAttrs = { shape };
  return runKernel(KernelName.BroadcastTo, { x: t }, attrs);
}

/** torch.expand: size-1 dimensions grow to `sizes`, new dimensions may be added in front; -1 keeps a size. */
export const expand = (x: TensorLike, sizes: Shape): Tensor => broadcastOp('expand', x, sizes);
/** torch.broadcast_to: the same as expand. */
export const broadcastTo = (x: TensorLike, shape: Shape): Tensor => broadcastOp('broadcastTo', x, shape);

declare module '../tensor.js' {
  interface Tensor {
    /** `x.expand(3, -1)` or `x.expand([3, -1])`. */
    expand(...sizes: number[] | [Shape]): Tensor;
    broadcastTo(shape: Shape): Tensor;
    /** Expands to `other`'s shape. */
    expandAs(other: Tensor): Tensor;
  }
}

Tensor.prototype.expand = function (this: Tensor, ...sizes: number[] | [Shape]) {
  const list = sizes.length === 1 && Array.isArray(sizes[0]) ? sizes[0] : (sizes as number[]);
  return expand(this, list);
};
Tensor.prototype.broadcastTo = function (this: Tensor, shape: Shape) { return broadcastTo(this, shape); };
Tensor.prototype.expandAs = function (this: Tensor, other: Tensor) { return expand(this, other.shape); };
