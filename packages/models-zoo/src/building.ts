/**
 * How zoo models are built: every weight is allocated once and filled once.
 *
 * @nn/layers' Conv2d, ConvTranspose2d and Linear fill their weights with PyTorch's default
 * initialisation in their constructors. torchvision then fills many of them again with its
 * own rules (VGG's and ResNet's He-normal, GoogLeNet's truncated normal), which would draw
 * every random number twice and, for a moment, hold two copies of a big layer (VGG-16's first
 * fully connected layer alone is 411 MB). The zoo's versions of those three layers therefore
 * leave their weights alone while a model is being constructed (`resetParameters` runs only
 * outside `construct`), and `construct` applies the family's rule once at the end:
 * PyTorch's defaults, torchvision's rule, or nothing at all (`init: false`), for weights that
 * a checkpoint will overwrite anyway.
 */
import { BatchNorm2d, Conv2d as BaseConv2d, ConvTranspose2d as BaseConvTranspose2d, init, Linear as BaseLinear, type AnyModule } from '@nn/layers';

let constructing = 0;

/** Conv2d whose default initialisation waits until the model is built (see above). */
export class Conv2d extends BaseConv2d {
  override resetParameters(): void {
    if (constructing === 0) super.resetParameters();
  }
}

export class ConvTranspose2d extends BaseConvTranspose2d {
  override resetParameters(): void {
    if (constructing === 0) super.resetParameters();
  }
}

export class Linear extends BaseLinear {
  override resetParameters(): void {
    if (constructing === 0) super.resetParameters();
  }
}

/** How a family initialises its weights, applied to each module after construction. */
export type InitRule = (module: AnyModule) => void;

/**
 * Builds a model with `make` and then initialises it with `rule`, once; `rule` false leaves
 * weights at zero (biases zero, batch-norm weights one): use it when loading weights next,
 * or to count parameters and multiply-accumulates without spending time on random numbers.
 */
export function construct<T extends AnyModule>(make: () => T, rule: InitRule | false): T {
  constructing++;
  let model: T;
  try {
    model = make();
  } finally {
    constructing--;
  }
  if (rule !== false) for (const m of model.modules()) rule(m);
  return model;
}

/** PyTorch's own defaults (what AlexNet, LeNet and U-Net use): each layer's resetParameters. */
export const pytorchDefault: InitRule = (m) => {
  // Not m.resetParameters(): that waits while an outer model is still being constructed.
  if (m instanceof BaseConv2d || m instanceof BaseConvTranspose2d || m instanceof BaseLinear) init.defaultLinearInit(m.weight, m.bias);
};

/**
 * torchvision's VGG rule: He-normal convolutions (fan_out, ReLU gain), N(0, 0.01) fully
 * connected weights, zero biases; batch norm keeps weight 1, bias 0.
 */
export const vggInit: InitRule = (m) => {
  if (m instanceof BaseConv2d) {
    init.kaimingNormal(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
    if (m.bias) init.zeros(m.bias);
  } else if (m instanceof BaseLinear) {
    init.normal(m.weight, 0, 0.01);
    if (m.bias) init.zeros(m.bias);
  } else {
    pytorchDefault(m);
  }
};

/**
 * torchvision's ResNet rule: He-normal convolutions (fan_out, ReLU gain); batch norm weight 1,
 * bias 0; the fully connected layer keeps PyTorch's default.
 */
export const resnetInit: InitRule = (m) => {
  if (m instanceof BaseConv2d) {
    init.kaimingNormal(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
    if (m.bias) init.zeros(m.bias);
  } else {
    pytorchDefault(m);
  }
};

/**
 * torchvision's GoogLeNet rule: convolution and linear weights from N(0, 0.01²) truncated to
 * [-2, 2]; linear biases keep PyTorch's default (torchvision only redraws the weights).
 */
export const googlenetInit: InitRule = (m) => {
  if (m instanceof BaseConv2d || m instanceof BaseLinear) {
    const bias = m.bias;
    if (m instanceof BaseLinear && bias !== null) {
      const bound = 1 / Math.sqrt(m.inFeatures);
      init.uniform(bias, -bound, bound);
    }
    init.truncNormal(m.weight, 0, 0.01, -2, 2);
  } else {
    pytorchDefault(m);
  }
};

/** Batch norm as torchvision builds it (eps 1e-5 unless a family says otherwise, e.g. GoogLeNet's 1e-3). */
export function batchNorm2d(channels: number, eps = 1e-5): BatchNorm2d {
  return new BatchNorm2d(channels, { eps });
}
