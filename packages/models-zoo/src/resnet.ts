/**
 * ResNet (He, Zhang, Ren and Sun, 2015): a 7×7 stem, four stages of residual blocks, global
 * average pooling and one fully connected layer. Each block learns a residual F(x) and adds
 * its input back, y = relu(F(x) + shortcut(x)), so gradients reach early layers through the
 * identity path (the lecture's cure for vanishing gradients).
 *
 *   network      block        blocks per stage   parameters
 *   ResNet-18    basic        2  2  2  2         11,689,512
 *   ResNet-34    basic        3  4  6  3         21,797,672
 *   ResNet-50    bottleneck   3  4  6  3         25,557,032
 *   ResNet-101   bottleneck   3  4 23  3         44,549,160
 *   ResNet-152   bottleneck   3  8 36  3         60,192,808
 *
 * torchvision's construction (v1.5: the bottleneck's stride sits on its 3×3 convolution;
 * convolutions without bias, each followed by batch norm; a 1×1 projection shortcut where the
 * shape changes), names and initialisation, so torchvision weights load.
 */
import { AdaptiveAvgPool2d, init, MaxPool2d, Module, Sequential, type BatchNorm2d, type TensorModule } from '@nn/layers';
import { flatten, type Tensor } from '@nn/tensor';
import { batchNorm2d, Conv2d, construct, Linear, resnetInit } from './building.js';
import { checkImages, makeActivation, resolveClassifierOptions, scaled, type Activation, type Backbone, type ClassifierOptions } from './common.js';

function conv3x3(inChannels: number, outChannels: number, stride = 1): Conv2d {
  return new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
}

function conv1x1(inChannels: number, outChannels: number, stride = 1): Conv2d {
  return new Conv2d(inChannels, outChannels, 1, { stride, bias: false });
}

/** ResNet-18/34's block: two 3×3 convolutions. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: TensorModule;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null;

  constructor(inChannels: number, planes: number, stride: number, downsample: Sequential | null, activation: Activation) {
    super();
    this.conv1 = conv3x3(inChannels, planes, stride);
    this.bn1 = batchNorm2d(planes);
    this.relu = makeActivation('resnet', activation);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = batchNorm2d(planes);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))));
    const identity = this.downsample === null ? x : this.downsample.forward(x);
    return this.relu.forward(out.add(identity));
  }
}

/** ResNet-50/101/152's block: 1×1 reduce, 3×3, 1×1 expand to 4× the planes. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  relu: TensorModule;
  downsample: Sequential | null;

  constructor(inChannels: number, planes: number, stride: number, downsample: Sequential | null, activation: Activation) {
    super();
    this.conv1 = conv1x1(inChannels, planes);
    this.bn1 = batchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, stride);
    this.bn2 = batchNorm2d(planes);
    this.conv3 = conv1x1(planes, planes * Bottleneck.expansion);
    this.bn3 = batchNorm2d(planes * Bottleneck.expansion);
    this.relu = makeActivation('resnet', activation);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.relu.forward(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    const identity = this.downsample === null ? x : this.downsample.forward(x);
    return this.relu.forward(out.add(identity));
  }
}

export type ResNetBlock = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions extends ClassifierOptions {
  /** Default 'relu'. */
  activation?: Activation;
  /**
   * torchvision's zero_init_residual: the last batch norm of every residual branch starts at
   * weight 0, so each block starts as the identity (Goyal et al., 2017), which keeps very
   * deep networks well conditioned at the start of training. Default false.
   */
  zeroInitResidual?: boolean;
}

export class ResNet extends Module implements Backbone {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: TensorModule;
  maxpool: MaxPool2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool: AdaptiveAvgPool2d;
  fc: Linear | null;
  readonly numFeatures: number;
  readonly inChannels: number;

  /** `block` and blocks per stage, e.g. (BasicBlock, [2, 2, 2, 2]) for ResNet-18. */
  constructor(
    readonly block: ResNetBlock,
    readonly stages: readonly [number, number, number, number],
    options: ResNetOptions = {},
  ) {
    super();
    const { numClasses, inChannels, width } = resolveClassifierOptions('resnet', options);
    const activation = options.activation ?? 'relu';
    this.inChannels = inChannels;
    let channels = scaled(64, width);
    this.conv1 = new Conv2d(inChannels, channels, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = batchNorm2d(channels);
    this.relu = makeActivation('resnet', activation);
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    // One stage: `blocks` blocks of `planes`, the first one striding and projecting the shortcut.
    const stage = (planes: number, blocks: number, stride: number): Sequential => {
      const out = planes * block.expansion;
      const downsample = stride !== 1 || channels !== out ? new Sequential(conv1x1(channels, out, stride), batchNorm2d(out)) : null;
      const layers = [new block(channels, planes, stride, downsample, activation)];
      channels = out;
      for (let i = 1; i < blocks; i++) layers.push(new block(channels, planes, 1, null, activation));
      return new Sequential(...layers);
    };
    this.layer1 = stage(scaled(64, width), stages[0], 1);
    this.layer2 = stage(scaled(128, width), stages[1], 2);
    this.layer3 = stage(scaled(256, width), stages[2], 2);
    this.layer4 = stage(scaled(512, width), stages[3], 2);
    this.numFeatures = channels;
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.fc = numClasses > 0 ? new Linear(channels, numClasses) : null;
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImages('ResNet', x, this.inChannels);
    const stem = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    return this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(stem))));
  }

  forward(x: Tensor): Tensor {
    const pooled = flatten(this.avgpool.forward(this.forwardFeatures(x)), 1);
    return this.fc === null ? pooled : this.fc.forward(pooled);
  }
}

export function resnet(block: ResNetBlock, stages: readonly [number, number, number, number], options: ResNetOptions = {}): ResNet {
  const model = construct(() => new ResNet(block, stages, options), options.init === false ? false : resnetInit);
  if (options.zeroInitResidual && options.init !== false) {
    for (const m of model.modules()) {
      const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
      if (last?.weight) init.zeros(last.weight);
    }
  }
  return model;
}

export const resnet18 = (options: ResNetOptions = {}): ResNet => resnet(BasicBlock, [2, 2, 2, 2], options);
export const resnet34 = (options: ResNetOptions = {}): ResNet => resnet(BasicBlock, [3, 4, 6, 3], options);
export const resnet50 = (options: ResNetOptions = {}): ResNet => resnet(Bottleneck, [3, 4, 6, 3], options);
export const resnet101 = (options: ResNetOptions = {}): ResNet => resnet(Bottleneck, [3, 4, 23, 3], options);
export const resnet152 = (options: ResNetOptions = {}): ResNet => resnet(Bottleneck, [3, 8, 36, 3], options);
