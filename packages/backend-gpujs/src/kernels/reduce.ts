/**
 * Reductions (sum, prod, max, min) over the input viewed as [outer, reduce, inner], the
 * reduced axes first made adjacent by a transpose when they are not. A long reduction is
 * split: each pass folds CHUNK values per thread into [outer, ceil(reduce / CHUNK), inner]
 * partials, so no thread runs an unbounded loop (a GPU watchdog stops long shaders) and
 * float32 sums add in a tree. max and min propagate NaN, as PyTorch's.
 */
import { KernelName, reducedShape, sizeFromShape, type DType, type ReduceAttrs, type Shape, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { constant, lit } from '../codegen.js';
import { transposeInfo } from './transpose.js';
import type { GpujsKernel, KernelConfig } from './types.js';

/** Values one thread folds per pass. */
export const CHUNK = 1024;

export type ReduceKind = 'sum' | 'prod' | 'max' | 'min';

const INIT: Record<ReduceKind, string> = { sum: '0.0', prod: '1.0', max: constant(-Infinity), min: constant(Infinity) };

function fold(kind: ReduceKind, acc: string, v: string): string {
  switch (kind) {
    case 'sum':
      return `${acc} = ${acc} + ${v};`;
    case 'prod':
      return `${acc} = ${acc} * ${v};`;
    case 'max':
      return `if (${v} > ${acc} || ${v} != ${v}) { ${acc} = ${v}; }`;
    case 'min':
      return `if (${v} < ${acc} || ${v} != ${v}) { ${acc} = ${v}; }`;
  }
}

/** A buffer of `shape` filled with the source expression `value`. */
export function fill(backend: GpujsBackend, shape: Shape, dtype: DType, value: string): TensorInfo {
  return backend.compute({ label: 'Fill', shape, dtype, inputs: [], body: () => value });
}

/**
 * Reduces x, viewed as [outer, reduce, inner], over its middle axis into a buffer of
 * `outShape` (outer * inner elements), in as many passes as CHUNK requires.
 */
export function reduceView(backend: GpujsBackend, kind: ReduceKind, x: TensorInfo, outer: number, reduce: number, inner: number, outShape: Shape): TensorInfo {
  if (reduce === 0) return fill(backend, outShape, x.dtype, INIT[kind]);
  let current = x;
  let length = reduce;
  while (length > 0) {
    const parts = Math.ceil(length / CHUNK);
    const last = parts === 1;
    const count = Math.min(length, CHUNK);
    const n = length;
    const next = backend.compute({
      label: `${kind} over ${n}`,
      shape: last ? outShape : [outer, parts, inner],
      dtype: x.dtype,
      inputs: [current],
      body: (src, [ref]) => {
        const [o, c, j] = src.coords('i', [outer, parts, inner]);
        const start = src.let(`(${o} * ${lit(n)} + ${c} * ${lit(CHUNK)}) * ${lit(inner)} + ${j}`);
        const acc = src.let(src.read(ref, start));
        if (count > 1) {
          const k = src.loop(count - 1);
          if (!last) src.open(`if (${c} * ${lit(CHUNK)} + ${k} + 1.0 < ${lit(n)})`);
          src.line(fold(kind, acc, src.read(ref, `${start} + (${k} + 1.0) * ${lit(inner)}`)));
          if (!last) src.end();
          src.end();
        }
        return acc;
      },
    });
    if (current !== x) backend.release(current);
    current = next;
    if (last) break;
    length = parts;
  }
  return current;
}

/** Reduces x over `axes` (sorted, distinct) into reducedShape(x.shape, axes, keepDim). */
export function reduceAxes(backend: GpujsBackend, kind: ReduceKind, x: TensorInfo, axes: readonly number[], keepDim: boolean): TensorInfo {
  const outShape = reducedShape(x.shape, axes, keepDim);
  const shape = x.shape;
  let reduce = 1;
  for (const a of axes) reduce *= shape[a];
  if (axes.length === 0 || reduce === 1) {
    // Nothing is folded: a copy of the values in the reduced shape.
    return reduceView(backend, kind, x, sizeFromShape(shape), 1, 1, outShape);
  }
  const adjacent = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (adjacent) {
    const outer = sizeFromShape(shape.slice(0, axes[0]));
    const inner = sizeFromShape(shape.slice(axes[axes.length - 1] + 1));
    return reduceView(backend, kind, x, outer, reduce, inner, outShape);
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = transposeInfo(backend, x, [...kept, ...axes]);
  const result = reduceView(backend, kind, moved, sizeFromShape(kept.map((k) => shape[k])), reduce, 1, outShape);
  backend.release(moved);
  return result;
}

const reduceKernel =
  (kind: ReduceKind): GpujsKernel<ReduceAttrs> =>
  ({ inputs: { x }, attrs: { axes, keepDim }, backend }) =>
    reduceAxes(backend, kind, x, [...axes].sort((a, b) => a - b), keepDim);

export const reduceKernels: KernelConfig[] = [
  { kernelName: KernelName.Sum, kernelFunc: reduceKernel('sum') },
  { kernelName: KernelName.Prod, kernelFunc: reduceKernel('prod') },
  { kernelName: KernelName.Max, kernelFunc: reduceKernel('max') },
  { kernelName: KernelName.Min, kernelFunc: reduceKernel('min') },
];
