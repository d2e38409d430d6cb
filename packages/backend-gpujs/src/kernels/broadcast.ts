/**
 * Reading an operand of an elementwise kernel at the thread's output position under NumPy
 * broadcasting: an operand as large as the output lies in the same layout and is read in
 * place, a one-element operand is read once, and anything else through its broadcast
 * strides (zero along the axes it repeats over).
 */
import type { Shape } from '@nn/tensor';
import { dot, strides, type KernelSource, type TensorRef } from '../codegen.js';

/** Strides of `shape` seen from an output of shape `outShape`, zero along broadcast axes. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = strides(shape);
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const axis = outShape.length - shape.length + i;
    out[axis] = shape[i] === 1 ? 0 : own[i];
  }
  return out;
}

/** Output coordinates, computed on first use and shared by every operand of one kernel. */
export function lazyCoords(src: KernelSource, outShape: Shape): () => string[] {
  let coords: string[] | null = null;
  return () => (coords ??= src.coords('i', outShape));
}

export function broadcastRead(src: KernelSource, ref: TensorRef, shape: Shape, outShape: Shape, coords: () => string[]): string {
  const size = ref.layout.size;
  if (size === 1) return src.let(`${ref.name}[0][0]`);
  if (size === src.out.size) return src.let(src.readSame(ref));
  return src.read(ref, dot(coords(), broadcastStrides(shape, outShape)));
}
