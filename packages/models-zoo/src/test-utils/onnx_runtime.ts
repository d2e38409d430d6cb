/**
 * Runs an exported ONNX model in ONNX Runtime for Node and compares its outputs with
 * @nn's, within the conformance suite's tolerances for conv/matmul outputs.
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { exportOnnx, type AnyModule } from '@nn/layers';
import { noGrad } from '@nn/autograd';
import type { Tensor } from '@nn/tensor';

/**
 * Exports `model` with an example batch of 2 from `makeInput`, then checks ONNX Runtime
 * against `model.forward` (in eval mode) at each batch size in `batches`.
 */
export async function expectOnnxMatches(model: AnyModule, makeInput: (batch: number) => Tensor, batches: readonly number[], atol = 1e-4, rtol = 1e-4): Promise<void> {
  const bytes = exportOnnx(model, makeInput(2), { inputNames: ['images'], outputNames: ['output'] });
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect([...session.inputNames, ...session.outputNames]).toEqual(['images', 'output']);
    model.eval();
    for (const batch of batches) {
      const x = makeInput(batch);
      const expected = noGrad(() => (model.forward as (x: Tensor) => Tensor)(x));
      const out = (await session.run({ images: new ort.Tensor('float32', x.dataSync() as Float32Array, [...x.shape]) })).output;
      expect([...out.dims]).toEqual(expected.shape);
      const got = out.data as Float32Array;
      const want = expected.dataSync();
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
          expect.fail(`batch ${batch}, element ${i}: ONNX Runtime gives ${got[i]}, @nn ${want[i]} (beyond atol ${atol} + rtol ${rtol})`);
        }
      }
    }
  } finally {
    await session.release();
  }
}
