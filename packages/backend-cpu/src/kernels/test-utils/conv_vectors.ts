/** Reads a PyTorch reference vector (tooling/conformance/vectors) for the conv kernel tests. */
import { readFileSync } from 'node:fs';

export interface StoredTensor {
  shape: number[];
  data: number[];
}

export interface ConvVector {
  attrs: { stride: number[]; padding: number[]; dilation: number[]; groups: number; output_padding?: number[] };
  inputs: { x: StoredTensor; weight: StoredTensor; bias: StoredTensor };
  output: StoredTensor;
  G: StoredTensor;
  grads: { x: StoredTensor; weight: StoredTensor; bias: StoredTensor };
}

export function loadConvVector(name: string): ConvVector {
  const url = new URL(`../../../../../tooling/conformance/vectors/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ConvVector;
}

/** |a - b| <= atol + rtol*|b| everywhere (the vectors' README tolerance for conv outputs). */
export function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-4, rtol = 1e-4): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) return false;
  }
  return true;
}
