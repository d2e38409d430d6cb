/**
 * The models the app can train, by name: LeNet-5 as the issue asks for it (ReLU, max
 * pooling, the paper's 32×32 input), a multi-layer perceptron, and the zoo's ImageNet
 * architectures that still work on images this small (a grey channel, 10 classes). Each
 * says what input it wants and how a 28×28 image becomes that input.
 */
import { Flatten, Module, type TensorModule } from '@nn/layers';
import * as zoo from '@nn/models-zoo';
import type { Tensor } from '@nn/tensor';

/** How an image of the data set's size becomes the model's input. */
export type Fit =
  /** Zero border around the centre, as LeNet-5's paper pads 28×28 digits to 32×32. */
  | 'pad'
  /** Bilinear resize (AlexNet's strides need at least 63 pixels). */
  | 'resize';

export interface BuildOptions {
  numClasses: number;
  /** Channel multiplier (zoo models) or hidden-width multiplier (mlp); 1 is the paper's network. */
  width: number;
  /** false: zero weights, to be loaded from a checkpoint. */
  init?: boolean;
}

export interface ModelSpec {
  name: string;
  description: string;
  /** Side of the square input. */
  inputSize: number;
  fit: Fit;
  /** Whether --width changes the network (LeNet-5 is the paper's, whatever the width). */
  hasWidth: boolean;
  build(options: BuildOptions): TensorModule;
}

/**
 * The fully connected network of the lecture on flattened pixels: 784 → 512 → 256 → 10 with
 * ReLU (the Fashion-MNIST benchmark's MLPs reach 87–88 %). `net` keeps the zoo's keys (`net.0.weight`).
 */
export class ImageMLP extends Module {
  flatten = new Flatten();
  net: TensorModule;

  constructor(inputs: number, hidden: readonly number[], numClasses: number, init: boolean) {
    super();
    this.net = zoo.mlp({ sizes: [inputs, ...hidden, numClasses], activation: 'relu', init });
  }

  forward(x: Tensor): Tensor {
    return this.net.forward(this.flatten.forward(x));
  }
}

const MLP_INPUT = 28;

function zooModel(
  name: string,
  description: string,
  make: (options: zoo.ClassifierOptions) => TensorModule,
  inputSize = 32,
  fit: Fit = 'pad',
): ModelSpec {
  return {
    name,
    description,
    inputSize,
    fit,
    hasWidth: true,
    build: ({ numClasses, width, init }) => make({ numClasses, inChannels: 1, width, init }),
  };
}

export const MODELS: readonly ModelSpec[] = [
  {
    name: 'lenet5',
    description: 'LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, 32×32 input (61,706 parameters)',
    inputSize: 32,
    fit: 'pad',
    hasWidth: false,
    build: ({ numClasses, init }) => zoo.lenet5({ numClasses, inChannels: 1, activation: 'relu', pooling: 'max', inputSize: 32, init }),
  },
  {
    name: 'lenet5-tanh',
    description: "LeNet-5 as the paper has it: tanh and average subsampling, 32×32 input",
    inputSize: 32,
    fit: 'pad',
    hasWidth: false,
    build: ({ numClasses, init }) => zoo.lenet5({ numClasses, inChannels: 1, activation: 'tanh', pooling: 'avg', inputSize: 32, init }),
  },
  {
    name: 'mlp',
    description: 'multi-layer perceptron 784 → 512 → 256 → 10, ReLU (width scales the hidden layers)',
    inputSize: MLP_INPUT,
    fit: 'pad',
    hasWidth: true,
    build: ({ numClasses, width, init }) =>
      new ImageMLP(MLP_INPUT * MLP_INPUT, [512, 256].map((h) => Math.max(1, Math.round(h * width))), numClasses, init ?? true),
  },
  zooModel('alexnet', 'AlexNet (Krizhevsky et al. 2012), images resized to 64×64', zoo.alexnet, 64, 'resize'),
  zooModel('vgg11', 'VGG configuration A (Simonyan and Zisserman 2014)', zoo.vgg11),
  zooModel('vgg11_bn', 'VGG A with batch normalisation', zoo.vgg11_bn),
  zooModel('vgg13', 'VGG configuration B', zoo.vgg13),
  zooModel('vgg13_bn', 'VGG B with batch normalisation', zoo.vgg13_bn),
  zooModel('vgg16', 'VGG configuration D', zoo.vgg16),
  zooModel('vgg16_bn', 'VGG D with batch normalisation', zoo.vgg16_bn),
  zooModel('vgg19', 'VGG configuration E', zoo.vgg19),
  zooModel('vgg19_bn', 'VGG E with batch normalisation', zoo.vgg19_bn),
  zooModel('googlenet', 'GoogLeNet (Szegedy et al. 2014)', zoo.googlenet),
  zooModel('resnet18', 'ResNet-18 (He et al. 2015)', zoo.resnet18),
  zooModel('resnet34', 'ResNet-34', zoo.resnet34),
  zooModel('resnet50', 'ResNet-50 (bottleneck blocks)', zoo.resnet50),
  zooModel('resnet101', 'ResNet-101', zoo.resnet101),
  zooModel('resnet152', 'ResNet-152', zoo.resnet152),
  zooModel('residual_attention56', 'Residual Attention Network 56 (Wang et al. 2017)', zoo.residualAttention56),
  zooModel('residual_attention92', 'Residual Attention Network 92', zoo.residualAttention92),
];

export const MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

export function modelSpec(name: string): ModelSpec {
  const spec = MODELS.find((m) => m.name === name);
  if (spec === undefined) throw new Error(`unknown model '${name}'; the models are: ${MODEL_NAMES.join(', ')}`);
  return spec;
}

/** The width the model is built with: 1 unless given, and only for models that have one. */
export function resolveWidth(spec: ModelSpec, width: number | undefined): number {
  if (width === undefined) return 1;
  if (!(width > 0) || !Number.isFinite(width)) throw new Error(`--width must be a positive number, got ${width}`);
  if (!spec.hasWidth && width !== 1) throw new Error(`--width: ${spec.name} is the paper's network and has no width option`);
  return width;
}
