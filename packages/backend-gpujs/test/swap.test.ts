/**
 * The promise of the project: one model definition, trained on cpu or on gpujs by switching
 * the backend and nothing else. Parameters made on cpu move to gpujs on first use (the
 * engine moves a buffer when a kernel on another backend needs it).
 */
import '@nn/backend-cpu';
import { Conv2d, CrossEntropyLoss, fit, Flatten, Linear, MaxPool2d, ReLU, Sequential, SGD, type Module } from '@nn/layers';
import { engine, manualSeed, memory, randint, randn, setBackend, tensor, tidy, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { setGpujsOptions } from '../src/index.js';

setGpujsOptions({ mode: 'webasm' });
afterAll(async () => {
  await setBackend('cpu');
});

const mlp = (): Module<[Tensor], Tensor> => new Sequential(new Linear(6, 16), new ReLU(), new Linear(16, 16), new ReLU(), new Linear(16, 3));
const cnn = (): Module<[Tensor], Tensor> =>
  new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Conv2d(4, 6, 3), new ReLU(), new Flatten(), new Linear(6 * 2 * 2, 3));

/**
 * SGD with momentum on one fixed batch through the public training loop, one step per epoch;
 * returns each step's loss.
 */
async function train(model: Module<[Tensor], Tensor>, x: Tensor, y: Tensor, steps: number): Promise<number[]> {
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const history = await fit(model, [[x, y]], { loss: new CrossEntropyLoss(), optimizer, epochs: steps });
  return history.epochs.map((logs) => logs.loss);
}

/** Trains the same model from the same weights on cpu, then on gpujs; returns both loss curves. */
async function swap(build: () => Module<[Tensor], Tensor>, xShape: number[]): Promise<{ cpu: number[]; gpujs: number[] }> {
  await setBackend('cpu');
  manualSeed(3);
  const model = build();
  const x = randn(xShape);
  const y = randint(0, 3, [xShape[0]], { dtype: 'int32' });
  const initial = Object.entries(model.stateDict()).map(([key, t]) => [key, t.dataSync(), t.shape] as const);
  const restore = (): void => {
    const state = Object.fromEntries(initial.map(([key, values, shape]) => [key, tensor(values, shape)]));
    model.loadStateDict(state);
    for (const t of Object.values(state)) t.dispose();
  };
  const cpu = await train(model, x, y, 5);
  restore();
  await setBackend('gpujs');
  const gpujs = await train(model, x, y, 5);
  // The parameters now live on the gpujs backend: nothing in the model had to change for that.
  for (const p of model.parameters()) expect(engine().backendOf(p).name).toBe('gpujs');
  await setBackend('cpu');
  return { cpu, gpujs };
}

function expectSameLosses({ cpu, gpujs }: { cpu: number[]; gpujs: number[] }): void {
  expect(gpujs).toHaveLength(5);
  for (let i = 0; i < 5; i++) expect(Math.abs(gpujs[i] - cpu[i]) / Math.abs(cpu[i])).toBeLessThan(1e-4);
  expect(cpu[4]).toBeLessThan(cpu[0]);
}

describe('swapping the backend under one model', () => {
  it('trains an MLP 5 steps to the same losses on cpu and on gpujs', async () => {
    expectSameLosses(await swap(mlp, [32, 6]));
  });

  it('trains a small CNN 5 steps to the same losses on cpu and on gpujs', async () => {
    expectSameLosses(await swap(cnn, [8, 1, 8, 8]));
  });
});

describe('memory over a long run', () => {
  it('keeps the number of live textures flat over 1,000 training steps on gpujs', async () => {
    await setBackend('gpujs');
    manualSeed(5);
    const model = mlp();
    const x = randn([16, 6]);
    const y = randint(0, 3, [16], { dtype: 'int32' });
    const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const lossFn = new CrossEntropyLoss();
    const live: number[] = [];
    for (let step = 0; step < 1000; step++) {
      tidy(() => {
        optimizer.zeroGrad();
        lossFn.forward(model.forward(x), y).backward();
        optimizer.step();
      });
      if (step === 9 || step === 499 || step === 999) live.push(memory().backends.gpujs.numTextures);
    }
    expect(live).toHaveLength(3);
    expect(live[1]).toBe(live[0]);
    expect(live[2]).toBe(live[0]);
    await setBackend('cpu');
  }, 180_000); // ~6 s alone; CI runs it beside the other packages' suites
});
