/**
 * Indexing with int32 index tensors: indexSelect (whole slices along an axis, kernel Gather)
 * and gather (one element per index, torch.gather, kernel GatherElements), with gather's
 * scatter-add gradient (also PyTorch's scatter_add). indexSelect's gradient, the IndexAdd
 * kernel, is run by `indexAdd` in grad_ops.ts.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { KernelName, type AxisAttrs, type ScatterAddAttrs } from '../kernel_names.js';
import { assertValidShape, formatShape, normalizeAxis, shapesEqual, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { assertIndicesInRange, toIndexTensor } from './indices.js';
import { reshape } from './reshape.js';
import { runKernel } from './run.js';
import { slice } from './slice.js';

/** An index list for indexSelect: 0-d or 1-d, every entry in [0, size). */
function checkIndexList(op: string, indices: TensorLike, size: number, axis: number): Tensor {
  const idx = toIndexTensor(indices, op, 'indices');
  if (idx.rank > 1) throw new Error(`${op}: indices must be 0-d or 1-d, got shape ${formatShape(idx.shape)}`);
  assertIndicesInRange(op, idx, size, `for axis ${axis} of size ${size}`);
  return idx.rank === 1 ? idx : reshape(idx, [1]);
}

/** torch.index_select: the slices of `x` at `indices` along `axis`, in that order. */
export function indexSelect(x: TensorLike, axis: number, indices: TensorLike): Tensor {
  return engine().tidy(() => {
    const op = 'indexSelect';
    const t = toTensor(x, op, 'x');
    if (t.rank === 0) throw new Error(`${op}: cannot index a 0-d tensor`);
    const resolved = normalizeAxis(op, axis, t.rank);
    const idx = checkIndexList(op, indices, t.shape[resolved], resolved);
    const attrs: AxisAttrs = { axis: resolved };
    return runKernel(KernelName.Gather, { x: t, indices: idx }, attrs);
  });
}

/** Checks torch.gather's index against the gathered tensor's shape; returns the resolved axis. */
function checkElementIndex(op: string, shape: Shape, index: Tensor, axis: number, xName: string): number {
  const rank = shape.length;
  const resolved = normalizeAxis(op, axis, rank);
  if (index.rank !== rank) {
    throw new Error(`${op}: index ${formatShape(index.shape)} must have the same rank as ${xName} ${formatShape(shape)}`);
  }
  for (let d = 0; d < rank; d++) {
    if (d !== resolved && index.shape[d] > shape[d]) {
      throw new Error(`${op}: index ${formatShape(index.shape)} is larger than ${xName} ${formatShape(shape)} in dimension ${d}`);
    }
  }
  const size = rank === 0 ? 1 : shape[resolved];
  assertIndicesInRange(op, index, size, `for axis ${resolved} of size ${size}`);
  return resolved;
}

/** torch.gather: out[i][j][k] = x[index[i][j][k]][j][k] (axis 0), and so on; output has index's shape. */
export function gather(x: TensorLike, axis: number, index: TensorLike): Tensor {
  return engine().tidy(() => {
    const op = 'gather';
    const t = toTensor(x, op, 'x');
    const idx = toIndexTensor(index, op, 'index');
    const attrs: AxisAttrs = { axis: checkElementIndex(op, t.shape, idx, axis, 'x') };
    return runKernel(KernelName.GatherElements, { x: t, indices: idx }, attrs);
  });
}

/** The gradient of gather: zeros of `shape`, then out[..index[p]..] += dy[p] (kernel ScatterAdd). */
export function gatherGrad(dy: TensorLike, axis: number, index: TensorLike, shape: Shape): Tensor {
  return engine().tidy(() => {
    const op = 'gatherGrad';
    const g = toTensor(dy, op, 'dy');
    const idx = toIndexTensor(index, op, 'index');
    assertValidShape(op, shape);
    if (!shapesEqual(g.shape, idx.shape)) throw new Error(`${op}: dy ${formatShape(g.shape)} and index ${formatShape(idx.shape)} must have the same shape`);
    const attrs: ScatterAddAttrs = { axis: checkElementIndex(op, shape, idx, axis, 'the output'), shape: [...shape] };
    return runKernel(KernelName.ScatterAdd, { dy: g, indices: idx }, attrs);
  });
}

/** torch.scatter_add: x plus src's elements added at x[..index[p]..] (repeats accumulate). */
export function scatterAdd(x: TensorLike, axis: number, index: TensorLike, src: TensorLike): Tensor {
  return engine().tidy(() => {
    const op = 'scatterAdd';
    const t = toTensor(x, op, 'x');
    const s = toTensor(src, op, 'src');
    const idx = toIndexTensor(index, op, 'index');
    if (s.rank !== idx.rank || idx.shape.some((d, i) => d > s.shape[i])) {
      throw new Error(`${op}: index ${formatShape(idx.shape)} must have src's rank and be no larger than src ${formatShape(s.shape)}`);
    }
    // PyTorch reads only the part of src that index covers.
    const used = shapesEqual(s.shape, idx.shape) ? s : slice(s, idx.shape.map(() => 0), [...idx.shape]);
    checkElementIndex(op, t.shape, idx, axis, 'x');
    return add(t, gatherGrad(used, axis, idx, t.shape));
  });
}

declare module '../tensor.js' {
  interface Tensor {
    indexSelect(axis: number, indices: TensorLike): Tensor;
    gather(axis: number, index: TensorLike): Tensor;
    scatterAdd(axis: number, index: TensorLike, src: TensorLike): Tensor;
  }
}

Tensor.prototype.indexSelect = function (this: Tensor, axis: number, indices: TensorLike) { return indexSelect(this, axis, indices); };
Tensor.prototype.gather = function (this: Tensor, axis: number, index: TensorLike) { return gather(this, axis, index); };
Tensor.prototype.scatterAdd = function (this: Tensor, axis: number, index: TensorLike, src: TensorLike) { return scatterAdd(this, axis, index, src); };
