/** Reads the PyTorch reference vectors of tooling/conformance/vectors for layer and loss tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type Tensor } from '@nn/tensor';
import { expect } from 'vitest';

interface RawTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: number[];
}

export interface Vector {
  attrs: Record<string, unknown>;
  inputs: Record<string, Tensor>;
  output: Tensor;
  extra: Record<string, Tensor>;
  G: Tensor;
  grads: Record<string, Tensor>;
}

const dir = join(import.meta.dirname, '../../../../tooling/conformance/vectors');

function toTensor(raw: RawTensor): Tensor {
  return tensor(raw.data, raw.shape, raw.dtype === 'int64' ? 'int32' : 'float32');
}

export function loadVector(name: string): Vector {
  const raw = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    attrs: Record<string, unknown>;
    inputs: Record<string, RawTensor>;
    output: RawTensor;
    extra_outputs?: Record<string, RawTensor>;
    G: RawTensor;
    grads?: Record<string, RawTensor>;
  };
  const map = (o: Record<string, RawTensor> | undefined): Record<string, Tensor> => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, toTensor(v)]));
  return { attrs: raw.attrs, inputs: map(raw.inputs), output: toTensor(raw.output), extra: map(raw.extra_outputs), G: toTensor(raw.G), grads: map(raw.grads) };
}

/** |a − b| <= atol + rtol·|b| elementwise, shapes equal (the vectors' README tolerances). */
export function expectClose(actual: Tensor, expected: Tensor, atol = 1e-4, rtol = 1e-4, what = 'value'): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  const a = actual.dataSync();
  const b = expected.dataSync();
  for (let i = 0; i < b.length; i++) {
    const ok = Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])) || a[i] === b[i];
    if (!ok) expect(a[i], `${what}[${i}]`).toBeCloseTo(b[i], 5);
  }
}
