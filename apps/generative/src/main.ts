/**
 * The command line (commander): train, sample, interpolate, train-judge. `main` returns the
 * exit code instead of exiting, and writes through the given streams, so tests call it
 * directly. A failure is one line, never a stack trace (set GENERATIVE_DEBUG=1 to see one).
 */
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { checkOutputFile, displayPath, makeOutputDir } from '@nn/layers/node';
import { configureProgram, integer, nonNegativeNumber, positiveInteger, positiveNumber, runProgram, type IO } from '@nn/app-kit/cli';
import { BACKENDS, useBackend, type BackendName } from '@nn/app-kit/backend';
import { EMBEDDED_DATA_DIR, readImages } from './data.js';
import { JUDGE_FILE, saveJudge, trainJudge } from './judge.js';
import { MODELS, type ModelKind } from './models.js';
import { interpolate, sample } from './sample.js';
import { train } from './train.js';

const backendOption = (): Option => new Option('--backend <name>', 'where the tensors live').choices(BACKENDS).default('cpu');
const dataOption = (): Option => new Option('--data <dir>', 'an MNIST-format folder of 28×28 images (default: the embedded Fashion-MNIST subset)');
const seedOption = (fallback: number): Option => new Option('--seed <n>', 'seed of the initialisation, the shuffling and the samples').argParser(integer).default(fallback);

interface TrainFlags {
  model: ModelKind;
  out?: string;
  backend: BackendName;
  data?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  latent?: number;
  width?: number;
  noise?: number;
  klWeight?: number;
  conditional?: boolean;
  resume?: boolean;
  judge?: string;
  trainImages?: number;
  testImages?: number;
  judgeEpochs?: number;
  seed: number;
}

export function buildProgram(io: IO): Command {
  const program = configureProgram(new Command('generative').description('Autoencoders, a VAE and a DCGAN on Fashion-MNIST with @nn: train, sample, interpolate, judged by a LeNet-5.'), io);

  program
    .command('train')
    .description('train a model; writes model.safetensors, metrics.json and PNG pictures to --out')
    .addOption(new Option('--model <name>', 'what to train').choices(MODELS).makeOptionMandatory())
    .option('--out <dir>', 'folder for the checkpoint, metrics.json and the pictures (default: out/<model>)')
    .option('--epochs <n>', 'passes over the training images, in all (with --resume: up to this many)', positiveInteger)
    .option('--batch-size <n>', 'images per step', positiveInteger)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber)
    .option('--latent <n>', 'size of the code (ae, vae) or of z (dcgan)', positiveInteger)
    .option('--width <w>', 'channel multiplier of the zoo model', positiveNumber)
    .option('--noise <std>', 'ae: train the denoising autoencoder with Gaussian input noise of this std', nonNegativeNumber)
    .option('--kl-weight <w>', 'vae: weight of the KL term (1: the paper)', nonNegativeNumber)
    .option('--conditional', 'dcgan: generator and discriminator see the class')
    .option('--resume', 'continue the run in --out from its checkpoint (nets, optimizers, history)')
    .option('--judge <file>', 'the LeNet-5 judge checkpoint, trained there first if missing (default: judge/judge.safetensors beside --out)')
    .option('--train-images <n>', 'use only the first n training images', positiveInteger)
    .option('--test-images <n>', 'use only the first n test images', positiveInteger)
    .option('--judge-epochs <n>', 'epochs of the judge if it has to be trained', positiveInteger)
    .addOption(dataOption())
    .addOption(seedOption(1))
    .addOption(backendOption())
    .action(async (flags: TrainFlags) => {
      const { data, latent, noise, ...rest } = flags;
      await train({ ...rest, out: flags.out ?? join('out', flags.model), dataDir: data ?? EMBEDDED_DATA_DIR, latentDim: latent, noiseStd: noise }, io.out, io.err);
    });

  program
    .command('sample')
    .description('a grid of images from a trained vae or dcgan')
    .requiredOption('--model <dir>', "a folder written by 'train' (or its model.safetensors)")
    .addOption(new Option('-n, --count <n>', 'how many images').argParser(positiveInteger).default(64))
    .option('--class <k>', 'a conditional dcgan: the class of every sample (0..9)', integer)
    .option('--out <file>', 'the PNG to write (default: samples.png in the model folder)')
    .addOption(seedOption(3))
    .addOption(backendOption())
    .action(async (flags: { model: string; count: number; class?: number; out?: string; seed: number; backend: BackendName }) => {
      const folder = flags.model.endsWith('.safetensors') ? flags.model.replace(/[/\\][^/\\]*$/, '') || '.' : flags.model;
      await sample({ model: flags.model, count: flags.count, seed: flags.seed, backend: flags.backend, classId: flags.class, out: flags.out ?? join(folder, 'samples.png') }, io.out);
    });

  program
    .command('interpolate')
    .description('code two images with a trained ae or vae and decode the segment between the codes')
    .argument('<a>', 'first image (PNG or JPEG, resized to 28×28 grey)')
    .argument('<b>', 'second image')
    .requiredOption('--model <dir>', "a folder written by 'train' (or its model.safetensors)")
    .option('--steps <n>', 'images along the way, both ends included', positiveInteger, 10)
    .option('--out <file>', 'the PNG to write', 'out/interpolation.png')
    .addOption(backendOption())
    .action(async (a: string, b: string, flags: { model: string; steps: number; out: string; backend: BackendName }) => {
      await interpolate({ ...flags, images: [a, b] }, io.out);
    });

  program
    .command('train-judge')
    .description('train the LeNet-5 judge whose features the Fréchet distance uses')
    .option('--out <file>', 'the checkpoint to write', join('out', 'judge', JUDGE_FILE))
    .option('--epochs <n>', 'passes over the training images', positiveInteger, 8)
    .addOption(dataOption())
    .addOption(seedOption(1))
    .addOption(backendOption())
    .action(async (flags: { out: string; epochs: number; data?: string; seed: number; backend: BackendName }) => {
      await makeOutputDir(dirname(flags.out), '--out');
      await checkOutputFile(flags.out, '--out');
      const backend = await useBackend(flags.backend);
      const dir = flags.data ?? EMBEDDED_DATA_DIR;
      const [trainSet, testSet] = [await readImages(dir, 'train'), await readImages(dir, 'test')];
      io.out.write(`LeNet-5 judge on ${backend}: ${trainSet.length} training images, ${flags.epochs} epochs\n`);
      const { judge, accuracy } = trainJudge(trainSet, testSet, { epochs: flags.epochs, seed: flags.seed }, io.err);
      await saveJudge(flags.out, judge, accuracy);
      io.out.write(`test accuracy ${(accuracy * 100).toFixed(1)}%; wrote ${displayPath(flags.out)}\n`);
    });

  return program;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: IO = { out: process.stdout, err: process.stderr }): Promise<number> {
  return runProgram(buildProgram(io), argv, io, 'GENERATIVE_DEBUG');
}
