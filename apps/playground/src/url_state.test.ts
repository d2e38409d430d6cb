import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, needsReset, type Config } from './config.js';
import { decodeConfig, encodeConfig } from './url_state.js';

describe('URL state', () => {
  it('round-trips every setting', () => {
    const config: Config = {
      dataset: 'spiral',
      problem: 'classification',
      trainRatio: 70,
      noise: 15,
      batchSize: 64,
      seed: 42,
      features: ['x1', 'sinx1', 'sinx2'],
      hidden: [8, 8, 3],
      activations: ['relu', 'elu', 'leakyrelu'],
      dropout: 0.2,
      learningRate: 0.003,
      optimizer: 'momentum',
      regularization: 'L1',
      regularizationRate: 0.001,
      showTestData: true,
      discretize: true,
      backend: 'webgl2',
    };
    const hash = encodeConfig(config);
    expect(hash).toContain('features=x1,sinx1,sinx2');
    expect(decodeConfig(`#${hash}`)).toEqual(config);
  });

  it('opens on the defaults with an empty hash, and keeps them for missing keys', () => {
    expect(decodeConfig('')).toEqual(DEFAULT_CONFIG);
    expect(decodeConfig('#dataset=xor')).toEqual({ ...DEFAULT_CONFIG, dataset: 'xor' });
  });

  it('ignores invalid values and clamps numbers to what the page accepts', () => {
    const config = decodeConfig('#dataset=mnist&ratio=5&noise=99&batch=0&lr=100&features=x1,x9&hidden=4,x&optimizer=lbfgs&backend=cuda');
    expect(config).toEqual({ ...DEFAULT_CONFIG, trainRatio: 10, noise: 50, batchSize: 1, learningRate: 10 });
  });

  it('allows no hidden layer and no feature, and fills missing activations from the first', () => {
    expect(decodeConfig('#hidden=&features=')).toMatchObject({ hidden: [], features: [], activations: [] });
    expect(decodeConfig('#hidden=3,3,3&activations=relu')).toMatchObject({ activations: ['relu', 'relu', 'relu'] });
  });

  it('does not reopen on a CSV dataset, whose points are not in the link', () => {
    expect(decodeConfig('#dataset=csv').dataset).toBe(DEFAULT_CONFIG.dataset);
  });

  it('restarts training for data and structure changes, not for the learning rate or the backend', () => {
    expect(needsReset(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, learningRate: 0.1, backend: 'webgl', batchSize: 3 })).toBe(false);
    expect(needsReset(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, hidden: [4] })).toBe(true);
    expect(needsReset(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, noise: 10 })).toBe(true);
  });
});
