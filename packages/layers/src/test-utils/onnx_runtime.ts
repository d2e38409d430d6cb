/**
 * Runs an exported ONNX model in ONNX Runtime for Node and compares its outputs with
 * @nn's, within the conformance suite's tolerances for conv/matmul outputs.
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Tensor } from '@nn/tensor';

const ORT_TYPE = { float32: 'float32', int32: 'int32', bool: 'bool' } as const;

export async function runOnnx(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const data = t.dtype === 'bool' ? Uint8Array.from(t.dataSync()) : t.dataSync();
    ortFeeds[name] = new ort.Tensor(ORT_TYPE[t.dtype], data, [...t.shape]);
  }
  try {
    return await session.run(ortFeeds);
  } finally {
    await session.release();
  }
}

/** Names of the graph's inputs and outputs as ONNX Runtime reads them. */
export async function onnxSignature(bytes: Uint8Array): Promise<{ inputNames: readonly string[]; outputNames: readonly string[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const signature = { inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
  await session.release();
  return signature;
}

export function expectClose(actual: ort.Tensor, expected: Tensor, atol = 1e-4, rtol = 1e-4): void {
  expect([...actual.dims]).toEqual(expected.shape);
  const got = actual.data as ArrayLike<number>;
  const want = expected.dataSync();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const excess = Math.abs(Number(got[i]) - want[i]) - (atol + rtol * Math.abs(want[i]));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  }
  if (at >= 0) expect.fail(`element ${at}: ONNX Runtime gives ${Number(got[at])}, @nn ${want[at]} (beyond atol ${atol} + rtol ${rtol})`);
}
