/**
 * The lecture's fully connected network: ŷ = f_M(…f_2(f_1(X·W¹)·W²)…·Wᴹ), a stack of linear
 * layers with an activation after each hidden one, built as a Sequential so that the
 * state-dict keys are PyTorch's (`0.weight`, `2.weight`, ...).
 */
import { Sequential, type TensorModule } from '@nn/layers';
import { construct, Linear, pytorchDefault } from './building.js';
import { checkPositiveInt, makeActivation, type Activation } from './common.js';

export interface MLPOptions {
  /** Layer widths from input features to outputs, e.g. [80, 64, 32, 1] for the lecture's house prices. */
  sizes: readonly number[];
  /** After every hidden layer. Default 'relu'. */
  activation?: Activation;
  /** After the output layer (e.g. 'sigmoid' for a probability); default none (a linear output). */
  outputActivation?: Activation;
  init?: boolean;
}

export function mlp(options: MLPOptions): Sequential {
  const sizes: unknown = options.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) throw new Error(`mlp: sizes must list at least the input and output widths, got ${JSON.stringify(sizes)}`);
  sizes.forEach((s: unknown, i) => checkPositiveInt('mlp', `sizes[${i}]`, s as number));
  const widths = sizes as readonly number[];
  return construct(() => {
    const layers: TensorModule[] = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      layers.push(new Linear(widths[i], widths[i + 1]));
      const last = i + 2 === widths.length;
      if (!last) layers.push(makeActivation('mlp', options.activation ?? 'relu'));
      else if (options.outputActivation !== undefined) layers.push(makeActivation('mlp', options.outputActivation));
    }
    return new Sequential(...layers);
  }, options.init === false ? false : pytorchDefault);
}
