import '@nn/backend-cpu';
import { Linear } from '@nn/layers';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { WeightAverage } from './weight_average.js';

const set = (model: Linear, w: number[], b: number): void => {
  model.loadStateDict({ weight: tensor(Float32Array.from(w), [1, 2]), bias: tensor(Float32Array.from([b]), [1]) });
};
const read = (model: Linear): number[] => [...Array.from(model.weight.dataSync()), ...Array.from(model.bias!.dataSync())];

describe('WeightAverage', () => {
  it('averages the weights step by step, with a short memory at first', () => {
    const model = new Linear(2, 1);
    set(model, [0, 0], 0);
    const average = new WeightAverage(model, 0.5);
    set(model, [10, 20], 30);
    average.update(); // d = min(0.5, 1/10) = 0.1
    set(model, [0, 0], 0);
    average.update(); // d = min(0.5, 2/11)
    const d = 2 / 11;
    const expected = [10, 20, 30].map((w) => d * 0.9 * w);
    return average.withAverage(() => read(model).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 5)));
  });

  it('puts the trained weights back after the work, even when it fails', async () => {
    const model = new Linear(2, 1);
    set(model, [1, 2], 3);
    const average = new WeightAverage(model, 0.9);
    set(model, [4, 5], 6);
    await expect(average.withAverage(() => Promise.reject(new Error('scoring failed')))).rejects.toThrow('scoring failed');
    expect(read(model)).toEqual([4, 5, 6]);
    expect(await average.withAverage(() => read(model))).toEqual([1, 2, 3]);
    expect(read(model)).toEqual([4, 5, 6]);
    expect(() => new WeightAverage(model, 1)).toThrow('WeightAverage: decay must be in (0, 1), got 1');
  });
});
