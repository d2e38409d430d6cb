/**
 * An exponential moving average of a model's weights (Polyak averaging, as the EMA of
 * timm or TensorFlow's ExponentialMovingAverage): after each step a ← d·a + (1 − d)·w. The
 * average sits in the middle of the last few hundred steps' weights, which the noise of
 * single batches pushes around, and often generalises a little better than the last ones.
 * The averages live in plain Float32Arrays, outside the tensors, so they cost no graph.
 */
import type { Module } from '@nn/layers';
import { dispose, tensor, type Tensor } from '@nn/tensor';

export class WeightAverage {
  private readonly averages = new Map<string, { values: Float32Array; shape: number[] }>();
  private updates = 0;

  /** `decay`: the weight of the old average per step (0.999 reaches about 1,000 steps back). */
  constructor(
    private readonly model: Module<never[], unknown>,
    private readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new Error(`WeightAverage: decay must be in (0, 1), got ${decay}`);
    for (const [key, w] of Object.entries(model.stateDict())) {
      if (w.dtype === 'float32') this.averages.set(key, { values: Float32Array.from(w.dataSync()), shape: [...w.shape] });
    }
  }

  /** Folds the model's current weights in; call after each optimiser step. */
  update(): void {
    // A short memory at first (TensorFlow's num_updates rule), so the random start fades quickly.
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    const state = this.model.stateDict();
    for (const [key, { values }] of this.averages) {
      const w = state[key].dataSync();
      for (let i = 0; i < values.length; i++) values[i] = d * values[i] + (1 - d) * w[i];
    }
  }

  /** Runs `work` with the averaged weights in the model, then puts the trained weights back. */
  async withAverage<T>(work: () => T | Promise<T>): Promise<T> {
    const state = this.model.stateDict();
    const trained: Record<string, Tensor> = {};
    const averaged: Record<string, Tensor> = {};
    for (const [key, { values, shape }] of this.averages) {
      trained[key] = tensor(Float32Array.from(state[key].dataSync()), shape);
      averaged[key] = tensor(Float32Array.from(values), shape);
    }
    this.model.loadStateDict(averaged, { strict: false });
    dispose(Object.values(averaged));
    try {
      return await work();
    } finally {
      this.model.loadStateDict(trained, { strict: false });
      dispose(Object.values(trained));
    }
  }
}
