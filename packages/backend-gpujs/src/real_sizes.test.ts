/**
 * Every kernel of a training step at the sizes real models use, against backend-cpu: a
 * batch of 256 through LeNet-5 (the image classifier's validation batch), a ResNet-18
 * downsampling block, and outputs past 16,384 rows (a texture's side on most GPUs, and where
 * webasm's direct convolutions once handed over to GL-only kernels). Conformance cases stay
 * far below these sizes, where no kernel splits its work. Runs in webasm here; tooling/gpu-legs
 * runs this file again with NN_GPUJS_MODE=headlessgl.
 */
import '@nn/backend-cpu';
import { AvgPool2d, BatchNorm2d, Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, Tanh } from '@nn/layers';
import { conv2d, engine, logSoftmax, manualSeed, matmul, randint, randn, setBackend, sum, tidy, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import type { GpujsBackend } from './backend_gpujs.js';
import { setGpujsOptions } from './index.js';
import { onBothBackends } from './test-utils/compare.js';

const mode = process.env.NN_GPUJS_MODE === 'headlessgl' ? 'headlessgl' : 'webasm';
setGpujsOptions({ mode });
afterAll(async () => {
  await setBackend('cpu');
});

/**
 * The conformance suite's tolerance for results that add up many terms (rtol 1e-4, atol 1e-4),
 * with atol taken relative to the largest value: a gradient summed over 256 images is a sum of
 * about 10^5 products, and a sum that cancels to near 0 keeps the rounding of its large terms.
 */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (1e-4 * scale + 1e-4 * Math.abs(expected[i]));
    if (!(excess <= worst)) [worst, at] = [excess, i]; // NaN counts as off
  }
  expect(at, `${what}: element ${at} is ${actual[at]}, backend-cpu gave ${expected[at]}`).toBe(-1);
}

/** Loss and every parameter's gradient after one forward and backward pass on `backend`. */
async function step(backend: string, model: Module<[Tensor], Tensor>, x: Tensor, y: Tensor): Promise<{ loss: Float32Array; grads: Float32Array[] }> {
  await setBackend(backend);
  model.zeroGrad();
  const loss = crossEntropy(model.forward(x), y);
  loss.backward();
  const grads = model.parameters().map((p) => p.grad!.dataSync() as Float32Array);
  const values = loss.dataSync() as Float32Array;
  loss.dispose();
  model.zeroGrad();
  return { loss: values, grads };
}

async function expectSameStep(model: Module<[Tensor], Tensor>, xShape: number[], classes: number): Promise<void> {
  manualSeed(5);
  const x = randn(xShape);
  const y = randint(0, classes, [xShape[0]], { dtype: 'int32' });
  const cpu = await step('cpu', model, x, y);
  const gpujs = await step('gpujs', model, x, y);
  expect((engine().findBackend('gpujs') as GpujsBackend).mode).toBe(mode);
  await setBackend('cpu');
  expectClose(gpujs.loss, cpu.loss, 'loss');
  const names = model.namedParameters().map(([name]) => name);
  cpu.grads.forEach((g, k) => expectClose(gpujs.grads[k], g, `gradient of ${names[k]}`));
  x.dispose();
  y.dispose();
}

/** ResNet-18's first downsampling block (layer2.0): two 3 × 3 convolutions, the first with stride 2, and a 1 × 1 projection. */
class BasicBlock extends Module<[Tensor], Tensor> {
  conv1 = new Conv2d(64, 128, 3, { stride: 2, padding: 1, bias: false });
  bn1 = new BatchNorm2d(128);
  conv2 = new Conv2d(128, 128, 3, { padding: 1, bias: false });
  bn2 = new BatchNorm2d(128);
  downsample = new Sequential(new Conv2d(64, 128, 1, { stride: 2, bias: false }), new BatchNorm2d(128));
  relu = new ReLU();
  head = new Sequential(new Flatten(), new Linear(128 * 8 * 8, 10));

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))));
    return this.head.forward(this.relu.forward(out.add(this.downsample.forward(x))));
  }
}

describe(`gpujs (${mode}) at the sizes real models use`, () => {
  it('trains LeNet-5 on a batch of 256: loss and every gradient match backend-cpu', async () => {
    manualSeed(1);
    const lenet = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }), // 256 × 6 × 28 rows of 28: 43,008 rows
      new Tanh(),
      new AvgPool2d(2),
      new Conv2d(6, 16, 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(16 * 5 * 5, 120),
      new Tanh(),
      new Linear(120, 84),
      new ReLU(),
      new Linear(84, 10),
    );
    await expectSameStep(lenet, [256, 1, 28, 28], 10);
  });

  it('trains a ResNet-18 downsampling block (64 → 128 channels, stride 2): loss and every gradient match backend-cpu', async () => {
    manualSeed(2);
    await expectSameStep(new BasicBlock(), [4, 64, 16, 16], 10);
  });

  // The shapes of issue reports: each output has far more than 16,384 rows of its width.
  const convs: [number[], number[]][] = [
    [[100, 1, 32, 32], [6, 1, 5, 5]],
    [[40, 3, 64, 64], [16, 3, 3, 3]],
    [[1000, 6, 14, 14], [16, 6, 5, 5]],
  ];
  for (const [xShape, wShape] of convs) {
    it(`convolves [${xShape.join(',')}] with [${wShape.join(',')}] like backend-cpu`, async () => {
      manualSeed(3);
      const x = randn(xShape);
      const w = randn(wShape);
      const { cpu, gpujs } = await onBothBackends(() => conv2d(x, w));
      expectClose(gpujs, cpu, 'conv2d');
      x.dispose();
      w.dispose();
    });
  }

  it('runs a linear layer, log-softmax and a row sum over 20,000 rows like backend-cpu', async () => {
    manualSeed(4);
    const x = randn([20_000, 24]);
    const w = randn([24, 10]);
    const { cpu, gpujs } = await onBothBackends(() => tidy(() => sum(logSoftmax(matmul(x, w), 1), 1)));
    expectClose(gpujs, cpu, 'sum(logSoftmax(x @ w))');
    x.dispose();
    w.dispose();
  });
});
