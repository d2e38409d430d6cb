/**
 * The Playground's network as an @nn/layers Sequential, built from a plain JSON spec: the
 * same spec is exported beside the safetensors weights, so that Node rebuilds the model
 * with @nn/layers alone (see README, "Export"). State-dict keys are PyTorch's
 * nn.Sequential ones ('0.weight', '2.bias', ...).
 */
import { Dropout, ELU, Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh, fromBytes, type Module } from '@nn/layers';
import { mul, sigmoid, sub, type Tensor } from '@nn/tensor';
import type { ActivationName, Config, FeatureName, Problem } from './config.js';
import { orderedFeatures } from './features.js';

export interface ModelSpec {
  format: 'nn-playground-model';
  version: 1;
  /** Input columns, in order (see features.ts for their formulas). */
  features: FeatureName[];
  hidden: number[];
  activations: ActivationName[];
  dropout: number;
  /** classification: the output is a logit, sigmoid(output) the probability of label +1; regression: the value. */
  problem: Problem;
}

export function specFromConfig(config: Config): ModelSpec {
  return {
    format: 'nn-playground-model',
    version: 1,
    features: orderedFeatures(config.features),
    hidden: [...config.hidden],
    activations: config.hidden.map((_, i) => config.activations[i] ?? 'tanh'),
    dropout: config.dropout,
    problem: config.problem,
  };
}

function activation(name: ActivationName): Module<[Tensor], Tensor> {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    case 'linear':
      return new Identity();
    case 'leakyrelu':
      return new LeakyReLU();
    case 'elu':
      return new ELU();
  }
}

/** The network and, per hidden layer, the index in `net` of the module whose output is that layer's neurons. */
export interface PlaygroundNet {
  net: Sequential;
  layers: Module<[Tensor], Tensor>[];
  /** Indices into `layers` of the Linear modules, in order (the last is the output). */
  linearIndices: number[];
  /** Indices into `layers` after which the hidden layers' activations are read. */
  neuronIndices: number[];
}

export function buildModel(spec: ModelSpec): PlaygroundNet {
  if (spec.format !== 'nn-playground-model' || spec.version !== 1) throw new Error(`buildModel: not a Playground model spec (format '${String(spec.format)}', version ${String(spec.version)})`);
  if (spec.features.length === 0) throw new Error('buildModel: the model needs at least one input feature');
  const layers: Module<[Tensor], Tensor>[] = [];
  const linearIndices: number[] = [];
  const neuronIndices: number[] = [];
  let width = spec.features.length;
  spec.hidden.forEach((neurons, i) => {
    linearIndices.push(layers.length);
    layers.push(new Linear(width, neurons));
    layers.push(activation(spec.activations[i] ?? 'tanh'));
    neuronIndices.push(layers.length - 1);
    if (spec.dropout > 0) layers.push(new Dropout(spec.dropout));
    width = neurons;
  });
  linearIndices.push(layers.length);
  layers.push(new Linear(width, 1));
  return { net: new Sequential(...layers), layers, linearIndices, neuronIndices };
}

/** Rebuilds an exported model: its JSON spec and its safetensors bytes. */
export function loadModel(spec: ModelSpec, safetensors: Uint8Array): PlaygroundNet {
  const model = buildModel(spec);
  model.net.loadStateDict(fromBytes(safetensors));
  model.net.eval();
  return model;
}

/** What the pictures show: for classification the output in [-1, 1] (2σ(logit) − 1, TF Playground's scale), for regression the value. */
export function displayOutput(problem: Problem, output: Tensor): Tensor {
  return problem === 'classification' ? sub(mul(sigmoid(output), 2), 1) : output;
}
