/**
 * Does LeNet-5 learn Fashion-MNIST with the app's defaults? The quick check trains on 2,000
 * embedded images for 3 epochs (13 s on a quiet 2-core machine, a minute on a busy one). The
 * full check, a default run on the whole embedded subset that must beat 85 % test accuracy
 * (it scores 86.60 %), takes about 3 minutes on a quiet machine and over 10 on a busy one, so
 * it runs only with IMAGE_CLASSIFIER_LONG_TESTS=1 (see the README).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder, tempDir } from './test-utils/fixtures.js';
import { train, type TrainOptions } from './train.js';

/** The defaults of `image-classifier train` (main.ts), so the test runs what a user runs. */
const DEFAULTS: Omit<TrainOptions, 'out'> = {
  model: 'lenet5',
  epochs: 10,
  batchSize: 64,
  lr: 3e-3,
  optimizer: 'adam',
  schedule: 'cosine',
  augment: false,
  backend: 'cpu',
  valSplit: 0.1,
  seed: 1,
};

async function testAccuracy(options: Partial<TrainOptions>): Promise<number> {
  const out = join(await tempDir(), 'run');
  const { report } = await train({ ...DEFAULTS, ...options, out }, new Recorder(), new Recorder());
  return report.accuracy;
}

describe('LeNet-5 on the embedded Fashion-MNIST subset', () => {
  it('learns: 3 epochs on 2,000 images score well above chance (10 %)', async () => {
    expect(await testAccuracy({ limit: 2000, epochs: 3 })).toBeGreaterThan(0.65);
  }, 600_000);

  it.runIf(process.env.IMAGE_CLASSIFIER_LONG_TESTS === '1')(
    'a default run beats 85 % test accuracy',
    async () => {
      expect(await testAccuracy({})).toBeGreaterThan(0.85);
    },
    3_600_000,
  );
});
