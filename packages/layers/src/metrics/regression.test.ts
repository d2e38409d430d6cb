import '@nn/backend-cpu';
import { manualSeed, randn, rand, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  MeanAbsoluteError,
  MeanSquaredError,
  R2Score,
  RootMeanSquaredError,
  RootMeanSquaredLogError,
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
  rootMeanSquaredLogError,
} from './regression.js';

const output = tensor([1, 2, 3, 4]);
const target = tensor([1, 3, 2, 6]);

describe('regression metrics on known values', () => {
  it('MSE, RMSE and MAE of errors 0, -1, 1, -2', () => {
    expect(meanSquaredError(output, target)).toBe(1.5);
    expect(rootMeanSquaredError(output, target)).toBe(Math.sqrt(1.5));
    expect(meanAbsoluteError(output, target)).toBe(1);
  });

  it('R² is 1 - SSres/SStot: 1 - 6/14', () => {
    expect(r2Score(output, target)).toBeCloseTo(1 - 6 / 14, 14);
  });

  it('RMSLE is the RMSE of log1p values', () => {
    const o = [100, 250, 80];
    const t = [120, 200, 80];
    const naive = Math.sqrt(o.reduce((s, v, i) => s + (Math.log(1 + v) - Math.log(1 + t[i])) ** 2, 0) / o.length);
    expect(rootMeanSquaredLogError(tensor(o), tensor(t))).toBeCloseTo(naive, 12);
  });

  it('a perfect prediction scores 0 error and R² 1', () => {
    expect(rootMeanSquaredError(target, target)).toBe(0);
    expect(r2Score(target, target)).toBe(1);
  });

  it('predicting the mean gives R² 0', () => {
    expect(r2Score(tensor([3, 3, 3, 3]), target)).toBeCloseTo(0, 14);
  });

  it('a constant target gives R² 1 when hit exactly, 0 otherwise (as scikit-learn)', () => {
    expect(r2Score(tensor([2, 2]), tensor([2, 2]))).toBe(1);
    expect(r2Score(tensor([2, 3]), tensor([2, 2]))).toBe(0);
  });

  it('R² of an [N, 2] target is the mean of the two columns’ scores', () => {
    const o = tensor([[1, 10], [2, 20], [4, 25]]);
    const t = tensor([[1, 12], [3, 18], [3, 30]]);
    const col = (os: number[], ts: number[]): number => {
      const m = ts.reduce((a, b) => a + b) / ts.length;
      return 1 - os.reduce((s, v, i) => s + (v - ts[i]) ** 2, 0) / ts.reduce((s, v) => s + (v - m) ** 2, 0);
    };
    expect(r2Score(o, t)).toBeCloseTo((col([1, 2, 4], [1, 3, 3]) + col([10, 20, 25], [12, 18, 30])) / 2, 12);
  });
});

describe('streaming over batches', () => {
  it('updating batch by batch gives the score over the whole set, not a mean of batch scores', () => {
    manualSeed(1);
    const o = rand([10, 1]).mul(1000);
    const t = rand([10, 1]).mul(1000);
    const metrics = [new MeanSquaredError(), new RootMeanSquaredError(), new MeanAbsoluteError(), new RootMeanSquaredLogError(), new R2Score()];
    const whole = [meanSquaredError, rootMeanSquaredError, meanAbsoluteError, rootMeanSquaredLogError, r2Score].map((f) => f(o, t));
    for (const [from, to] of [[0, 3], [3, 4], [4, 10]]) {
      for (const m of metrics) m.update(o.slice([from, 0], [to, 1]), t.slice([from, 0], [to, 1]));
    }
    metrics.forEach((m, i) => expect(m.compute()).toBeCloseTo(whole[i], 9));
  });

  it('reset forgets, and compute is NaN before any batch', () => {
    const m = new RootMeanSquaredError();
    expect(m.compute()).toBeNaN();
    m.update(output, target);
    m.reset();
    expect(m.compute()).toBeNaN();
    m.update(target, target);
    expect(m.compute()).toBe(0);
    const r2 = new R2Score();
    r2.update(tensor([1]), tensor([2]));
    expect(r2.compute()).toBeNaN(); // one example has no variance to explain
  });

  it('names default to the short form and can be set', () => {
    expect(new RootMeanSquaredError().name).toBe('rmse');
    expect(new RootMeanSquaredLogError().name).toBe('rmsle');
    expect(new R2Score({ name: 'r2_price' }).name).toBe('r2_price');
  });
});

describe('regression metric errors', () => {
  it('different shapes are an error naming both', () => {
    expect(() => meanSquaredError(randn([4, 1]), randn([4]))).toThrow('meanSquaredError: output [4,1] and target [4] must have the same shape');
    expect(() => r2Score(randn([4, 2]), randn([4, 3]))).toThrow(/r2Score: output \[4,2\] and target \[4,3\]/);
  });

  it('RMSLE refuses negative values, naming which and where', () => {
    expect(() => rootMeanSquaredLogError(tensor([1, -2]), tensor([1, 2]))).toThrow('rootMeanSquaredLogError: values must be non-negative, got output -2 at flat index 1');
    expect(() => rootMeanSquaredLogError(tensor([1, 2]), tensor([NaN, 2]))).toThrow(/got target NaN at flat index 0/);
  });

  it('R² refuses a batch with a different number of outputs', () => {
    const m = new R2Score();
    m.update(randn([3, 2]), randn([3, 2]));
    expect(() => m.update(randn([3, 1]), randn([3, 1]))).toThrow('r2Score: a batch has 1 outputs per example, earlier batches 2');
  });

  it('a disposed tensor or a non-tensor is an error', () => {
    const x = randn([2]);
    x.dispose();
    expect(() => meanAbsoluteError(x, randn([2]))).toThrow('meanAbsoluteError: output [2] has been disposed');
    expect(() => meanAbsoluteError([1, 2] as never, randn([2]))).toThrow('meanAbsoluteError: output must be a Tensor');
  });
});
