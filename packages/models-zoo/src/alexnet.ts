/**
 * AlexNet (Krizhevsky, Sutskever and Hinton, 2012) in torchvision's single-GPU form (Krizhevsky's
 * "one weird trick" variant: 64-192-384-256-256 channels, no LRN), so that torchvision weights
 * load: five convolutions, the first 11×11 with stride 4, then three fully connected layers with
 * dropout. 61,100,840 parameters and 714,188,480 multiply-accumulates at 224×224.
 */
import { AdaptiveAvgPool2d, Dropout, MaxPool2d, Module, Sequential } from '@nn/layers';
import { flatten, type Tensor } from '@nn/tensor';
import { Conv2d, construct, Linear, pytorchDefault } from './building.js';
import { checkImages, makeActivation, resolveClassifierOptions, scaled, type Activation, type Backbone, type ClassifierOptions } from './common.js';

export interface AlexNetOptions extends ClassifierOptions {
  /** Default 'relu'. */
  activation?: Activation;
  /** Dropout before each of the first two fully connected layers. Default 0.5. */
  dropout?: number;
}

export class AlexNet extends Module implements Backbone {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential | null;
  readonly numFeatures: number;
  readonly inChannels: number;

  constructor(options: AlexNetOptions = {}) {
    super();
    const { numClasses, inChannels, width } = resolveClassifierOptions('alexnet', options);
    const act = (): Module => makeActivation('alexnet', options.activation ?? 'relu');
    const c = (n: number): number => scaled(n, width);
    this.inChannels = inChannels;
    this.numFeatures = c(256);
    this.features = new Sequential(
      new Conv2d(inChannels, c(64), 11, { stride: 4, padding: 2 }), act(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(c(64), c(192), 5, { padding: 2 }), act(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(c(192), c(384), 3, { padding: 1 }), act(),
      new Conv2d(c(384), c(256), 3, { padding: 1 }), act(),
      new Conv2d(c(256), c(256), 3, { padding: 1 }), act(), new MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new AdaptiveAvgPool2d([6, 6]);
    const p = options.dropout ?? 0.5;
    const hidden = c(4096);
    this.classifier =
      numClasses > 0
        ? new Sequential(
            new Dropout(p), new Linear(this.numFeatures * 6 * 6, hidden), act(),
            new Dropout(p), new Linear(hidden, hidden), act(),
            new Linear(hidden, numClasses),
          )
        : null;
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImages('AlexNet', x, this.inChannels);
    return this.features.forward(x);
  }

  forward(x: Tensor): Tensor {
    const pooled = flatten(this.avgpool.forward(this.forwardFeatures(x)), 1);
    return this.classifier === null ? pooled : this.classifier.forward(pooled);
  }
}

export function alexnet(options: AlexNetOptions = {}): AlexNet {
  return construct(() => new AlexNet(options), options.init === false ? false : pytorchDefault);
}
