/**
 * GoogLeNet, Inception v1 (Szegedy et al., 2014): 22 layers, most of them Inception modules
 * that run 1×1, 3×3, "5×5" and pooling branches side by side and concatenate them, with 1×1
 * convolutions in front to keep the channel count (and the parameters: 6.6 M, a tenth of
 * AlexNet's) down. Two auxiliary classifiers on 4a and 4d add their losses in training only.
 *
 * torchvision's construction, names and initialisation, so its weights load: every
 * convolution is conv (no bias) + batch norm (eps 0.001) + ReLU, and, as in torchvision, the
 * "5×5" branch is a 3×3 convolution (the released weights were trained that way).
 * 6,624,904 parameters, 13,004,888 with the auxiliary classifiers.
 */
import { AdaptiveAvgPool2d, Dropout, MaxPool2d, Module, Sequential, type BatchNorm2d } from '@nn/layers';
import { adaptiveAvgPool2d, concat, flatten, relu, slice, type Tensor } from '@nn/tensor';
import { batchNorm2d, Conv2d, construct, googlenetInit, Linear } from './building.js';
import { checkImages, resolveClassifierOptions, scaled, type Backbone, type ClassifierOptions } from './common.js';

/** Convolution without bias, batch norm (eps 0.001), ReLU. */
export class BasicConv2d extends Module {
  conv: Conv2d;
  bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: { stride?: number; padding?: number } = {}) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { ...options, bias: false });
    this.bn = batchNorm2d(outChannels, 0.001);
  }

  forward(x: Tensor): Tensor {
    return relu(this.bn.forward(this.conv.forward(x)));
  }
}

/** The paper's Table 1 columns: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj. */
type InceptionSpec = readonly [number, number, number, number, number, number];

export class Inception extends Module {
  branch1: BasicConv2d;
  branch2: Sequential;
  branch3: Sequential;
  branch4: Sequential;
  readonly outChannels: number;

  constructor(inChannels: number, [ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj]: InceptionSpec) {
    super();
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1);
    this.branch2 = new Sequential(new BasicConv2d(inChannels, ch3x3red, 1), new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1 }));
    this.branch3 = new Sequential(new BasicConv2d(inChannels, ch5x5red, 1), new BasicConv2d(ch5x5red, ch5x5, 3, { padding: 1 }));
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inChannels, poolProj, 1));
    this.outChannels = ch1x1 + ch3x3 + ch5x5 + poolProj;
  }

  forward(x: Tensor): Tensor {
    return concat([this.branch1.forward(x), this.branch2.forward(x), this.branch3.forward(x), this.branch4.forward(x)], 1);
  }
}

/** The auxiliary classifier: 4×4 average pool, 1×1 conv to 128, FC-1024 with dropout 0.7, FC. */
export class InceptionAux extends Module {
  conv: BasicConv2d;
  fc1: Linear;
  fc2: Linear;
  dropout: Dropout;

  constructor(inChannels: number, numClasses: number, width: number, dropout = 0.7) {
    super();
    const channels = scaled(128, width);
    this.conv = new BasicConv2d(inChannels, channels, 1);
    this.fc1 = new Linear(channels * 4 * 4, scaled(1024, width));
    this.fc2 = new Linear(scaled(1024, width), numClasses);
    this.dropout = new Dropout(dropout);
  }

  forward(x: Tensor): Tensor {
    const pooled = flatten(this.conv.forward(adaptiveAvgPool2d(x, [4, 4])), 1);
    return this.fc2.forward(this.dropout.forward(relu(this.fc1.forward(pooled))));
  }
}

export interface GoogLeNetOptions extends ClassifierOptions {
  /** Build the two auxiliary classifiers (they run in training mode only). Default false. */
  auxLogits?: boolean;
  /**
   * Re-normalise input given with ImageNet's mean/std to the (x − 0.5)/0.5 the released
   * torchvision weights expect. Default false.
   */
  transformInput?: boolean;
  /** Before the final classifier. Default 0.2. */
  dropout?: number;
  /** Inside the auxiliary classifiers. Default 0.7. */
  dropoutAux?: number;
}

/** The main logits and, in training mode with auxiliary classifiers, theirs. */
export interface GoogLeNetOutputs {
  logits: Tensor;
  aux2: Tensor | null;
  aux1: Tensor | null;
}

// prettier-ignore
const INCEPTION: Record<string, InceptionSpec> = {
  //      #1×1 #3×3red #3×3 #5×5red #5×5 pool
  '3a': [  64,   96,   128,   16,    32,   32],
  '3b': [ 128,  128,   192,   32,    96,   64],
  '4a': [ 192,   96,   208,   16,    48,   64],
  '4b': [ 160,  112,   224,   24,    64,   64],
  '4c': [ 128,  128,   256,   24,    64,   64],
  '4d': [ 112,  144,   288,   32,    64,   64],
  '4e': [ 256,  160,   320,   32,   128,  128],
  '5a': [ 256,  160,   320,   32,   128,  128],
  '5b': [ 384,  192,   384,   48,   128,  128],
};

export class GoogLeNet extends Module implements Backbone {
  conv1: BasicConv2d;
  maxpool1: MaxPool2d;
  conv2: BasicConv2d;
  conv3: BasicConv2d;
  maxpool2: MaxPool2d;
  inception3a: Inception;
  inception3b: Inception;
  maxpool3: MaxPool2d;
  inception4a: Inception;
  inception4b: Inception;
  inception4c: Inception;
  inception4d: Inception;
  inception4e: Inception;
  maxpool4: MaxPool2d;
  inception5a: Inception;
  inception5b: Inception;
  aux1: InceptionAux | null;
  aux2: InceptionAux | null;
  avgpool: AdaptiveAvgPool2d;
  dropout: Dropout;
  fc: Linear | null;
  readonly numFeatures: number;
  readonly inChannels: number;
  readonly transformInput: boolean;

  constructor(options: GoogLeNetOptions = {}) {
    super();
    const { numClasses, inChannels, width } = resolveClassifierOptions('googlenet', options);
    if (options.auxLogits && numClasses === 0) throw new Error('googlenet: auxLogits needs numClasses > 0');
    this.inChannels = inChannels;
    this.transformInput = options.transformInput ?? false;
    if (this.transformInput && inChannels !== 3) throw new Error(`googlenet: transformInput needs 3 input channels, got ${inChannels}`);
    const c = (n: number): number => scaled(n, width);
    const inception = (inChannels: number, name: string): Inception => new Inception(inChannels, INCEPTION[name].map(c) as unknown as InceptionSpec);
    const pool = (k: number): MaxPool2d => new MaxPool2d(k, { stride: 2, ceilMode: true });
    this.conv1 = new BasicConv2d(inChannels, c(64), 7, { stride: 2, padding: 3 });
    this.maxpool1 = pool(3);
    this.conv2 = new BasicConv2d(c(64), c(64), 1);
    this.conv3 = new BasicConv2d(c(64), c(192), 3, { padding: 1 });
    this.maxpool2 = pool(3);
    this.inception3a = inception(c(192), '3a');
    this.inception3b = inception(this.inception3a.outChannels, '3b');
    this.maxpool3 = pool(3);
    this.inception4a = inception(this.inception3b.outChannels, '4a');
    this.inception4b = inception(this.inception4a.outChannels, '4b');
    this.inception4c = inception(this.inception4b.outChannels, '4c');
    this.inception4d = inception(this.inception4c.outChannels, '4d');
    this.inception4e = inception(this.inception4d.outChannels, '4e');
    this.maxpool4 = pool(2);
    this.inception5a = inception(this.inception4e.outChannels, '5a');
    this.inception5b = inception(this.inception5a.outChannels, '5b');
    const aux = options.auxLogits ?? false;
    this.aux1 = aux ? new InceptionAux(this.inception4a.outChannels, numClasses, width, options.dropoutAux ?? 0.7) : null;
    this.aux2 = aux ? new InceptionAux(this.inception4d.outChannels, numClasses, width, options.dropoutAux ?? 0.7) : null;
    this.numFeatures = this.inception5b.outChannels;
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.dropout = new Dropout(options.dropout ?? 0.2);
    this.fc = numClasses > 0 ? new Linear(this.numFeatures, numClasses) : null;
  }

  /** torchvision's transform_input: from ImageNet normalisation to (x − 0.5)/0.5 per channel. */
  private transform(x: Tensor): Tensor {
    if (!this.transformInput) return x;
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const channels = mean.map((m, i) => slice(x, [0, i], [x.shape[0], i + 1]).mul(std[i] / 0.5).add((m - 0.5) / 0.5));
    return concat(channels, 1);
  }

  private run(x: Tensor, withAux: boolean): GoogLeNetOutputs {
    checkImages('GoogLeNet', x, this.inChannels);
    let y = this.maxpool1.forward(this.conv1.forward(this.transform(x)));
    y = this.maxpool2.forward(this.conv3.forward(this.conv2.forward(y)));
    y = this.maxpool3.forward(this.inception3b.forward(this.inception3a.forward(y)));
    y = this.inception4a.forward(y);
    const aux1 = withAux && this.aux1 !== null ? this.aux1.forward(y) : null;
    y = this.inception4d.forward(this.inception4c.forward(this.inception4b.forward(y)));
    const aux2 = withAux && this.aux2 !== null ? this.aux2.forward(y) : null;
    y = this.maxpool4.forward(this.inception4e.forward(y));
    y = this.inception5b.forward(this.inception5a.forward(y));
    return { logits: y, aux2, aux1 };
  }

  forwardFeatures(x: Tensor): Tensor {
    return this.run(x, false).logits;
  }

  private classify(features: Tensor): Tensor {
    const pooled = flatten(this.avgpool.forward(features), 1);
    return this.fc === null ? pooled : this.fc.forward(this.dropout.forward(pooled));
  }

  /** The main classifier's logits (the auxiliary classifiers do not run; see forwardWithAux). */
  forward(x: Tensor): Tensor {
    return this.classify(this.forwardFeatures(x));
  }

  /**
   * torchvision's training-mode output: the logits and, when the model has auxiliary
   * classifiers and is training, theirs (null otherwise). The paper adds their losses with
   * weight 0.3: loss = L(logits) + 0.3·(L(aux1) + L(aux2)).
   */
  forwardWithAux(x: Tensor): GoogLeNetOutputs {
    const out = this.run(x, this.training);
    return { ...out, logits: this.classify(out.logits) };
  }
}

export function googlenet(options: GoogLeNetOptions = {}): GoogLeNet {
  return construct(() => new GoogLeNet(options), options.init === false ? false : googlenetInit);
}
