/**
 * The whole setup of the page: data, features, network and training. Everything here is
 * plain data, so it fits in the URL (url_state.ts) and crosses to the worker as is.
 * The defaults are TensorFlow Playground's; the limits are wider than its (see LIMITS).
 */
export const DATASETS = ['circle', 'xor', 'gauss', 'spiral', 'moons', 'checkerboard', 'sin', 'cubic', 'abs', 'plane', 'multigauss', 'csv'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const REGRESSION_DATASETS: readonly DatasetName[] = ['plane', 'multigauss'];

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof FEATURES)[number];

/** The lecture's five activations (TF Playground has the first four) and where each layer may pick one. */
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leakyrelu', 'elu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const REGULARIZATIONS = ['none', 'L1', 'L2'] as const;
export type Regularization = (typeof REGULARIZATIONS)[number];

export const PROBLEMS = ['classification', 'regression'] as const;
export type Problem = (typeof PROBLEMS)[number];

/** 'cpu' is @nn/backend-cpu; the others are @nn/backend-gpujs in that gpu.js mode. */
export const BACKENDS = ['cpu', 'webgl2', 'webgl', 'webgpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

export interface Config {
  dataset: DatasetName;
  problem: Problem;
  /** Percent of the points used for training, 10–90. */
  trainRatio: number;
  /** 0–50, as TF Playground's slider. */
  noise: number;
  batchSize: number;
  /** Seed of the data and of the initial weights. */
  seed: number;
  features: FeatureName[];
  /** Neurons per hidden layer. */
  hidden: number[];
  /** One activation per hidden layer. */
  activations: ActivationName[];
  /** Dropout probability after every hidden activation (0: none). */
  dropout: number;
  learningRate: number;
  optimizer: OptimizerName;
  regularization: Regularization;
  regularizationRate: number;
  showTestData: boolean;
  discretize: boolean;
  backend: BackendChoice;
}

/** TF Playground's limits are the defaults of the UI; these are what the page accepts. */
export const LIMITS = {
  hiddenLayers: 10,
  neurons: 32,
  batchSize: 256,
  tfHiddenLayers: 6,
  tfNeurons: 8,
  tfBatchSize: 30,
} as const;

export const DEFAULT_CONFIG: Config = {
  dataset: 'circle',
  problem: 'classification',
  trainRatio: 50,
  noise: 0,
  batchSize: 10,
  seed: 1,
  features: ['x1', 'x2'],
  hidden: [4, 2],
  activations: ['tanh', 'tanh'],
  dropout: 0,
  learningRate: 0.03,
  optimizer: 'sgd',
  regularization: 'none',
  regularizationRate: 0,
  showTestData: false,
  discretize: false,
  backend: 'cpu',
};

/** Changing these keeps the trained network; any other change starts training again. */
export const LIVE_KEYS: readonly (keyof Config)[] = ['learningRate', 'regularization', 'regularizationRate', 'batchSize', 'showTestData', 'discretize', 'backend', 'optimizer'];

export function needsReset(before: Config, after: Config): boolean {
  return (Object.keys(after) as (keyof Config)[]).some((key) => !LIVE_KEYS.includes(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}
