/** Setups worth a click, each with the reason it works (or, for the gradient pair, what to watch). */
import { DEFAULT_CONFIG, type Config } from './config.js';

export interface Preset {
  name: string;
  note: string;
  config: Partial<Config>;
}

const deep = (n: number, width: number): number[] => Array.from({ length: n }, () => width);

export const PRESETS: Preset[] = [
  {
    name: 'Spiral with sin features',
    note: 'sin(X₁) and sin(X₂) already wind like the arms, so two small layers separate them within seconds.',
    config: { dataset: 'spiral', features: ['x1', 'x2', 'sinx1', 'sinx2'], hidden: [8, 8], activations: ['tanh', 'tanh'], optimizer: 'adam', learningRate: 0.03 },
  },
  {
    name: 'Spiral from X₁, X₂ alone',
    note: 'Without the sin features the bends must come from depth: more layers of ReLU pieces.',
    config: { dataset: 'spiral', features: ['x1', 'x2'], hidden: deep(5, 8), activations: deep(5, 0).map(() => 'relu'), optimizer: 'adam', learningRate: 0.01 },
  },
  {
    name: 'Circle from squares, no hidden layer',
    note: 'X₁² + X₂² is the squared radius: one linear output on the squares draws the circle.',
    config: { dataset: 'circle', features: ['x1sq', 'x2sq'], hidden: [], activations: [], optimizer: 'sgd', learningRate: 0.03 },
  },
  {
    name: 'Exclusive or from X₁X₂',
    note: 'The product has the sign of the label: the feature does all the work.',
    config: { dataset: 'xor', features: ['x1x2'], hidden: [], activations: [], optimizer: 'sgd', learningRate: 0.03 },
  },
  {
    name: 'Vanishing gradients: 6 sigmoid layers',
    note: 'Watch the gradient-norm panel: each sigmoid layer shrinks the gradient (σ′ ≤ ¼), the first layers barely learn.',
    config: { dataset: 'circle', features: ['x1', 'x2'], hidden: deep(6, 8), activations: deep(6, 0).map(() => 'sigmoid'), optimizer: 'sgd', learningRate: 0.1 },
  },
  {
    name: 'Same depth with ReLU',
    note: 'ReLU passes gradients through unchanged where active: the norms stay level across layers.',
    config: { dataset: 'circle', features: ['x1', 'x2'], hidden: deep(6, 8), activations: deep(6, 0).map(() => 'relu'), optimizer: 'sgd', learningRate: 0.03 },
  },
  {
    name: 'Checkerboard',
    note: 'Sixteen squares need many linear pieces: three ReLU layers and Adam.',
    config: { dataset: 'checkerboard', features: ['x1', 'x2'], hidden: [16, 16, 8], activations: ['relu', 'relu', 'relu'], optimizer: 'adam', learningRate: 0.01 },
  },
  {
    name: 'Moons with dropout',
    note: 'With noise, dropout keeps the boundary smooth instead of chasing single points.',
    config: { dataset: 'moons', noise: 25, features: ['x1', 'x2'], hidden: [16, 16], activations: ['relu', 'relu'], dropout: 0.2, optimizer: 'adam', learningRate: 0.01 },
  },
  {
    name: 'Above the sine',
    note: 'sin(X₁) is the boundary itself: with it one neuron suffices.',
    config: { dataset: 'sin', features: ['x2', 'sinx1'], hidden: [], activations: [], optimizer: 'adam', learningRate: 0.03 },
  },
];

export function applyPreset(preset: Preset, base: Config): Config {
  return { ...DEFAULT_CONFIG, backend: base.backend, problem: 'classification', ...preset.config };
}
