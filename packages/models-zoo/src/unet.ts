/**
 * U-Net (Ronneberger, Fischer and Brox, 2015): a contracting path of two 3×3 convolutions per
 * level and 2×2 max-pooling (64, 128, 256, 512, 1024 channels), an expanding path of 2×2
 * transposed convolutions that halve the channels, concatenation with the contracting path's
 * features at the same level (the skip connections that carry the detail), two 3×3
 * convolutions again, and a 1×1 convolution to the classes.
 *
 * With 'same' padding, so the mask has the input's size (the paper's valid convolutions shrink
 * 572×572 to 388×388); input sides must be multiples of 2^depth. 1 input channel, 2 classes,
 * no batch norm: 31,030,658 parameters.
 */
import { MaxPool2d, Module, ModuleList, Sequential, type TensorModule } from '@nn/layers';
import { concat, type Tensor } from '@nn/tensor';
import { batchNorm2d, Conv2d, construct, ConvTranspose2d, pytorchDefault } from './building.js';
import { checkImages, checkPositiveInt, makeActivation, type Activation } from './common.js';

export interface UNetOptions {
  /** Channels of the input image. Default 1 (the paper's grey-level cell images). */
  inChannels?: number;
  /** Output channels: one score map per class. Default 2 (the paper's cell / background). */
  numClasses?: number;
  /** Channels at the first level, doubled at each level below. Default 64. */
  baseWidth?: number;
  /** Number of 2×2 poolings. Default 4. */
  depth?: number;
  /** Batch norm after every 3×3 convolution (whose bias it makes redundant, so then they have none). Default false. */
  batchNorm?: boolean;
  /** Default 'relu'. */
  activation?: Activation;
  init?: boolean;
}

/** conv3×3 → [BN] → act, twice. */
export class DoubleConv extends Sequential {
  constructor(inChannels: number, outChannels: number, batchNorm: boolean, activation: Activation) {
    const layers: TensorModule[] = [];
    for (const [from, to] of [[inChannels, outChannels], [outChannels, outChannels]]) {
      layers.push(new Conv2d(from, to, 3, { padding: 1, bias: !batchNorm }));
      if (batchNorm) layers.push(batchNorm2d(to));
      layers.push(makeActivation('unet', activation));
    }
    super(...layers);
  }
}

/** One level of the expanding path: 2×2 up-convolution, concatenation with the skip, DoubleConv. */
export class UpBlock extends Module<[Tensor, Tensor], Tensor> {
  upconv: ConvTranspose2d;
  conv: DoubleConv;

  constructor(inChannels: number, outChannels: number, batchNorm: boolean, activation: Activation) {
    super();
    this.upconv = new ConvTranspose2d(inChannels, outChannels, 2, { stride: 2 });
    this.conv = new DoubleConv(2 * outChannels, outChannels, batchNorm, activation);
  }

  forward(x: Tensor, skip: Tensor): Tensor {
    return this.conv.forward(concat([skip, this.upconv.forward(x)], 1));
  }
}

export class UNet extends Module {
  down: ModuleList<DoubleConv>;
  pool: MaxPool2d;
  bottleneck: DoubleConv;
  up: ModuleList<UpBlock>;
  head: Conv2d;
  readonly inChannels: number;
  readonly numClasses: number;
  readonly depth: number;

  constructor(options: UNetOptions = {}) {
    super();
    this.inChannels = checkPositiveInt('unet', 'inChannels', options.inChannels ?? 1);
    this.numClasses = checkPositiveInt('unet', 'numClasses', options.numClasses ?? 2);
    const base = checkPositiveInt('unet', 'baseWidth', options.baseWidth ?? 64);
    this.depth = checkPositiveInt('unet', 'depth', options.depth ?? 4);
    const bn = options.batchNorm ?? false;
    const act = options.activation ?? 'relu';
    const widths = Array.from({ length: this.depth + 1 }, (_, level) => base * 2 ** level);
    this.down = new ModuleList(widths.slice(0, -1).map((w, level) => new DoubleConv(level === 0 ? this.inChannels : widths[level - 1], w, bn, act)));
    this.pool = new MaxPool2d(2, { stride: 2 });
    this.bottleneck = new DoubleConv(widths[this.depth - 1], widths[this.depth], bn, act);
    // up[0] is the deepest level, as the data flows.
    this.up = new ModuleList(widths.slice(0, -1).reverse().map((w) => new UpBlock(2 * w, w, bn, act)));
    this.head = new Conv2d(base, this.numClasses, 1);
  }

  /** Per-pixel class scores [N, numClasses, H, W] for images [N, inChannels, H, W]. */
  forward(x: Tensor): Tensor {
    checkImages('UNet', x, this.inChannels);
    const multiple = 2 ** this.depth;
    if (x.shape[2] % multiple !== 0 || x.shape[3] % multiple !== 0) {
      throw new Error(`UNet: height and width must be multiples of ${multiple} (2^depth, depth ${this.depth}), got shape [${x.shape.join(',')}]`);
    }
    const skips: Tensor[] = [];
    let y = x;
    for (const block of this.down) {
      y = block.forward(y);
      skips.push(y);
      y = this.pool.forward(y);
    }
    y = this.bottleneck.forward(y);
    for (const block of this.up) y = block.forward(y, skips.pop()!);
    return this.head.forward(y);
  }
}

export function unet(options: UNetOptions = {}): UNet {
  return construct(() => new UNet(options), options.init === false ? false : pytorchDefault);
}
