/**
 * LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998), as the lecture draws it: a 32×32 digit,
 * two convolution + subsampling stages, three fully connected layers.
 *
 *   C1: 5×5 conv, 6 maps      28×28      S2: 2×2 pooling  14×14
 *   C3: 5×5 conv, 16 maps     10×10      S4: 2×2 pooling   5×5
 *   C5 (fc1): 120             F6 (fc2): 84                 output (fc3): 10
 *
 * The paper's scaled tanh and trainable average subsampling become a choice of activation
 * (tanh by default, or any of the lecture's five) and of pooling (average or max).
 */
import { AvgPool2d, MaxPool2d, Module, type TensorModule } from '@nn/layers';
import { flatten, type Tensor } from '@nn/tensor';
import { Conv2d, construct, Linear, pytorchDefault } from './building.js';
import { checkImages, checkPositiveInt, makeActivation, resolveClassifierOptions, type Activation, type Backbone, type ClassifierOptions } from './common.js';

export interface LeNet5Options extends Omit<ClassifierOptions, 'width'> {
  /** Default 'tanh', as in the paper. */
  activation?: Activation;
  /** Default 'avg' (the paper's subsampling). */
  pooling?: 'avg' | 'max';
  /** Side of the square input; the paper's is 32 (MNIST's 28 works too, with smaller fc1). */
  inputSize?: number;
}

export class LeNet5 extends Module implements Backbone {
  conv1: Conv2d;
  conv2: Conv2d;
  fc1: Linear | null;
  fc2: Linear | null;
  fc3: Linear | null;
  act: TensorModule;
  pool: TensorModule;
  readonly numFeatures = 16;
  readonly inChannels: number;

  constructor(options: LeNet5Options = {}) {
    super();
    const { numClasses, inChannels } = resolveClassifierOptions('lenet5', { ...options, numClasses: options.numClasses ?? 10, inChannels: options.inChannels ?? 1 });
    const size = checkPositiveInt('lenet5', 'inputSize', options.inputSize ?? 32, 16);
    const pooling = options.pooling ?? 'avg';
    if (pooling !== 'avg' && pooling !== 'max') throw new Error(`lenet5: pooling must be 'avg' or 'max', got ${JSON.stringify(pooling)}`);
    this.inChannels = inChannels;
    const featureSide = Math.floor((Math.floor((size - 4) / 2) - 4) / 2);
    this.conv1 = new Conv2d(inChannels, 6, 5);
    this.conv2 = new Conv2d(6, 16, 5);
    this.fc1 = numClasses > 0 ? new Linear(16 * featureSide * featureSide, 120) : null;
    this.fc2 = numClasses > 0 ? new Linear(120, 84) : null;
    this.fc3 = numClasses > 0 ? new Linear(84, numClasses) : null;
    this.act = makeActivation('lenet5', options.activation ?? 'tanh');
    this.pool = pooling === 'avg' ? new AvgPool2d(2) : new MaxPool2d(2);
  }

  /** S4's maps, [N, 16, 5, 5] for 32×32 input. */
  forwardFeatures(x: Tensor): Tensor {
    checkImages('LeNet5', x, this.inChannels);
    const s2 = this.pool.forward(this.act.forward(this.conv1.forward(x)));
    return this.pool.forward(this.act.forward(this.conv2.forward(s2)));
  }

  forward(x: Tensor): Tensor {
    const features = flatten(this.forwardFeatures(x), 1);
    if (this.fc1 === null || this.fc2 === null || this.fc3 === null) return features;
    const c5 = this.act.forward(this.fc1.forward(features));
    const f6 = this.act.forward(this.fc2.forward(c5));
    return this.fc3.forward(f6);
  }
}

/** LeNet-5 for 1×32×32 digits and 10 classes (61,706 parameters). */
export function lenet5(options: LeNet5Options = {}): LeNet5 {
  return construct(() => new LeNet5(options), options.init === false ? false : pytorchDefault);
}
