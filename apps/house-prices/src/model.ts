/**
 * The regressor: the lecture's fully connected network, ŷ = (…((X·W¹)·W²)…)·wᴹ with an
 * activation after each hidden layer (any of the lecture's five) and optional dropout.
 * Its description (model.json) is saved beside the weights, so `predict` can rebuild it.
 */
import { Adam, AdamW, Dropout, ELU, LeakyReLU, Linear, ReLU, RMSprop, Sequential, SGD, Sigmoid, Tanh, type Optimizer, type OptimizerOptions, type TensorModule } from '@nn/layers';
import type { Tensor } from '@nn/tensor';

export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'elu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Everything needed to rebuild the network (model.json). */
export interface MlpSpec {
  format: 'house-prices/mlp';
  inFeatures: number;
  hidden: number[];
  activation: Activation;
  dropout: number;
}

function activationLayer(name: Activation): TensorModule {
  switch (name) {
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'relu':
      return new ReLU();
    case 'leaky-relu':
      return new LeakyReLU(0.01);
    case 'elu':
      return new ELU();
  }
}

/** Linear → activation → (dropout) for each hidden size, then Linear → 1 price. */
export function buildMlp(spec: MlpSpec): Sequential {
  const layers: TensorModule[] = [];
  let width = spec.inFeatures;
  for (const size of spec.hidden) {
    layers.push(new Linear(width, size), activationLayer(spec.activation));
    if (spec.dropout > 0) layers.push(new Dropout(spec.dropout));
    width = size;
  }
  layers.push(new Linear(width, 1));
  return new Sequential(...layers);
}

/** Checks a model.json read from disk; errors say what is wrong in one line. */
export function parseSpec(json: unknown, file: string): MlpSpec {
  const s = json as Partial<MlpSpec> | null;
  const bad = (what: string): Error => new Error(`${file}: ${what}`);
  if (s === null || typeof s !== 'object' || s.format !== 'house-prices/mlp') throw bad("not a house-prices model description (format 'house-prices/mlp')");
  if (!Number.isInteger(s.inFeatures) || s.inFeatures! < 1) throw bad('inFeatures must be a positive integer');
  if (!Array.isArray(s.hidden) || !s.hidden.every((h) => Number.isInteger(h) && h > 0)) throw bad('hidden must be a list of positive integers');
  if (!ACTIVATIONS.includes(s.activation!)) throw bad(`activation must be one of ${ACTIVATIONS.join(', ')}`);
  if (typeof s.dropout !== 'number' || !(s.dropout >= 0 && s.dropout < 1)) throw bad('dropout must be in [0, 1)');
  return { format: s.format, inFeatures: s.inFeatures!, hidden: s.hidden, activation: s.activation!, dropout: s.dropout };
}

export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number, weightDecay: number): Optimizer<OptimizerOptions> {
  switch (name) {
    case 'adam':
      return new Adam(params, { lr, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr, weightDecay });
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9, weightDecay });
    case 'rmsprop':
      return new RMSprop(params, { lr, weightDecay });
  }
}
