/** Options and small pieces shared by every family: activations, width multipliers, checks. */
import { ELU, LeakyReLU, ReLU, Sigmoid, Tanh, type TensorModule } from '@nn/layers';
import type { Tensor } from '@nn/tensor';

/** The lecture's five activations; leakyRelu is its max(0.1x, x), elu has α = 1. */
export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'elu';
/** A name, or a function that makes a fresh activation layer each time it is called. */
export type Activation = ActivationName | (() => TensorModule);

export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu'];

export function makeActivation(model: string, activation: Activation): TensorModule {
  if (typeof activation === 'function') return activation();
  switch (activation) {
    case 'relu':
      return new ReLU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'leakyRelu':
      return new LeakyReLU(0.1);
    case 'elu':
      return new ELU(1);
    default:
      throw new Error(`${model}: activation must be one of ${ACTIVATIONS.join(', ')} or a function making a layer, got ${JSON.stringify(activation)}`);
  }
}

/** Options every image classifier of the zoo takes. */
export interface ClassifierOptions {
  /** Outputs of the classifier; 0 drops the classifier and `forward` returns pooled features. Default 1000. */
  numClasses?: number;
  /** Channels of the input image. Default 3. */
  inChannels?: number;
  /**
   * Multiplies every channel count (and hidden fully connected width): 1 is the paper's
   * network, 1/8 a small one of the same shape for tests and quick experiments. Default 1.
   */
  width?: number;
  /** Initialise weights as torchvision does (true), or leave them zero for loading (false). Default true. */
  init?: boolean;
}

export interface ResolvedClassifierOptions {
  numClasses: number;
  inChannels: number;
  width: number;
  init: boolean;
}

export function checkPositiveInt(model: string, name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`${model}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

export function resolveClassifierOptions(model: string, options: ClassifierOptions): ResolvedClassifierOptions {
  const numClasses = checkPositiveInt(model, 'numClasses', options.numClasses ?? 1000, 0);
  const inChannels = checkPositiveInt(model, 'inChannels', options.inChannels ?? 3);
  const width = options.width ?? 1;
  if (typeof width !== 'number' || !(width > 0) || !Number.isFinite(width)) throw new Error(`${model}: width must be a positive number, got ${String(width)}`);
  return { numClasses, inChannels, width, init: options.init ?? true };
}

/** A channel count times the width multiplier, at least 1. */
export function scaled(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width));
}

/** Throws unless x is a batch of images [N, C, H, W] with the expected channels. */
export function checkImages(model: string, x: Tensor, channels: number): void {
  if (x.rank !== 4 || x.shape[1] !== channels) {
    throw new Error(`${model}: expected images [N, ${channels}, H, W], got shape [${x.shape.join(',')}]`);
  }
}

/**
 * What a backbone offers to a task head (timm's names): the last feature map, and how many
 * channels it has. Every image classifier of the zoo is one.
 */
export interface Backbone {
  /** Channels of forwardFeatures' output. */
  readonly numFeatures: number;
  /** The feature map before global pooling and the classifier, [N, numFeatures, h, w]. */
  forwardFeatures(x: Tensor): Tensor;
}

export function isBackbone(value: unknown): value is Backbone {
  const b = value as Partial<Backbone> | null;
  return typeof b === 'object' && b !== null && typeof b.numFeatures === 'number' && typeof b.forwardFeatures === 'function';
}
