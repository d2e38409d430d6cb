/** Deterministic test inputs that keep clear of the kinks where finite differences mislead. */
import { tensor, type Tensor } from '@nn/tensor';

let state = 12345;

/** Restarts the sequence, so each test gets the same inputs whatever ran before. */
export function reseed(seed = 12345): void {
  state = seed;
}

function next(): number {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
}

export interface RandomOptions {
  min?: number;
  max?: number;
  /** Values within `margin` of these points are moved away (default margin 0.05). */
  avoid?: readonly number[];
  margin?: number;
}

/** Uniform values in [min, max) (default [-2, 2)), none within `margin` of the `avoid` points. */
export function random(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { min = -2, max = 2, avoid = [], margin = 0.05 } = options;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let v = min + (max - min) * next();
    for (const p of avoid) if (Math.abs(v - p) < margin) v = p + (v < p ? -margin : margin) * 2;
    values[i] = v;
  }
  return tensor(values, shape);
}

/** Distinct values (a shuffled ramp), for max/min and pools, where ties would make the derivative undefined. */
export function distinct(shape: readonly number[], spacing = 0.1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return tensor(Float32Array.from(order, (k) => (k - size / 2) * spacing), shape);
}
