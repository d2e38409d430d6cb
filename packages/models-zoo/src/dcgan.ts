/**
 * DCGAN (Radford, Metz and Chintala 2016) scaled to 28×28, in the layout of PyTorch's DCGAN
 * example (`main` Sequential, so the state-dict keys are `main.0.weight`, `main.1.running_mean`…):
 *
 *   generator:      z (nz×1×1) → convT 7×7 → 4·ngf×7×7  BN ReLU → convT 4×4 s2 → 2·ngf×14×14  BN ReLU
 *                   → convT 4×4 s2 → 1×28×28  tanh
 *   discriminator:  1×28×28 → conv 4×4 s2 → ndf×14×14  LeakyReLU(0.2) → conv 4×4 s2 → 2·ndf×7×7  BN LeakyReLU(0.2)
 *                   → conv 7×7 → one logit
 *
 * The paper's rules: no pooling (strided convolutions down, fractionally-strided up), batch
 * norm in both nets except the generator's output and the discriminator's input, ReLU with a
 * tanh output in the generator, LeakyReLU(0.2) in the discriminator, weights from N(0, 0.02)
 * (batch-norm scales from N(1, 0.02)), convolutions without bias (batch norm has one). The
 * discriminator returns a logit, not a probability: `discriminatorLoss` and `generatorLoss` apply the sigmoid inside a
 * stable binary cross entropy. With `numClasses` both nets are conditional (Mirza & Osindero
 * 2014): the generator reads a one-hot class beside z, the discriminator one-hot class maps
 * beside the image.
 */
import { BatchNorm2d, binaryCrossEntropyWithLogits, init, LeakyReLU, Module, ReLU, Sequential, Tanh, type AnyModule } from '@nn/layers';
import { cast, concat, expand, oneHot, ones, reshape, zeros, type Tensor } from '@nn/tensor';
import { construct, Conv2d, ConvTranspose2d } from './building.js';
import { checkImages, checkPositiveInt, scaled } from './common.js';

export interface DcganOptions {
  /** Size of z. Default 100, as in the paper. */
  latentDim?: number;
  /** Channels of the image. Default 1. */
  channels?: number;
  /** Multiplies ngf = ndf = 64. Default 1. */
  width?: number;
  /** Classes of a conditional GAN; 0 (default) for the unconditional one. */
  numClasses?: number;
  /** The paper's N(0, 0.02) initialisation (true), or zeros for loading (false). Default true. */
  init?: boolean;
}

const SIDE = 28;

interface Resolved {
  latentDim: number;
  channels: number;
  features: number;
  numClasses: number;
}

function resolve(model: string, options: DcganOptions): Resolved {
  const width = options.width ?? 1;
  if (typeof width !== 'number' || !(width > 0) || !Number.isFinite(width)) throw new Error(`${model}: width must be a positive number, got ${String(width)}`);
  return {
    latentDim: checkPositiveInt(model, 'latentDim', options.latentDim ?? 100),
    channels: checkPositiveInt(model, 'channels', options.channels ?? 1),
    features: scaled(64, width),
    numClasses: checkPositiveInt(model, 'numClasses', options.numClasses ?? 0, 0),
  };
}

/** One-hot float rows [N, numClasses] of int32 labels [N]. */
function classCodes(model: string, labels: Tensor | undefined, n: number, numClasses: number): Tensor | null {
  if (numClasses === 0) {
    if (labels !== undefined) throw new Error(`${model}: labels given to an unconditional net (numClasses 0)`);
    return null;
  }
  if (labels === undefined) throw new Error(`${model}: a conditional net (numClasses ${numClasses}) needs labels`);
  if (labels.rank !== 1 || labels.shape[0] !== n) throw new Error(`${model}: expected labels [${n}], got shape [${labels.shape.join(',')}]`);
  return cast(oneHot(labels, numClasses), 'float32');
}

export class DcganGenerator extends Module<[Tensor, Tensor?], Tensor> {
  main: Sequential;
  readonly latentDim: number;
  readonly numClasses: number;

  constructor(options: DcganOptions = {}) {
    super();
    const { latentDim, channels, features: ngf, numClasses } = resolve('dcganGenerator', options);
    this.latentDim = latentDim;
    this.numClasses = numClasses;
    this.main = new Sequential(
      new ConvTranspose2d(latentDim + numClasses, ngf * 4, 7, { bias: false }),
      new BatchNorm2d(ngf * 4),
      new ReLU(),
      new ConvTranspose2d(ngf * 4, ngf * 2, 4, { stride: 2, padding: 1, bias: false }),
      new BatchNorm2d(ngf * 2),
      new ReLU(),
      new ConvTranspose2d(ngf * 2, channels, 4, { stride: 2, padding: 1, bias: false }),
      new Tanh(),
    );
  }

  /** Images [N, C, 28, 28] in [−1, 1] from z [N, latentDim] (or [N, latentDim, 1, 1]), and labels [N] if conditional. */
  forward(z: Tensor, labels?: Tensor): Tensor {
    const n = z.shape[0];
    if (!((z.rank === 2 && z.shape[1] === this.latentDim) || (z.rank === 4 && z.shape[1] === this.latentDim && z.shape[2] === 1 && z.shape[3] === 1))) {
      throw new Error(`DcganGenerator: expected z [N, ${this.latentDim}], got shape [${z.shape.join(',')}]`);
    }
    const codes = classCodes('DcganGenerator', labels, n, this.numClasses);
    const flat = z.rank === 4 ? reshape(z, [n, this.latentDim]) : z;
    const input = codes === null ? flat : concat([flat, codes], 1);
    return this.main.forward(reshape(input, [n, this.latentDim + this.numClasses, 1, 1]));
  }
}

export class DcganDiscriminator extends Module<[Tensor, Tensor?], Tensor> {
  main: Sequential;
  readonly channels: number;
  readonly numClasses: number;

  constructor(options: DcganOptions = {}) {
    super();
    const { channels, features: ndf, numClasses } = resolve('dcganDiscriminator', options);
    this.channels = channels;
    this.numClasses = numClasses;
    this.main = new Sequential(
      new Conv2d(channels + numClasses, ndf, 4, { stride: 2, padding: 1, bias: false }),
      new LeakyReLU(0.2),
      new Conv2d(ndf, ndf * 2, 4, { stride: 2, padding: 1, bias: false }),
      new BatchNorm2d(ndf * 2),
      new LeakyReLU(0.2),
      new Conv2d(ndf * 2, 1, 7, { bias: false }),
    );
  }

  /** One logit per image [N] (real > 0 > fake), for images [N, C, 28, 28] in [−1, 1] and labels [N] if conditional. */
  forward(x: Tensor, labels?: Tensor): Tensor {
    checkImages('DcganDiscriminator', x, this.channels);
    if (x.shape[2] !== SIDE || x.shape[3] !== SIDE) throw new Error(`DcganDiscriminator: expected ${SIDE}×${SIDE} images, got shape [${x.shape.join(',')}]`);
    const n = x.shape[0];
    const codes = classCodes('DcganDiscriminator', labels, n, this.numClasses);
    const input = codes === null ? x : concat([x, expand(reshape(codes, [n, this.numClasses, 1, 1]), [n, this.numClasses, SIDE, SIDE])], 1);
    return reshape(this.main.forward(input), [n]);
  }
}

/** The paper's initialisation: convolution weights N(0, 0.02); batch-norm scale N(1, 0.02), shift 0. */
export const dcganInit = (m: AnyModule): void => {
  if (m instanceof Conv2d || m instanceof ConvTranspose2d) {
    init.normal(m.weight, 0, 0.02);
  } else if (m instanceof BatchNorm2d) {
    if (m.weight) init.normal(m.weight, 1, 0.02);
    if (m.bias) init.zeros(m.bias);
  }
};

export function dcganGenerator(options: DcganOptions = {}): DcganGenerator {
  return construct(() => new DcganGenerator(options), options.init === false ? false : dcganInit);
}

export function dcganDiscriminator(options: DcganOptions = {}): DcganDiscriminator {
  return construct(() => new DcganDiscriminator(options), options.init === false ? false : dcganInit);
}

/** The discriminator's loss −log D(x) − log(1 − D(G(z))), averaged over the batch. */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  return binaryCrossEntropyWithLogits(realLogits, ones(realLogits.shape)).add(binaryCrossEntropyWithLogits(fakeLogits, zeros(fakeLogits.shape)));
}

/** The non-saturating generator loss −log D(G(z)), averaged over the batch (Goodfellow et al. 2014, §3). */
export function generatorLoss(fakeLogits: Tensor): Tensor {
  return binaryCrossEntropyWithLogits(fakeLogits, ones(fakeLogits.shape));
}
