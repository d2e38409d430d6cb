import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { noGrad } from '@nn/autograd';
import { engine, manualSeed, randint, randn, type Tensor } from '@nn/tensor';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  LSTM,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softplus,
  Tanh,
  TransformerEncoderLayer,
  Upsample,
  type AnyModule,
} from '../index.js';
import { expectClose, onnxSignature, runOnnx } from '../test-utils/onnx_runtime.js';
import { exportOnnx, type ExportOnnxOptions } from './export.js';

/** Exports at the example's batch, then compares ONNX Runtime with @nn at other batch sizes. */
async function expectExportMatches(model: AnyModule, makeInput: (batch: number) => Tensor, batches: readonly number[], options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  const bytes = exportOnnx(model, makeInput(2), options);
  model.eval();
  for (const n of batches) {
    const x = makeInput(n);
    const out = await runOnnx(bytes, { [options.inputNames?.[0] ?? 'input']: x });
    const expected = noGrad(() => (model.forward as (x: Tensor) => Tensor)(x));
    expectClose(out[options.outputNames?.[0] ?? 'output'], expected);
  }
  return bytes;
}

/** The classifier of the lecture's sentiment example: embedding, a 2-layer LSTM, the last hidden state. */
class LstmClassifier extends Module {
  embedding = new Embedding(20, 8);
  lstm = new LSTM(8, 16, { batchFirst: true, numLayers: 2 });
  fc = new Linear(16, 3);
  forward(tokens: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(this.embedding.forward(tokens));
    return this.fc.forward(h.select(0, -1));
  }
}

describe('exportOnnx', () => {
  it('exports a small CNN with named inputs and outputs that ONNX Runtime runs at other batch sizes', async () => {
    manualSeed(0);
    const model = new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 5));
    const options = { inputNames: ['images'], outputNames: ['logits'] };
    const bytes = await expectExportMatches(model, (n) => randn([n, 3, 8, 8]), [1, 3], options);
    expect(await onnxSignature(bytes)).toEqual({ inputNames: ['images'], outputNames: ['logits'] });
  });

  it('exports an LSTM classifier over token ids (int32 input), unrolled over the example length', async () => {
    manualSeed(1);
    await expectExportMatches(new LstmClassifier(), (n) => randint(0, 20, [n, 5]), [1, 4]);
  });

  it('exports a Transformer encoder layer (attention, layer norm, GELU)', async () => {
    manualSeed(2);
    const model = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, activation: 'gelu' });
    await expectExportMatches(model, (n) => randn([n, 5, 8]), [1, 3]);
  });

  it('exports activations and normalisations', async () => {
    manualSeed(3);
    const model = new Sequential(
      new Linear(6, 6),
      new LeakyReLU(0.1),
      new ELU(0.5),
      new Softplus(2, 1),
      new GELU('tanh'),
      new GELU(),
      new Tanh(),
      new LayerNorm(6),
      new BatchNorm1d(6, { affine: false }),
      new Sigmoid(),
      new LogSoftmax(1),
    );
    for (const [name, b] of model.namedBuffers()) if (name.endsWith('running_var')) engine().assign(b, randn(b.shape).abs().add(0.5));
    await expectExportMatches(model, (n) => randn([n, 6]).mul(3), [1, 3]);
  });

  it('exports pooling with ceil mode and padding, uneven adaptive windows and resizing', async () => {
    manualSeed(4);
    const model = new Sequential(
      new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      new AvgPool2d(2, { ceilMode: true, countIncludePad: false }),
      new AvgPool2d(2, { stride: 1, padding: 1, divisorOverride: 3 }),
      new Upsample({ scaleFactor: 2, mode: 'nearest' }),
      new Upsample({ size: [7, 9], mode: 'bilinear' }),
      new Upsample({ scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }),
      // 1/1.7 is not in/out: the factor itself goes to ONNX, as PyTorch uses it
      new Upsample({ scaleFactor: 1.7, mode: 'bilinear' }),
      new Upsample({ scaleFactor: [0.7, 1.3], mode: 'nearest' }),
      new AdaptiveMaxPool2d([4, 3]),
      new AdaptiveAvgPool2d([3, 2]),
    );
    await expectExportMatches(model, (n) => randn([n, 2, 11, 11]), [1, 3]);
  });

  it('keeps outputs in order under the names given, and fixes every size with batchAxis false', async () => {
    manualSeed(5);
    class TwoHeads extends Module<[Tensor], [Tensor, { twice: Tensor }]> {
      body = new Linear(4, 4);
      forward(x: Tensor): [Tensor, { twice: Tensor }] {
        const h = this.body.forward(x);
        return [h, { twice: h.mul(2) }];
      }
    }
    const model = new TwoHeads();
    const x = randn([2, 4]);
    const bytes = exportOnnx(model, x, { outputNames: ['h', 'twice'], batchAxis: false });
    const out = await runOnnx(bytes, { input: x });
    const [h, { twice }] = model.forward(x);
    expectClose(out.h, h);
    expectClose(out.twice, twice);
    await expect(runOnnx(bytes, { input: randn([3, 4]) })).rejects.toThrow(/dimension|shape/i);
  });

  it('names the kernel and module path it cannot map', () => {
    class Unpooling extends Module {
      forward(x: Tensor): Tensor {
        const { indices } = engine().tidy(() => {
          const [values, idx] = engine().runKernel('MaxPool2D', { x }, { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1], outputSize: [2, 2] });
          return { values, indices: idx };
        });
        return indices.cast('float32');
      }
    }
    const model = new Sequential(new ReLU(), new Unpooling());
    expect(() => exportOnnx(model, randn([2, 1, 4, 4]))).toThrow(/^exportOnnx: kernel 'MaxPool2D' in module '1' \(Unpooling\): its indices output has no ONNX counterpart$/);
    class Backward extends Module {
      forward(x: Tensor): Tensor {
        return engine().runKernel('ReluGrad', { dy: x, y: x })[0];
      }
    }
    const withGrad = new Sequential(new Sequential(new ReLU(), new Backward()));
    expect(() => exportOnnx(withGrad, randn([2, 3]))).toThrow(/^exportOnnx: kernel 'ReluGrad' in module '0\.1' \(Backward\) has no ONNX mapping$/);
  });

  it('rejects unknown options, a wrong number of names and opsets outside 17 to 21', () => {
    const model = new Linear(2, 2);
    const x = randn([1, 2]);
    expect(() => exportOnnx(model, x, { opset: 13 })).toThrow('exportOnnx: opset must be an integer from 17 to 21, got 13');
    expect(() => exportOnnx(model, x, { outputNames: ['a', 'b'] })).toThrow('exportOnnx: outputNames has 2 names for 1 outputs');
    expect(() => exportOnnx(model, x, { dynamicAxes: {} } as ExportOnnxOptions)).toThrow(/unknown option 'dynamicAxes'/);
  });

  it('restores training mode and leaves no tensors behind', () => {
    const model = new Sequential(new Linear(3, 3), new BatchNorm2d(3));
    const plain = new Sequential(new Linear(3, 3), new ReLU());
    const x = randn([2, 3]);
    exportOnnx(plain, x);
    const before = engine().memory().numTensors;
    exportOnnx(plain, x, { opset: 18 });
    expect(engine().memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(plain.training && plain.modules().every((m) => m.training)).toBe(true);
  });
});
