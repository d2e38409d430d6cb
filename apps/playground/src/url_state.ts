/**
 * The configuration in the URL's hash (`#dataset=spiral&features=x1,x2,sinx1&...`), so
 * that a link reproduces a setup. Reading is forgiving: a missing, unknown or invalid
 * value keeps the default, and every number is clamped to what the page accepts.
 */
import { ACTIVATIONS, BACKENDS, DATASETS, DEFAULT_CONFIG, FEATURES, LIMITS, OPTIMIZERS, PROBLEMS, REGULARIZATIONS, type Config } from './config.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export function encodeConfig(config: Config): string {
  const params = new URLSearchParams();
  params.set('dataset', config.dataset);
  params.set('problem', config.problem);
  params.set('ratio', String(config.trainRatio));
  params.set('noise', String(config.noise));
  params.set('batch', String(config.batchSize));
  params.set('seed', String(config.seed));
  params.set('features', config.features.join(','));
  params.set('hidden', config.hidden.join(','));
  params.set('activations', config.activations.slice(0, config.hidden.length).join(','));
  params.set('dropout', String(config.dropout));
  params.set('lr', String(config.learningRate));
  params.set('optimizer', config.optimizer);
  params.set('reg', config.regularization);
  params.set('regRate', String(config.regularizationRate));
  params.set('showTest', config.showTestData ? '1' : '0');
  params.set('discretize', config.discretize ? '1' : '0');
  params.set('backend', config.backend);
  // Commas read better than %2C in a link people share.
  return params.toString().replaceAll('%2C', ',');
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function number(value: string | null, fallback: number, lo: number, hi: number, integer = false): number {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) return fallback;
  return clamp(integer ? Math.round(n) : n, lo, hi);
}

function list<T extends string>(value: string | null, allowed: readonly T[], fallback: T[]): T[] {
  if (value === null) return fallback;
  if (value === '') return [];
  const items = value.split(',');
  return items.every((v) => (allowed as readonly string[]).includes(v)) ? [...new Set(items as T[])] : fallback;
}

export function decodeConfig(hash: string): Config {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const d = DEFAULT_CONFIG;
  const hiddenText = params.get('hidden');
  let hidden = d.hidden;
  if (hiddenText === '') hidden = [];
  else if (hiddenText !== null) {
    const sizes = hiddenText.split(',').map(Number);
    if (sizes.length <= LIMITS.hiddenLayers && sizes.every((n) => Number.isInteger(n) && n >= 1)) hidden = sizes.map((n) => Math.min(n, LIMITS.neurons));
  }
  const activations = list(params.get('activations'), ACTIVATIONS, []);
  const dataset = oneOf(params.get('dataset'), DATASETS, d.dataset);
  return {
    // A CSV's points are not in the URL: such a link opens on the default data.
    dataset: dataset === 'csv' ? d.dataset : dataset,
    problem: oneOf(params.get('problem'), PROBLEMS, d.problem),
    trainRatio: number(params.get('ratio'), d.trainRatio, 10, 90, true),
    noise: number(params.get('noise'), d.noise, 0, 50, true),
    batchSize: number(params.get('batch'), d.batchSize, 1, LIMITS.batchSize, true),
    seed: number(params.get('seed'), d.seed, 0, 2 ** 31 - 1, true),
    features: list(params.get('features'), FEATURES, d.features),
    hidden,
    activations: hidden.map((_, i) => activations[i] ?? activations[0] ?? 'tanh'),
    dropout: number(params.get('dropout'), d.dropout, 0, 0.9),
    learningRate: number(params.get('lr'), d.learningRate, 0.00001, 10),
    optimizer: oneOf(params.get('optimizer'), OPTIMIZERS, d.optimizer),
    regularization: oneOf(params.get('reg'), REGULARIZATIONS, d.regularization),
    regularizationRate: number(params.get('regRate'), d.regularizationRate, 0, 10),
    showTestData: params.get('showTest') === '1',
    discretize: params.get('discretize') === '1',
    backend: oneOf(params.get('backend'), BACKENDS, d.backend),
  };
}
