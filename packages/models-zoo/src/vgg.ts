/**
 * VGG (Simonyan and Zisserman, 2014): stacks of 3×3 convolutions between max-pools, then
 * FC-4096, FC-4096, FC-1000. The configurations are the lecture's table (the paper's Table 1),
 * one column each; every block ends with a 2×2 max-pool.
 *
 *   A      11 weight layers   133 M parameters
 *   A-LRN  11 weight layers   133 M   (local response normalisation after the first conv)
 *   B      13 weight layers   133 M
 *   C      16 weight layers   134 M   (the third conv of blocks 3–5 is 1×1)
 *   D      16 weight layers   138 M   (VGG-16)
 *   E      19 weight layers   144 M   (VGG-19)
 *
 * Built as torchvision builds them (features.N / classifier.N keys, conv biases, optional
 * batch norm after each conv, 7×7 adaptive average pool, He-normal init), so torchvision
 * weights load into A, B, D and E, with or without batch norm.
 */
import { AdaptiveAvgPool2d, Dropout, LocalResponseNorm, MaxPool2d, Module, Sequential, type TensorModule } from '@nn/layers';
import { flatten, type Tensor } from '@nn/tensor';
import { batchNorm2d, Conv2d, construct, Linear, vggInit } from './building.js';
import { checkImages, makeActivation, resolveClassifierOptions, scaled, type Activation, type Backbone, type ClassifierOptions } from './common.js';

/** `conv3-64` is a 3×3 convolution with 64 output channels; `LRN` the A-LRN normalisation. */
type LayerSpec = `conv${1 | 3}-${number}` | 'LRN';

export type VGGConfiguration = 'A' | 'A-LRN' | 'B' | 'C' | 'D' | 'E';

// prettier-ignore
export const VGG_CONFIGURATIONS: Record<VGGConfiguration, readonly (readonly LayerSpec[])[]> = {
  //        block 1 (224²)          block 2 (112²)            block 3 (56²)                                           block 4 (28²)                                           block 5 (14²)
  'A':     [['conv3-64'],            ['conv3-128'],             ['conv3-256', 'conv3-256'],                             ['conv3-512', 'conv3-512'],                             ['conv3-512', 'conv3-512']],
  'A-LRN': [['conv3-64', 'LRN'],     ['conv3-128'],             ['conv3-256', 'conv3-256'],                             ['conv3-512', 'conv3-512'],                             ['conv3-512', 'conv3-512']],
  'B':     [['conv3-64', 'conv3-64'], ['conv3-128', 'conv3-128'], ['conv3-256', 'conv3-256'],                           ['conv3-512', 'conv3-512'],                             ['conv3-512', 'conv3-512']],
  'C':     [['conv3-64', 'conv3-64'], ['conv3-128', 'conv3-128'], ['conv3-256', 'conv3-256', 'conv1-256'],              ['conv3-512', 'conv3-512', 'conv1-512'],                ['conv3-512', 'conv3-512', 'conv1-512']],
  'D':     [['conv3-64', 'conv3-64'], ['conv3-128', 'conv3-128'], ['conv3-256', 'conv3-256', 'conv3-256'],              ['conv3-512', 'conv3-512', 'conv3-512'],                ['conv3-512', 'conv3-512', 'conv3-512']],
  'E':     [['conv3-64', 'conv3-64'], ['conv3-128', 'conv3-128'], ['conv3-256', 'conv3-256', 'conv3-256', 'conv3-256'], ['conv3-512', 'conv3-512', 'conv3-512', 'conv3-512'], ['conv3-512', 'conv3-512', 'conv3-512', 'conv3-512']],
};

export interface VGGOptions extends ClassifierOptions {
  /** Batch norm after every convolution (torchvision's vgg*_bn). Default false. */
  batchNorm?: boolean;
  /** Default 'relu'. */
  activation?: Activation;
  /** Dropout after each of the two FC-4096 layers. Default 0.5. */
  dropout?: number;
}

export class VGG extends Module implements Backbone {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential | null;
  readonly numFeatures: number;
  readonly inChannels: number;

  constructor(
    readonly configuration: VGGConfiguration,
    options: VGGOptions = {},
  ) {
    super();
    const blocks = VGG_CONFIGURATIONS[configuration];
    if (blocks === undefined) throw new Error(`vgg: configuration must be one of ${Object.keys(VGG_CONFIGURATIONS).join(', ')}, got ${JSON.stringify(configuration)}`);
    const { numClasses, inChannels, width } = resolveClassifierOptions('vgg', options);
    const act = (): TensorModule => makeActivation('vgg', options.activation ?? 'relu');
    this.inChannels = inChannels;
    const layers: TensorModule[] = [];
    let channels = inChannels;
    for (const block of blocks) {
      for (const spec of block) {
        if (spec === 'LRN') {
          // The paper's A-LRN: Krizhevsky's normalisation, n = 5, α = 1e-4, β = 0.75, k = 2.
          layers.push(new LocalResponseNorm(5, 1e-4, 0.75, 2));
          continue;
        }
        const [, kernel, out] = /^conv(\d)-(\d+)$/.exec(spec)!.map(Number);
        const outChannels = scaled(out, width);
        layers.push(new Conv2d(channels, outChannels, kernel, { padding: (kernel - 1) / 2 }));
        if (options.batchNorm) layers.push(batchNorm2d(outChannels));
        layers.push(act());
        channels = outChannels;
      }
      layers.push(new MaxPool2d(2, { stride: 2 }));
    }
    this.features = new Sequential(...layers);
    this.numFeatures = channels;
    this.avgpool = new AdaptiveAvgPool2d([7, 7]);
    const p = options.dropout ?? 0.5;
    const hidden = scaled(4096, width);
    this.classifier =
      numClasses > 0
        ? new Sequential(
            new Linear(channels * 7 * 7, hidden), act(), new Dropout(p),
            new Linear(hidden, hidden), act(), new Dropout(p),
            new Linear(hidden, numClasses),
          )
        : null;
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImages('VGG', x, this.inChannels);
    return this.features.forward(x);
  }

  forward(x: Tensor): Tensor {
    const pooled = flatten(this.avgpool.forward(this.forwardFeatures(x)), 1);
    return this.classifier === null ? pooled : this.classifier.forward(pooled);
  }

  override extraRepr(): string {
    return `configuration=${this.configuration}`;
  }
}

/** Any configuration of the table, with or without batch norm. */
export function vgg(configuration: VGGConfiguration, options: VGGOptions = {}): VGG {
  return construct(() => new VGG(configuration, options), options.init === false ? false : vggInit);
}

type Without<K extends keyof VGGOptions> = Omit<VGGOptions, K>;

/** A: 132,863,336 parameters. */
export const vgg11 = (options: VGGOptions = {}): VGG => vgg('A', options);
/** A-LRN: A with local response normalisation (same parameters). */
export const vgg11_lrn = (options: VGGOptions = {}): VGG => vgg('A-LRN', options);
/** B: 133,047,848 parameters. */
export const vgg13 = (options: VGGOptions = {}): VGG => vgg('B', options);
/** C: 133,638,952 parameters (1×1 third convolutions in blocks 3–5). */
export const vgg16_c = (options: VGGOptions = {}): VGG => vgg('C', options);
/** D: 138,357,544 parameters, 15.47 G multiply-accumulates at 224×224. */
export const vgg16 = (options: VGGOptions = {}): VGG => vgg('D', options);
/** E: 143,667,240 parameters. */
export const vgg19 = (options: VGGOptions = {}): VGG => vgg('E', options);
export const vgg11_bn = (options: Without<'batchNorm'> = {}): VGG => vgg('A', { ...options, batchNorm: true });
export const vgg13_bn = (options: Without<'batchNorm'> = {}): VGG => vgg('B', { ...options, batchNorm: true });
export const vgg16_bn = (options: Without<'batchNorm'> = {}): VGG => vgg('D', { ...options, batchNorm: true });
export const vgg19_bn = (options: Without<'batchNorm'> = {}): VGG => vgg('E', { ...options, batchNorm: true });
