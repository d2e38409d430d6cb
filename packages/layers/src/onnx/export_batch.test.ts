import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { noGrad } from '@nn/autograd';
import { manualSeed, randint, randn, zeros, type Tensor } from '@nn/tensor';
import { Embedding, GELU, LayerNorm, Linear, LSTM, Module, ReLU, Sequential } from '../index.js';
import { expectClose, runOnnx } from '../test-utils/onnx_runtime.js';
import { exportOnnx } from './export.js';

describe('exportOnnx: the dynamic batch', () => {
  it('exports from a single example and runs at batch 5', async () => {
    manualSeed(0);
    const model = new Sequential(new Linear(4, 3), new ReLU());
    const bytes = exportOnnx(model, randn([1, 4]));
    const x = randn([5, 4]);
    expectClose((await runOnnx(bytes, { input: x })).output, model.forward(x));
  });

  it('takes the batch from another axis: a time-major LSTM with batchAxis 1', async () => {
    manualSeed(1);
    class TimeMajor extends Module {
      embedding = new Embedding(10, 4);
      lstm = new LSTM(4, 6, { bidirectional: true });
      forward(tokens: Tensor): Tensor {
        return this.lstm.forward(this.embedding.forward(tokens))[0];
      }
    }
    const model = new TimeMajor().eval();
    const bytes = exportOnnx(model, randint(0, 10, [3, 2]), { batchAxis: 1 });
    const tokens = randint(0, 10, [3, 4]);
    expectClose((await runOnnx(bytes, { input: tokens })).output, noGrad(() => model.forward(tokens)));
  });

  it('fills a constant made in forward to the batch size (ConstantOfShape)', async () => {
    class WithZeros extends Module {
      fc = new Linear(3, 3);
      forward(x: Tensor): Tensor {
        return this.fc.forward(x).add(zeros(x.shape)).add(1);
      }
    }
    const model = new WithZeros();
    const bytes = exportOnnx(model, randn([2, 3]));
    const x = randn([4, 3]);
    expectClose((await runOnnx(bytes, { input: x })).output, model.forward(x));
  });

  for (const opset of [18, 20, 21]) {
    it(`writes opset ${opset} (reductions' axes as inputs from 18, Gelu from 20)`, async () => {
      manualSeed(2);
      const model = new Sequential(new Linear(5, 5), new GELU(), new LayerNorm(5));
      const bytes = exportOnnx(model, randn([2, 5]), { opset });
      const x = randn([3, 5]);
      expectClose((await runOnnx(bytes, { input: x })).output, model.forward(x));
    });
  }

  it('refuses a forward whose kernels change with the batch size', () => {
    class Branchy extends Module {
      forward(x: Tensor): Tensor {
        return x.shape[0] > 2 ? x.relu() : x.sigmoid();
      }
    }
    expect(() => exportOnnx(new Branchy(), randn([2, 3]))).toThrow(
      "exportOnnx: the forward pass at batch size 4 differs from the one at 2 (kernel run 0: Sigmoid in the root module (Branchy) against Relu in the root module (Branchy)); export needs a forward whose operations do not depend on the batch size",
    );
  });

  it('refuses random numbers made inside forward', () => {
    class Noisy extends Module {
      forward(x: Tensor): Tensor {
        return x.add(randn([3]));
      }
    }
    expect(() => exportOnnx(new Noisy(), randn([2, 3]))).toThrow('exportOnnx: a tensor of shape [3] made inside forward has other values at another batch size; only constants can be exported');
  });
});
