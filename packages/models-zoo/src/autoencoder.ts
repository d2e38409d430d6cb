/**
 * A convolutional autoencoder (and its denoising variant, Vincent et al. 2008) and a
 * variational autoencoder (Kingma & Welling 2014) for 28×28 grey images, in the layout of the
 * PyTorch tutorials: two stride-2 3×3 convolutions down to 7×7, a linear code, and the mirror
 * image back up with stride-2 transposed convolutions.
 *
 *   encoder:  conv 1→32 s2 (14×14)  ReLU  conv 32→64 s2 (7×7)  ReLU  flatten  [linear → code]
 *   decoder:  linear code → 64·7·7  ReLU  unflatten  convT 64→32 s2 (14×14)  ReLU  convT 32→1 s2 (28×28)  sigmoid
 *
 * The decoder ends in a sigmoid, so outputs are pixel intensities in [0, 1] and binary cross
 * entropy against the input is a proper reconstruction loss.
 */
import { binaryCrossEntropy, Flatten, mseLoss, Module, ReLU, Sequential, Sigmoid, Unflatten } from '@nn/layers';
import { clip, exp, randn, type Tensor } from '@nn/tensor';
import { construct, Conv2d, ConvTranspose2d, Linear, pytorchDefault } from './building.js';
import { checkImages, checkPositiveInt, scaled } from './common.js';

export interface AutoencoderOptions {
  /** Size of the code. Default 32 (autoencoder), 16 (VAE). */
  latentDim?: number;
  /** Channels of the image. Default 1. */
  inChannels?: number;
  /** Multiplies the channel counts 32 and 64. Default 1. */
  width?: number;
  /** PyTorch's default initialisation (true), or zeros for loading (false). Default true. */
  init?: boolean;
}

export type Reconstruction = 'bce' | 'mse';

const SIDE = 28;

/** The convolutions and the flatten; the autoencoder adds its linear code layer at index 5. */
function encoderLayers(inChannels: number, c1: number, c2: number, ...code: Linear[]): Sequential {
  return new Sequential(
    new Conv2d(inChannels, c1, 3, { stride: 2, padding: 1 }),
    new ReLU(),
    new Conv2d(c1, c2, 3, { stride: 2, padding: 1 }),
    new ReLU(),
    new Flatten(),
    ...code,
  );
}

function decoderLayers(latentDim: number, c1: number, c2: number, outChannels: number): Sequential {
  return new Sequential(
    new Linear(latentDim, c2 * 7 * 7),
    new ReLU(),
    new Unflatten(1, [c2, 7, 7]),
    new ConvTranspose2d(c2, c1, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    new ReLU(),
    new ConvTranspose2d(c1, outChannels, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    new Sigmoid(),
  );
}

function resolve(model: string, options: AutoencoderOptions, defaultLatent: number): { latentDim: number; inChannels: number; c1: number; c2: number } {
  const latentDim = checkPositiveInt(model, 'latentDim', options.latentDim ?? defaultLatent);
  const inChannels = checkPositiveInt(model, 'inChannels', options.inChannels ?? 1);
  const width = options.width ?? 1;
  if (typeof width !== 'number' || !(width > 0) || !Number.isFinite(width)) throw new Error(`${model}: width must be a positive number, got ${String(width)}`);
  return { latentDim, inChannels, c1: scaled(32, width), c2: scaled(64, width) };
}

function checkSide(model: string, x: Tensor, channels: number): void {
  checkImages(model, x, channels);
  if (x.shape[2] !== SIDE || x.shape[3] !== SIDE) throw new Error(`${model}: expected ${SIDE}×${SIDE} images, got shape [${x.shape.join(',')}]`);
}

/** Reconstruction error of x̂ against x, summed over pixels and averaged over the batch. */
export function reconstructionLoss(reconstruction: Tensor, x: Tensor, kind: Reconstruction = 'bce'): Tensor {
  if (kind !== 'bce' && kind !== 'mse') throw new Error(`reconstructionLoss: kind must be 'bce' or 'mse', got ${JSON.stringify(kind)}`);
  const perPixel = kind === 'bce' ? binaryCrossEntropy(reconstruction, x, { reduction: 'sum' }) : mseLoss(reconstruction, x, { reduction: 'sum' });
  return perPixel.div(x.shape[0]);
}

export class ConvAutoencoder extends Module {
  encoder: Sequential;
  decoder: Sequential;
  readonly latentDim: number;
  readonly inChannels: number;

  constructor(options: AutoencoderOptions = {}) {
    super();
    const { latentDim, inChannels, c1, c2 } = resolve('convAutoencoder', options, 32);
    this.latentDim = latentDim;
    this.inChannels = inChannels;
    this.encoder = encoderLayers(inChannels, c1, c2, new Linear(c2 * 7 * 7, latentDim));
    this.decoder = decoderLayers(latentDim, c1, c2, inChannels);
  }

  /** The code [N, latentDim] of images [N, C, 28, 28]. */
  encode(x: Tensor): Tensor {
    checkSide('ConvAutoencoder', x, this.inChannels);
    return this.encoder.forward(x);
  }

  /** Images [N, C, 28, 28] in [0, 1] of codes [N, latentDim]. */
  decode(z: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.latentDim) throw new Error(`ConvAutoencoder: expected codes [N, ${this.latentDim}], got shape [${z.shape.join(',')}]`);
    return this.decoder.forward(z);
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /**
   * Reconstruction loss of x; with `noiseStd` > 0 the input is first corrupted with Gaussian
   * noise (clipped to [0, 1]) and the clean x is the target: the denoising autoencoder.
   */
  loss(x: Tensor, options: { reconstruction?: Reconstruction; noiseStd?: number } = {}): Tensor {
    const noiseStd = options.noiseStd ?? 0;
    if (!(noiseStd >= 0)) throw new Error(`ConvAutoencoder.loss: noiseStd must be >= 0, got ${String(noiseStd)}`);
    const input = noiseStd > 0 ? corrupt(x, noiseStd) : x;
    return reconstructionLoss(this.forward(input), x, options.reconstruction ?? 'bce');
  }
}

/** x + N(0, std²) noise, clipped to [0, 1]: the denoising autoencoder's corruption. */
export function corrupt(x: Tensor, std: number): Tensor {
  return clip(x.add(randn(x.shape).mul(std)), 0, 1);
}

export interface VaeLoss {
  /** reconstruction + klWeight · KL, averaged over the batch. */
  loss: Tensor;
  reconstruction: Tensor;
  kl: Tensor;
}

export class VAE extends Module {
  encoder: Sequential;
  /** μ(x) and log σ²(x): the encoder's two heads. */
  mean: Linear;
  logvar: Linear;
  decoder: Sequential;
  readonly latentDim: number;
  readonly inChannels: number;

  constructor(options: AutoencoderOptions = {}) {
    super();
    const { latentDim, inChannels, c1, c2 } = resolve('vae', options, 16);
    this.latentDim = latentDim;
    this.inChannels = inChannels;
    this.encoder = encoderLayers(inChannels, c1, c2);
    this.mean = new Linear(c2 * 7 * 7, latentDim);
    this.logvar = new Linear(c2 * 7 * 7, latentDim);
    this.decoder = decoderLayers(latentDim, c1, c2, inChannels);
  }

  /** q(z|x) = N(mean, exp(logvar)), each [N, latentDim]. */
  encode(x: Tensor): { mean: Tensor; logvar: Tensor } {
    checkSide('VAE', x, this.inChannels);
    const h = this.encoder.forward(x);
    return { mean: this.mean.forward(h), logvar: this.logvar.forward(h) };
  }

  decode(z: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.latentDim) throw new Error(`VAE: expected codes [N, ${this.latentDim}], got shape [${z.shape.join(',')}]`);
    return this.decoder.forward(z);
  }

  /** The reparameterisation trick: z = μ + σ·ε with ε ~ N(0, I), so gradients reach μ and σ. */
  reparameterize(mean: Tensor, logvar: Tensor): Tensor {
    return mean.add(exp(logvar.mul(0.5)).mul(randn(mean.shape)));
  }

  /** A reconstruction: in training through a sampled z, in eval through the mean. */
  forward(x: Tensor): Tensor {
    const { mean, logvar } = this.encode(x);
    return this.decode(this.training ? this.reparameterize(mean, logvar) : mean);
  }

  /** Images decoded from z ~ N(0, I). */
  sample(n: number): Tensor {
    return this.decode(randn([checkPositiveInt('VAE.sample', 'n', n), this.latentDim]));
  }

  /**
   * The negative evidence lower bound (the paper's equation 10, per image): reconstruction
   * error + KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²); `klWeight` scales the KL
   * term (β-VAE; 1 is the paper's bound).
   */
  loss(x: Tensor, options: { reconstruction?: Reconstruction; klWeight?: number } = {}): VaeLoss {
    const klWeight = options.klWeight ?? 1;
    if (!(klWeight >= 0)) throw new Error(`VAE.loss: klWeight must be >= 0, got ${String(klWeight)}`);
    const { mean, logvar } = this.encode(x);
    const reconstruction = reconstructionLoss(this.decode(this.reparameterize(mean, logvar)), x, options.reconstruction ?? 'bce');
    const kl = logvar.add(1).sub(mean.square()).sub(exp(logvar)).sum().mul(-0.5 / x.shape[0]);
    return { loss: reconstruction.add(kl.mul(klWeight)), reconstruction, kl };
  }
}

/** A convolutional autoencoder for 28×28 images (the denoising one is the same net trained with `loss(x, { noiseStd })`). */
export function convAutoencoder(options: AutoencoderOptions = {}): ConvAutoencoder {
  return construct(() => new ConvAutoencoder(options), options.init === false ? false : pytorchDefault);
}

/** A variational autoencoder for 28×28 images; latentDim 2 draws a map, 16 or 32 reconstruct better. */
export function vae(options: AutoencoderOptions = {}): VAE {
  return construct(() => new VAE(options), options.init === false ? false : pytorchDefault);
}
