/**
 * The three generative models and how they are configured: the zoo's convolutional
 * autoencoder (plain or denoising), VAE and DCGAN (optionally conditional on the class).
 */
import { convAutoencoder, dcganDiscriminator, dcganGenerator, vae, type ConvAutoencoder, type DcganDiscriminator, type DcganGenerator, type VAE } from '@nn/models-zoo';

export const MODELS = ['ae', 'vae', 'dcgan'] as const;
export type ModelKind = (typeof MODELS)[number];

export interface ModelConfig {
  model: ModelKind;
  /** Size of the code (ae, vae) or of z (dcgan). */
  latentDim: number;
  /** The zoo's channel multiplier. */
  width: number;
  /** ae: standard deviation of the input noise of the denoising autoencoder (0: plain). */
  noiseStd: number;
  /** vae: weight of the KL term (1: the paper's bound). */
  klWeight: number;
  /** dcgan: generator and discriminator see the class. */
  conditional: boolean;
}

/** Defaults per model, chosen so each default run fits the time budget (see the README). */
export const DEFAULTS: Record<ModelKind, { config: Omit<ModelConfig, 'model'>; epochs: number; batchSize: number; lr: number }> = {
  ae: { config: { latentDim: 32, width: 1, noiseStd: 0, klWeight: 1, conditional: false }, epochs: 10, batchSize: 64, lr: 1e-3 },
  vae: { config: { latentDim: 2, width: 1, noiseStd: 0, klWeight: 1, conditional: false }, epochs: 10, batchSize: 64, lr: 1e-3 },
  // The paper's Adam(2e-4, β1 0.5), batch 128 there; 64 here gives more steps per epoch.
  dcgan: { config: { latentDim: 100, width: 0.5, noiseStd: 0, klWeight: 1, conditional: false }, epochs: 6, batchSize: 64, lr: 2e-4 },
};

export type Nets = { kind: 'ae'; model: ConvAutoencoder } | { kind: 'vae'; model: VAE } | { kind: 'dcgan'; generator: DcganGenerator; discriminator: DcganDiscriminator };

export function buildNets(config: ModelConfig, init = true): Nets {
  const { latentDim, width } = config;
  switch (config.model) {
    case 'ae':
      return { kind: 'ae', model: convAutoencoder({ latentDim, width, init }) };
    case 'vae':
      return { kind: 'vae', model: vae({ latentDim, width, init }) };
    case 'dcgan': {
      const options = { latentDim, width, numClasses: config.conditional ? 10 : 0, init };
      return { kind: 'dcgan', generator: dcganGenerator(options), discriminator: dcganDiscriminator(options) };
    }
  }
}

/** The nets by the prefix of their state-dict keys in a checkpoint. */
export function namedNets(nets: Nets): Record<string, ConvAutoencoder | VAE | DcganGenerator | DcganDiscriminator> {
  return nets.kind === 'dcgan' ? { generator: nets.generator, discriminator: nets.discriminator } : { model: nets.model };
}
