/**
 * Residual Attention Network (Wang et al., 2017): a ResNet of pre-activation bottleneck units
 * in which attention modules are stacked between the stages. Each module splits in two:
 *
 *   trunk T(x): t = 2 residual units (the features);
 *   soft mask M(x) ∈ (0, 1): an hourglass of residual units, max-pooling down to a low
 *     resolution and bilinear interpolation back up, with a skip connection (one residual
 *     unit) at each level, closed by two 1×1 convolutions and a sigmoid;
 *
 * and combines them by attention residual learning, H(x) = (1 + M(x)) · T(x), between p = 1
 * residual unit before and after. Modules at 56×56 pool three times, at 28×28 twice, at
 * 14×14 once (the paper's Table 2 with p = 1, t = 2, r = 1):
 *
 *   stage          Attention-56   Attention-92
 *   conv1 7×7/2, max-pool 3×3/2       64
 *   unit, module   256 ×1         256 ×1      56×56
 *   unit, modules  512 ×1         512 ×2      28×28
 *   unit, modules  1024 ×1        1024 ×3     14×14
 *   units          2048 ×3        2048 ×3      7×7
 *   average pool, FC
 *
 * The paper gives about 31.9 M and 51.3 M parameters and 6.2 and 10.4 GFLOPs at 224×224; this
 * construction has 31,810,728 and 52,466,344 parameters and 6.27 and 10.53 G multiply-accumulates
 * (the paper does not list every unit of the mask branch; ours follows its Fig. 3 and text).
 */
import { AdaptiveAvgPool2d, MaxPool2d, Module, ReLU, Sequential, Sigmoid, type BatchNorm2d } from '@nn/layers';
import { flatten, relu, upsample, type Tensor } from '@nn/tensor';
import { batchNorm2d, Conv2d, construct, Linear, resnetInit } from './building.js';
import { checkImages, checkPositiveInt, resolveClassifierOptions, scaled, type Backbone, type ClassifierOptions } from './common.js';

/**
 * The pre-activation bottleneck unit (He et al., 2016) the paper builds on:
 * BN-ReLU-1×1, BN-ReLU-3×3 (stride), BN-ReLU-1×1 to outChannels, plus the input, through a
 * 1×1 projection of the activated input where the shape changes.
 */
export class ResidualUnit extends Module {
  bn1: BatchNorm2d;
  conv1: Conv2d;
  bn2: BatchNorm2d;
  conv2: Conv2d;
  bn3: BatchNorm2d;
  conv3: Conv2d;
  shortcut: Conv2d | null;

  constructor(inChannels: number, outChannels: number, stride = 1) {
    super();
    const middle = Math.max(1, Math.round(outChannels / 4));
    this.bn1 = batchNorm2d(inChannels);
    this.conv1 = new Conv2d(inChannels, middle, 1, { bias: false });
    this.bn2 = batchNorm2d(middle);
    this.conv2 = new Conv2d(middle, middle, 3, { stride, padding: 1, bias: false });
    this.bn3 = batchNorm2d(middle);
    this.conv3 = new Conv2d(middle, outChannels, 1, { bias: false });
    this.shortcut = inChannels !== outChannels || stride !== 1 ? new Conv2d(inChannels, outChannels, 1, { stride, bias: false }) : null;
  }

  forward(x: Tensor): Tensor {
    const activated = relu(this.bn1.forward(x));
    let out = this.conv1.forward(activated);
    out = this.conv2.forward(relu(this.bn2.forward(out)));
    out = this.conv3.forward(relu(this.bn3.forward(out)));
    return out.add(this.shortcut === null ? x : this.shortcut.forward(activated));
  }
}

const units = (channels: number, count: number): Sequential => new Sequential(...Array.from({ length: count }, () => new ResidualUnit(channels, channels)));

/** Bilinear interpolation to another feature map's size (PyTorch's UpsamplingBilinear2d). */
function upTo(x: Tensor, like: Tensor): Tensor {
  return upsample(x, { size: [like.shape[2], like.shape[3]], mode: 'bilinear', alignCorners: true });
}

/** One attention module on `channels` channels whose soft mask pools `depth` times. */
export class AttentionModule extends Module {
  preUnit: ResidualUnit;
  trunk: Sequential;
  pool: MaxPool2d;
  /** Per level above the lowest: the unit after each pooling, and its skip connection. */
  down: Sequential;
  skip: Sequential;
  /** 2r units at the lowest resolution. */
  bottom: Sequential;
  /** Per level above the lowest, on the way up: the unit after each interpolation. */
  up: Sequential;
  maskHead: Sequential;
  postUnit: ResidualUnit;

  constructor(
    channels: number,
    readonly depth: number,
  ) {
    super();
    this.preUnit = new ResidualUnit(channels, channels);
    this.trunk = units(channels, 2);
    this.pool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.down = units(channels, depth - 1);
    this.skip = units(channels, depth - 1);
    this.bottom = units(channels, 2);
    this.up = units(channels, depth - 1);
    this.maskHead = new Sequential(
      batchNorm2d(channels), new ReLU(), new Conv2d(channels, channels, 1, { bias: false }),
      batchNorm2d(channels), new ReLU(), new Conv2d(channels, channels, 1, { bias: false }),
      new Sigmoid(),
    );
    this.postUnit = new ResidualUnit(channels, channels);
  }

  /** The soft mask M(x): bottom-up by max-pooling, top-down by interpolation, skips between. */
  mask(x: Tensor): Tensor {
    const levels: Tensor[] = [];
    const skips: Tensor[] = [];
    let y = x;
    for (let level = 0; level < this.depth - 1; level++) {
      levels.push(y);
      y = this.down.at(level).forward(this.pool.forward(y));
      skips.push(this.skip.at(level).forward(y));
    }
    levels.push(y);
    y = this.bottom.forward(this.pool.forward(y));
    for (let level = this.depth - 2; level >= 0; level--) {
      y = this.up.at(level).forward(upTo(y, skips[level]).add(skips[level]));
    }
    return this.maskHead.forward(upTo(y, x));
  }

  forward(x: Tensor): Tensor {
    const input = this.preUnit.forward(x);
    const trunk = this.trunk.forward(input);
    // Attention residual learning: H = (1 + M) · T, so a mask near zero keeps the trunk's features.
    const attended = this.mask(input).add(1).mul(trunk);
    return this.postUnit.forward(attended);
  }

  override extraRepr(): string {
    return `depth=${this.depth}`;
  }
}

export type ResidualAttentionOptions = ClassifierOptions;

export class ResidualAttentionNetwork extends Module implements Backbone {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  maxpool: MaxPool2d;
  unit1: ResidualUnit;
  stage1: Sequential;
  unit2: ResidualUnit;
  stage2: Sequential;
  unit3: ResidualUnit;
  stage3: Sequential;
  stage4: Sequential;
  /** Pre-activation networks end with BN-ReLU before pooling. */
  bn2: BatchNorm2d;
  avgpool: AdaptiveAvgPool2d;
  fc: Linear | null;
  readonly numFeatures: number;
  readonly inChannels: number;

  /** `modules`: attention modules in stages 1–3, [1, 1, 1] for Attention-56, [1, 2, 3] for Attention-92. */
  constructor(
    readonly modulesPerStage: readonly [number, number, number],
    options: ResidualAttentionOptions = {},
  ) {
    super();
    const { numClasses, inChannels, width } = resolveClassifierOptions('residualAttention', options);
    modulesPerStage.forEach((n, i) => checkPositiveInt('residualAttention', `modules in stage ${i + 1}`, n));
    const c = (n: number): number => scaled(n, width);
    const attention = (channels: number, count: number, depth: number): Sequential =>
      new Sequential(...Array.from({ length: count }, () => new AttentionModule(channels, depth)));
    this.inChannels = inChannels;
    this.conv1 = new Conv2d(inChannels, c(64), 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = batchNorm2d(c(64));
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.unit1 = new ResidualUnit(c(64), c(256));
    this.stage1 = attention(c(256), modulesPerStage[0], 3);
    this.unit2 = new ResidualUnit(c(256), c(512), 2);
    this.stage2 = attention(c(512), modulesPerStage[1], 2);
    this.unit3 = new ResidualUnit(c(512), c(1024), 2);
    this.stage3 = attention(c(1024), modulesPerStage[2], 1);
    this.stage4 = new Sequential(new ResidualUnit(c(1024), c(2048), 2), new ResidualUnit(c(2048), c(2048)), new ResidualUnit(c(2048), c(2048)));
    this.bn2 = batchNorm2d(c(2048));
    this.numFeatures = c(2048);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.fc = numClasses > 0 ? new Linear(this.numFeatures, numClasses) : null;
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImages('ResidualAttentionNetwork', x, this.inChannels);
    let y = this.maxpool.forward(relu(this.bn1.forward(this.conv1.forward(x))));
    y = this.stage1.forward(this.unit1.forward(y));
    y = this.stage2.forward(this.unit2.forward(y));
    y = this.stage3.forward(this.unit3.forward(y));
    return relu(this.bn2.forward(this.stage4.forward(y)));
  }

  forward(x: Tensor): Tensor {
    const pooled = flatten(this.avgpool.forward(this.forwardFeatures(x)), 1);
    return this.fc === null ? pooled : this.fc.forward(pooled);
  }
}

export function residualAttention(modulesPerStage: readonly [number, number, number], options: ResidualAttentionOptions = {}): ResidualAttentionNetwork {
  return construct(() => new ResidualAttentionNetwork(modulesPerStage, options), options.init === false ? false : resnetInit);
}

/** Attention-56: one attention module per stage. */
export const residualAttention56 = (options: ResidualAttentionOptions = {}): ResidualAttentionNetwork => residualAttention([1, 1, 1], options);
/** Attention-92: 1, 2 and 3 attention modules in the three stages. */
export const residualAttention92 = (options: ResidualAttentionOptions = {}): ResidualAttentionNetwork => residualAttention([1, 2, 3], options);
