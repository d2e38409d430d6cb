import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { init, summary } from '@nn/layers';
import { manualSeed, rand, randn } from '@nn/tensor';
import { convAutoencoder, corrupt, reconstructionLoss, vae } from './autoencoder.js';
import { expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

describe('convAutoencoder', () => {
  it('codes 28×28 images through 14×14 and 7×7 maps and decodes them back to [0, 1]', () => {
    manualSeed(0);
    const model = convAutoencoder({ latentDim: 8 });
    const s = summary(model, [2, 1, 28, 28], { print: false });
    const shapeOf = (name: string): number[] | null => s.rows.find((r) => r.name === name)!.outputShape;
    expect(shapeOf('encoder.0')).toEqual([2, 32, 14, 14]);
    expect(shapeOf('encoder.2')).toEqual([2, 64, 7, 7]);
    expect(shapeOf('encoder.5')).toEqual([2, 8]);
    expect(shapeOf('decoder.3')).toEqual([2, 32, 14, 14]);
    expect(shapeOf('decoder')).toEqual([2, 1, 28, 28]);
    // 320 + 18,496 + 25,096 (code) + 28,224 (decoder linear) + 18,464 + 289
    expect(s.totalParams).toBe(320 + 18496 + 3136 * 8 + 8 + 8 * 3136 + 3136 + 18464 + 289);
    const y = model.forward(rand([2, 1, 28, 28]));
    expect(Math.min(...y.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...y.dataSync())).toBeLessThanOrEqual(1);
  });

  it('has PyTorch Sequential keys', () => {
    expect(Object.keys(convAutoencoder({ init: false }).stateDict())).toEqual([
      'encoder.0.weight', 'encoder.0.bias', 'encoder.2.weight', 'encoder.2.bias', 'encoder.5.weight', 'encoder.5.bias',
      'decoder.0.weight', 'decoder.0.bias', 'decoder.3.weight', 'decoder.3.bias', 'decoder.5.weight', 'decoder.5.bias',
    ]);
  });

  it('one step lowers the reconstruction loss, plain and denoising, BCE and MSE', () => {
    manualSeed(1);
    const x = rand([4, 1, 28, 28]);
    for (const [noiseStd, reconstruction] of [[0, 'bce'], [0.3, 'mse']] as const) {
      const model = convAutoencoder({ width: 0.25 });
      expectStepLowersLoss(model, () => model.loss(x, { noiseStd, reconstruction }), reconstruction === 'bce' ? 0.001 : 0.01);
    }
  });

  it('corrupts with clipped Gaussian noise and round-trips through safetensors', () => {
    manualSeed(2);
    const noisy = corrupt(rand([2, 1, 28, 28]), 0.5).dataSync();
    expect(Math.min(...noisy)).toBe(0);
    expect(Math.max(...noisy)).toBe(1);
    expectSafetensorsRoundTrip(convAutoencoder({ width: 0.25 }), convAutoencoder({ width: 0.25, init: false }), rand([2, 1, 28, 28]));
  });

  it('rejects wrong input and options, naming them', () => {
    const model = convAutoencoder({ width: 0.25 });
    expect(() => model.forward(randn([2, 1, 32, 32]))).toThrow(/ConvAutoencoder: expected 28×28 images, got shape \[2,1,32,32\]/);
    expect(() => model.decode(randn([2, 3]))).toThrow(/ConvAutoencoder: expected codes \[N, 32\], got shape \[2,3\]/);
    expect(() => model.loss(rand([1, 1, 28, 28]), { noiseStd: -1 })).toThrow(/noiseStd must be >= 0, got -1/);
    expect(() => convAutoencoder({ latentDim: 0 })).toThrow(/convAutoencoder: latentDim must be an integer >= 1, got 0/);
    expect(() => reconstructionLoss(rand([1]), rand([1]), 'l1' as never)).toThrow(/kind must be 'bce' or 'mse', got "l1"/);
  });
});

describe('vae', () => {
  it('encodes to a mean and a log-variance, samples and decodes', () => {
    manualSeed(3);
    const model = vae({ latentDim: 2 });
    const { mean, logvar } = model.encode(rand([3, 1, 28, 28]));
    expect(mean.shape).toEqual([3, 2]);
    expect(logvar.shape).toEqual([3, 2]);
    expect(model.sample(5).shape).toEqual([5, 1, 28, 28]);
    expect(Object.keys(model.stateDict())).toEqual([
      'encoder.0.weight', 'encoder.0.bias', 'encoder.2.weight', 'encoder.2.bias', 'mean.weight', 'mean.bias', 'logvar.weight', 'logvar.bias',
      'decoder.0.weight', 'decoder.0.bias', 'decoder.3.weight', 'decoder.3.bias', 'decoder.5.weight', 'decoder.5.bias',
    ]);
    expect(summary(model, [1, 1, 28, 28], { print: false }).totalParams).toBe(320 + 18496 + 2 * (3136 * 2 + 2) + 2 * 3136 + 3136 + 18464 + 289);
  });

  it('KL is the closed form −½Σ(1 + log σ² − μ² − σ²) per image, zero at the prior', () => {
    manualSeed(4);
    const model = vae({ latentDim: 2, width: 0.25 });
    const x = rand([2, 1, 28, 28]);
    const { mean, logvar } = model.encode(x);
    const m = mean.dataSync();
    const lv = logvar.dataSync();
    let expected = 0;
    for (let i = 0; i < m.length; i++) expected += -0.5 * (1 + lv[i] - m[i] ** 2 - Math.exp(lv[i]));
    const { loss, reconstruction, kl } = model.loss(x, { klWeight: 0.5 });
    expect(kl.item()).toBeCloseTo(expected / 2, 4);
    expect(loss.item()).toBeCloseTo(reconstruction.item() + 0.5 * kl.item(), 3);
    for (const p of [...model.mean.parameters(), ...model.logvar.parameters()]) init.zeros(p);
    expect(Math.abs(model.loss(x).kl.item())).toBe(0);
  });

  it('one step lowers the loss, eval reconstructs through the mean, and it round-trips', () => {
    manualSeed(5);
    const x = rand([4, 1, 28, 28]);
    const model = vae({ latentDim: 16, width: 0.25 });
    expectStepLowersLoss(model, () => model.loss(x).loss, 0.001);
    model.eval();
    expect(model.forward(x).dataSync()).toEqual(model.forward(x).dataSync());
    expectSafetensorsRoundTrip(model, vae({ latentDim: 16, width: 0.25, init: false }), x);
  });

  it('rejects a negative KL weight', () => {
    expect(() => vae({ width: 0.25 }).loss(rand([1, 1, 28, 28]), { klWeight: -1 })).toThrow(/VAE.loss: klWeight must be >= 0, got -1/);
  });
});
