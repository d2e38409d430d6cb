import '@nn/backend-cpu';
import { registerGpujsBackend } from '@nn/backend-gpujs';
import { setBackend } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from './config.js';
import { Trainer } from './trainer.js';

const spiral: Config = { ...DEFAULT_CONFIG, dataset: 'spiral', features: ['x1', 'x2', 'sinx1', 'sinx2'], hidden: [8, 8], activations: ['tanh', 'tanh'], optimizer: 'adam', learningRate: 0.03 };

describe('Trainer', () => {
  afterAll(() => setBackend('cpu'));

  it('learns the spiral with the sin features: test loss below 0.1', async () => {
    const trainer = new Trainer(spiral, null, 10);
    const start = await trainer.losses();
    let epochs = 0;
    let test = start.test;
    const t0 = performance.now();
    while (test >= 0.1 && epochs < 400) {
      for (let i = 0; i < 10; i++) trainer.trainEpoch();
      epochs += 10;
      test = (await trainer.losses()).test;
    }
    console.log(`spiral: test loss ${start.test.toFixed(3)} -> ${test.toFixed(3)} in ${epochs} epochs, ${(performance.now() - t0).toFixed(0)} ms`);
    expect(test).toBeLessThan(0.1);
    expect(trainer.epoch).toBe(epochs);
  });

  it('bends the default circle within a minute of epochs, as a new reader would see it', async () => {
    const trainer = new Trainer(DEFAULT_CONFIG, null, 4);
    for (let i = 0; i < 50; i++) trainer.trainEpoch();
    expect((await trainer.losses()).test).toBeLessThan(0.3);
  });

  it('learns the regression plane with the mean squared error', async () => {
    const trainer = new Trainer({ ...DEFAULT_CONFIG, dataset: 'plane', problem: 'regression' }, null, 4);
    const before = (await trainer.losses()).test;
    for (let i = 0; i < 5; i++) trainer.trainEpoch();
    expect((await trainer.losses()).test).toBeLessThan(Math.min(0.05, before / 5));
  });

  it('L2 regularisation pulls the weights to zero, L1 too', async () => {
    const norm = async (t: Trainer): Promise<number> => Math.hypot(...(await t.frame()).weights[0]);
    for (const regularization of ['L1', 'L2'] as const) {
      const trainer = new Trainer({ ...DEFAULT_CONFIG, regularization, regularizationRate: 0.3 }, null, 4);
      const before = await norm(trainer);
      for (let i = 0; i < 10; i++) trainer.trainEpoch();
      expect(await norm(trainer)).toBeLessThan(before / 3);
    }
  });

  it('gives the same weights for the same seed, and others for another seed', async () => {
    const a = await new Trainer(DEFAULT_CONFIG, null, 4).frame();
    const b = await new Trainer(DEFAULT_CONFIG, null, 4).frame();
    const c = await new Trainer({ ...DEFAULT_CONFIG, seed: 2 }, null, 4).frame();
    expect(a.weights).toEqual(b.weights);
    expect(a.weights).not.toEqual(c.weights);
  });

  it('draws every hidden neuron and the output over the grid, and a gradient norm per layer', async () => {
    const trainer = new Trainer({ ...DEFAULT_CONFIG, hidden: [3, 2], activations: ['relu', 'sigmoid'] }, null, 5);
    trainer.trainEpoch();
    const frame = await trainer.frame();
    expect(frame.output).toHaveLength(25);
    expect(frame.neurons.map((n) => n.length)).toEqual([75, 50]);
    expect(frame.weights.map((w) => w.length)).toEqual([6, 6, 2]);
    expect(frame.gradNorms).toHaveLength(3);
    expect(frame.gradNorms.every((g) => g > 0)).toBe(true);
    expect(Math.max(...frame.output.map(Math.abs))).toBeLessThanOrEqual(1);
  });

  it('edits one weight in place', async () => {
    const trainer = new Trainer(DEFAULT_CONFIG, null, 4);
    await trainer.setWeight(1, 1, 3, 2.5);
    const frame = await trainer.frame();
    expect(frame.weights[1][1 * 4 + 3]).toBe(2.5);
    await expect(trainer.setWeight(1, 5, 0, 1)).rejects.toThrow(/setWeight: no link 0 → 5 in layer 1/);
  });

  it('moves to another backend keeping the weights and the optimizer state, and keeps learning', async () => {
    registerGpujsBackend('gpujs-webasm-test', { mode: 'webasm' });
    const moved = new Trainer({ ...DEFAULT_CONFIG, optimizer: 'adam' }, null, 4);
    const stay = new Trainer({ ...DEFAULT_CONFIG, optimizer: 'adam' }, null, 4);
    for (let i = 0; i < 3; i++) {
      moved.trainEpoch();
      stay.trainEpoch();
    }
    await moved.useBackend('gpujs-webasm-test');
    moved.trainEpoch();
    const onGpu = await moved.frame();
    await setBackend('cpu');
    stay.trainEpoch();
    const onCpu = await stay.frame();
    // Same data, same shuffles, same Adam moments: the same weights up to float32 rounding.
    for (const [l, w] of onCpu.weights.entries()) {
      for (const [k, v] of w.entries()) expect(onGpu.weights[l][k]).toBeCloseTo(v, 4);
    }
  });
});
