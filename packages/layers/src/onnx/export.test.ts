import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { manualSeed, randn, relu, type Tensor } from '@nn/tensor';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../index.js';
import { expectClose, onnxSignature, runOnnx } from '../test-utils/onnx_runtime.js';
import { exportOnnx } from './export.js';

describe('exportOnnx', () => {
  it('exports a small CNN that ONNX Runtime runs at other batch sizes', async () => {
    manualSeed(0);
    const model = new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 5));
    const bytes = exportOnnx(model, randn([2, 3, 8, 8]), { inputNames: ['images'], outputNames: ['logits'] });
    expect(await onnxSignature(bytes)).toEqual({ inputNames: ['images'], outputNames: ['logits'] });
    model.eval();
    for (const n of [1, 3]) {
      const x = randn([n, 3, 8, 8]);
      const out = await runOnnx(bytes, { images: x });
      expectClose(out.logits, model.forward(x));
    }
  });
});
