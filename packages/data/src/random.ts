/** Seeded randomness shared by splits, shuffling, transforms and the synthetic sets. */
import { Generator, getGenerator } from '@nn/tensor';

/** Where a random step draws from: its own seed, a given generator, or the default one. */
export interface RandomOptions {
  /** A seed for a generator of this call's own; wins over `generator`. */
  seed?: number;
  /** A generator to draw from (shared state: each draw advances it). */
  generator?: Generator;
}

/**
 * The generator a call should use. Without seed or generator it is the default generator
 * of @nn/tensor, so `manualSeed(n)` makes data pipelines repeat as it does weight init.
 */
export function resolveGenerator(options: RandomOptions = {}): Generator {
  if (options.seed !== undefined) return new Generator(options.seed);
  return options.generator ?? getGenerator();
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function randperm(n: number, generator: Generator): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.nextInt(0, i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/** Uniform in [low, high). */
export function uniform(generator: Generator, low: number, high: number): number {
  return low + (high - low) * generator.nextFloat();
}
