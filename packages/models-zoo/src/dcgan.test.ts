import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { Adam, summary } from '@nn/layers';
import { manualSeed, rand, randint, randn, tensor } from '@nn/tensor';
import { dcganDiscriminator, dcganGenerator, discriminatorLoss, generatorLoss } from './dcgan.js';
import { expectSafetensorsRoundTrip } from './test-utils/model_checks.js';

describe('dcgan', () => {
  it('the generator maps z through 7×7 and 14×14 maps to 28×28 tanh images', () => {
    manualSeed(0);
    const g = dcganGenerator();
    const s = summary(g, [2, 100], { print: false });
    const shapeOf = (name: string): number[] | null => s.rows.find((r) => r.name === name)!.outputShape;
    expect(shapeOf('main.0')).toEqual([2, 256, 7, 7]);
    expect(shapeOf('main.3')).toEqual([2, 128, 14, 14]);
    expect(shapeOf('main.7')).toEqual([2, 1, 28, 28]);
    expect(s.totalParams).toBe(100 * 256 * 49 + 2 * 256 + 256 * 128 * 16 + 2 * 128 + 128 * 16);
    const y = g.forward(randn([2, 100])).dataSync();
    expect(Math.max(...y.map(Math.abs))).toBeLessThanOrEqual(1);
  });

  it('the discriminator maps 28×28 images to one logit each, with PyTorch example keys', () => {
    const d = dcganDiscriminator();
    const s = summary(d, [3, 1, 28, 28], { print: false });
    expect(s.rows.find((r) => r.name === 'main.2')!.outputShape).toEqual([3, 128, 7, 7]);
    expect(d.forward(rand([3, 1, 28, 28])).shape).toEqual([3]);
    expect(Object.keys(d.stateDict())).toEqual([
      'main.0.weight', 'main.2.weight', 'main.3.weight', 'main.3.bias', 'main.3.running_mean', 'main.3.running_var', 'main.3.num_batches_tracked', 'main.5.weight',
    ]);
    expect(Object.keys(dcganGenerator().stateDict())[0]).toBe('main.0.weight');
  });

  it('initialises convolutions from N(0, 0.02) and batch-norm scales from N(1, 0.02)', () => {
    manualSeed(1);
    const g = dcganGenerator();
    const w = [...g.main.at(3).parameters()[0].dataSync()];
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeCloseTo(0.02, 3);
    const scale = [...g.main.at(1).parameters()[0].dataSync()];
    expect(Math.abs(scale.reduce((a, b) => a + b, 0) / scale.length - 1)).toBeLessThan(0.01);
  });

  it('the losses are −log D(x) − log(1 − D(G(z))) and the non-saturating −log D(G(z))', () => {
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const real = tensor([2, -1]);
    const fake = tensor([0.5, -3]);
    const d = -(Math.log(sig(2)) + Math.log(sig(-1))) / 2 - (Math.log(1 - sig(0.5)) + Math.log(1 - sig(-3))) / 2;
    const g = -(Math.log(sig(0.5)) + Math.log(sig(-3))) / 2;
    expect(discriminatorLoss(real, fake).item()).toBeCloseTo(d, 5);
    expect(generatorLoss(fake).item()).toBeCloseTo(g, 5);
  });

  it('a few Adam(2e-4, β1 0.5) steps of each player lower its loss (conditional nets)', () => {
    manualSeed(2);
    const options = { width: 0.25, latentDim: 8, numClasses: 10 };
    const g = dcganGenerator(options);
    const d = dcganDiscriminator(options);
    const optG = new Adam(g.parameters(), { lr: 2e-3, betas: [0.5, 0.999] });
    const optD = new Adam(d.parameters(), { lr: 2e-3, betas: [0.5, 0.999] });
    const real = rand([8, 1, 28, 28]).mul(2).sub(1);
    const labels = randint(0, 10, [8]);
    const z = randn([8, 8]);
    const dLoss = (): number => discriminatorLoss(d.forward(real, labels), d.forward(g.forward(z, labels).detach(), labels)).item();
    const firstD = dLoss();
    for (let i = 0; i < 3; i++) {
      const loss = discriminatorLoss(d.forward(real, labels), d.forward(g.forward(z, labels).detach(), labels));
      optD.zeroGrad();
      loss.backward();
      optD.step();
    }
    expect(dLoss()).toBeLessThan(firstD);
    const gLoss = (): number => generatorLoss(d.forward(g.forward(z, labels), labels)).item();
    const firstG = gLoss();
    for (let i = 0; i < 3; i++) {
      const loss = generatorLoss(d.forward(g.forward(z, labels), labels));
      optG.zeroGrad();
      loss.backward();
      optG.step();
    }
    expect(gLoss()).toBeLessThan(firstG);
  });

  it('round-trips through safetensors', () => {
    manualSeed(3);
    const g = dcganGenerator({ width: 0.25 });
    expectSafetensorsRoundTrip(g, dcganGenerator({ width: 0.25, init: false }), randn([2, 100]));
    expectSafetensorsRoundTrip(dcganDiscriminator({ width: 0.25 }), dcganDiscriminator({ width: 0.25, init: false }), rand([2, 1, 28, 28]));
  });

  it('rejects wrong input and labels, naming them', () => {
    const g = dcganGenerator({ width: 0.25 });
    const c = dcganGenerator({ width: 0.25, numClasses: 10 });
    expect(() => g.forward(randn([2, 7]))).toThrow(/DcganGenerator: expected z \[N, 100\], got shape \[2,7\]/);
    expect(() => g.forward(randn([2, 100]), randint(0, 10, [2]))).toThrow(/labels given to an unconditional net/);
    expect(() => c.forward(randn([2, 100]))).toThrow(/DcganGenerator: a conditional net \(numClasses 10\) needs labels/);
    expect(() => dcganDiscriminator().forward(rand([2, 1, 32, 32]))).toThrow(/DcganDiscriminator: expected 28×28 images/);
    expect(() => dcganGenerator({ numClasses: -1 })).toThrow(/dcganGenerator: numClasses must be an integer >= 0, got -1/);
  });
});
