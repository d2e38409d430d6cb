import '@nn/backend-cpu';
import { manualSeed, tensor, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import * as init from './init.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.dataSync();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / v.length), min, max };
}

describe('init', () => {
  it('computes gains as torch.nn.init.calculate_gain', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as init.Nonlinearity)).toThrow(/unsupported nonlinearity 'swish'/);
  });

  it('computes fan in and fan out with the receptive field, and refuses 1-D shapes', () => {
    expect(init.calculateFanInAndFanOut([6, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 150 });
    expect(init.calculateFanInAndFanOut([10, 20])).toEqual({ fanIn: 20, fanOut: 10 });
    expect(() => init.calculateFanInAndFanOut([5])).toThrow(/at least 2 dimensions, got shape \[5\]/);
  });

  it('fills in place (same handle) and repeats exactly after manualSeed', () => {
    const t = zeros([3, 4]);
    manualSeed(3);
    const same = init.kaimingUniform(t);
    expect(same).toBe(t);
    const first = [...t.dataSync()];
    manualSeed(3);
    init.kaimingUniform(t);
    expect([...t.dataSync()]).toEqual(first);
    expect(first.some((v) => v !== 0)).toBe(true);
  });

  const fanIn = 400;
  const shape = [300, fanIn];
  const cases: [string, (t: Tensor) => Tensor, { std: number; bound?: number }][] = [
    ['kaimingUniform (relu)', (t) => init.kaimingUniform(t, { nonlinearity: 'relu' }), { std: Math.sqrt(2 / fanIn), bound: Math.sqrt(6 / fanIn) }],
    ["kaimingUniform a=√5 (PyTorch's Linear/Conv default)", (t) => init.kaimingUniform(t, { a: Math.sqrt(5) }), { std: 1 / Math.sqrt(3 * fanIn), bound: 1 / Math.sqrt(fanIn) }],
    ['kaimingUniform fan_out', (t) => init.kaimingUniform(t, { mode: 'fan_out', nonlinearity: 'relu' }), { std: Math.sqrt(2 / 300), bound: Math.sqrt(6 / 300) }],
    ['kaimingNormal', (t) => init.kaimingNormal(t, { nonlinearity: 'relu' }), { std: Math.sqrt(2 / fanIn) }],
    ['xavierUniform', (t) => init.xavierUniform(t), { std: Math.sqrt(2 / (fanIn + 300)), bound: Math.sqrt(6 / (fanIn + 300)) }],
    ['xavierUniform gain', (t) => init.xavierUniform(t, { gain: 2 }), { std: 2 * Math.sqrt(2 / (fanIn + 300)), bound: 2 * Math.sqrt(6 / (fanIn + 300)) }],
    ['xavierNormal', (t) => init.xavierNormal(t), { std: Math.sqrt(2 / (fanIn + 300)) }],
    ['normal', (t) => init.normal(t, 0, 0.02), { std: 0.02 }],
    ['uniform', (t) => init.uniform(t, -0.5, 0.5), { std: 1 / Math.sqrt(12), bound: 0.5 }],
    ['truncNormal', (t) => init.truncNormal(t, 0, 1, -1, 1), { std: 0.53956, bound: 1 }],
  ];
  for (const [name, fn, expected] of cases) {
    it(`${name} has the distribution PyTorch documents`, () => {
      manualSeed(11);
      const t = fn(zeros(shape));
      const s = stats(t);
      // 120,000 draws: the sample std is within ~0.5 % of the true one.
      expect(Math.abs(s.std / expected.std - 1)).toBeLessThan(0.02);
      expect(Math.abs(s.mean)).toBeLessThan(0.02 * expected.std);
      if (expected.bound !== undefined) {
        expect(s.max).toBeLessThanOrEqual(expected.bound);
        expect(s.min).toBeGreaterThanOrEqual(-expected.bound);
        expect(s.max).toBeGreaterThan(0.99 * expected.bound);
      }
      t.dispose();
    });
  }

  it('constant, zeros and ones', () => {
    const t = zeros([2, 2]);
    expect(init.constant(t, 0.5).toArray()).toEqual([[0.5, 0.5], [0.5, 0.5]]);
    expect(init.ones(t).toArray()).toEqual([[1, 1], [1, 1]]);
    expect(init.zeros(t).toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it('checks its arguments', () => {
    expect(() => init.kaimingUniform(zeros([4]))).toThrow(/at least 2 dimensions/);
    expect(() => init.uniform(zeros([2]), 1, 0)).toThrow(/uniform: need a <= b, got a=1, b=0/);
    expect(() => init.normal(zeros([2]), 0, -1)).toThrow(/normal: std must be non-negative, got -1/);
    expect(() => init.normal(tensor([1], undefined, 'int32'))).toThrow(/normal: expected a float32 tensor, got int32/);
    expect(() => init.kaimingNormal(zeros([2, 2]), { mode: 'fan_avg' as init.FanMode })).toThrow(/mode must be 'fan_in' or 'fan_out', got 'fan_avg'/);
    const gone = zeros([2, 2]);
    gone.dispose();
    expect(() => init.ones(gone)).toThrow(/disposed/);
  });
});
