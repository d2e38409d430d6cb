import '@nn/backend-cpu';
import { engine, KernelName, setBackend, tensor, type AdamUpdateAttrs, type SgdUpdateAttrs, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { setGpujsOptions } from '../index.js';

setGpujsOptions({ mode: 'webasm' });
afterAll(() => setBackend('cpu'));

const param = [0.5, -0, 1e-3, -3.25, 70, 0.1];
const grad = [0.3, -0, -2, 1e-4, 5, -0.7];
const state = [0.01, 0.2, -0.3, 0.04, 0.5, 0.06];

/** Runs `kernelName` on `backend` and returns its outputs' values. */
async function run(backend: string, kernelName: string, inputs: Record<string, number[]>, attrs: object): Promise<number[][]> {
  await setBackend(backend);
  const tensors: Record<string, Tensor> = {};
  for (const [name, values] of Object.entries(inputs)) tensors[name] = tensor(values, [2, 3]);
  const outs = engine().runKernel(kernelName, tensors, attrs);
  return Promise.all(outs.map(async (t) => [...(await t.data())]));
}

async function expectSame(kernelName: string, inputs: Record<string, number[]>, attrs: object): Promise<void> {
  const want = await run('cpu', kernelName, inputs, attrs);
  const got = await run('gpujs', kernelName, inputs, attrs);
  expect(got.length).toBe(want.length);
  got.forEach((row, k) => row.forEach((v, j) => expect(Math.abs(v - want[k][j]), `output ${k}[${j}]: ${v} vs ${want[k][j]}`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[k][j])))));
}

describe('fused optimizer updates on gpujs agree with backend-cpu', () => {
  const sgd: SgdUpdateAttrs = { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: false, firstStep: false };
  it('SgdUpdate without momentum, with momentum (first and later steps), nesterov and maximize', async () => {
    await expectSame(KernelName.SgdUpdate, { param, grad }, { ...sgd, momentum: 0 });
    await expectSame(KernelName.SgdUpdate, { param, grad }, { ...sgd, firstStep: true });
    await expectSame(KernelName.SgdUpdate, { param, grad, momentumBuffer: state }, sgd);
    await expectSame(KernelName.SgdUpdate, { param, grad, momentumBuffer: state }, { ...sgd, dampening: 0, nesterov: true, maximize: true });
  });

  const adam: AdamUpdateAttrs = {
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0.1,
    decoupledWeightDecay: false,
    amsgrad: false,
    maximize: false,
    stepSize: 0.01 / (1 - 0.9 ** 3),
    biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** 3),
    decayFactor: 1 - 0.01 * 0.1,
  };
  it('AdamUpdate: Adam, AdamW, amsgrad, maximize', async () => {
    const inputs = { param, grad, expAvg: state, expAvgSq: state.map((v) => v * v) };
    await expectSame(KernelName.AdamUpdate, inputs, adam);
    await expectSame(KernelName.AdamUpdate, inputs, { ...adam, decoupledWeightDecay: true, maximize: true });
    await expectSame(KernelName.AdamUpdate, { ...inputs, maxExpAvgSq: state.map((v) => v * v * 2) }, { ...adam, amsgrad: true });
  });
});
