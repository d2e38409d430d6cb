/**
 * Broadcast iteration for elementwise kernels with several operands. The output is walked as
 * runs along its innermost axis; within a run each operand advances by a fixed stride (1,
 * or 0 where it broadcasts), so a kernel's inner loop is a plain strided loop. Adjacent axes
 * that every operand walks the same way are merged first: equal shapes become one run, a
 * bias over the last axis becomes rows, a per-channel term over NCHW becomes H*W-long runs.
 */
import { sizeFromShape, stridesOf, type Shape } from '@nn/tensor';

export interface BroadcastPlan {
  /** Elements in the output. */
  size: number;
  /** Length of each run (the merged innermost axis). */
  inner: number;
  /** Per operand: its stride within a run. */
  innerStrides: number[];
  /** The merged outer axes, walked as an odometer. */
  outerShape: number[];
  /** Per operand, per outer axis: its stride. */
  outerStrides: number[][];
}

/** Strides of `shape` seen from an output of shape `outShape`, zero along broadcast axes. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = stridesOf(shape);
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const axis = rank - shape.length + i;
    out[axis] = shape[i] === 1 ? 0 : strides[i];
  }
  return out;
}

export function broadcastPlan(shapes: readonly Shape[], outShape: Shape): BroadcastPlan {
  const full = shapes.map((s) => broadcastStrides(s, outShape));
  // Drop size-1 axes, then merge each axis into the next inner one where every operand allows.
  const dims: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let axis = 0; axis < outShape.length; axis++) {
    const d = outShape[axis];
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && full.every((s, k) => strides[k][last] === s[axis] * d)) {
      dims[last] *= d;
      full.forEach((s, k) => (strides[k][last] = s[axis]));
    } else {
      dims.push(d);
      full.forEach((s, k) => strides[k].push(s[axis]));
    }
  }
  const inner = dims.length > 0 ? dims[dims.length - 1] : 1;
  return {
    size: sizeFromShape(outShape),
    inner,
    innerStrides: strides.map((s) => (dims.length > 0 ? s[s.length - 1] : 0)),
    outerShape: dims.slice(0, -1),
    outerStrides: strides.map((s) => s.slice(0, -1)),
  };
}

/**
 * Moves `offsets` (one per operand) from the start of one run to the start of the next;
 * `index` is the odometer over `plan.outerShape`, zero at first.
 */
export function nextRun(plan: BroadcastPlan, index: Int32Array, offsets: Int32Array): void {
  const { outerShape, outerStrides } = plan;
  for (let axis = outerShape.length - 1; axis >= 0; axis--) {
    index[axis]++;
    if (index[axis] < outerShape[axis]) {
      for (let k = 0; k < offsets.length; k++) offsets[k] += outerStrides[k][axis];
      return;
    }
    index[axis] = 0;
    for (let k = 0; k < offsets.length; k++) offsets[k] -= outerStrides[k][axis] * (outerShape[axis] - 1);
  }
}
