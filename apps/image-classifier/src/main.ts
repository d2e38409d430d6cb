/**
 * The command line (commander): train, classify, summary, models. `main` returns the exit
 * code instead of exiting, and writes through the given streams, so tests call it directly.
 * A failure is one line naming the file and what was wrong, never a stack trace (set
 * IMAGE_CLASSIFIER_DEBUG=1 to see one).
 */
import { Command, Option } from 'commander';
import { summary } from '@nn/layers';
import { configureProgram, integer, positiveInteger, positiveNumber, runProgram, type IO } from '@nn/app-kit/cli';
import { BACKENDS, type BackendName } from '@nn/app-kit/backend';
import { classify } from './classify.js';
import { evaluate } from './evaluate.js';
import { MODEL_NAMES, MODELS, modelSpec, resolveWidth } from './models.js';
import { train, type TrainOptions } from './train.js';

const backendOption = (): Option => new Option('--backend <name>', 'where the tensors live').choices(BACKENDS).default('cpu');

/** What commander parses for `train`: the run's options, with the output folder optional (it has a default). */
type TrainFlags = Omit<TrainOptions, 'out'> & { out?: string };

interface ClassifyFlags {
  model: string;
  top: number;
  invert: 'auto' | 'yes' | 'no';
  backend: BackendName;
  arch?: string;
  width?: number;
}

export function buildProgram(io: IO): Command {
  const program = configureProgram(new Command('image-classifier').description('Train LeNet-5 and other convolutional networks on Fashion-MNIST with @nn, look at what they got wrong, and classify image files.'), io);

  program
    .command('train')
    .description('train a model; keeps the best checkpoint and writes test scores and plots to --out')
    .addOption(new Option('--model <name>', 'architecture (see the models command)').choices(MODEL_NAMES).default('lenet5'))
    .option('--width <multiplier>', 'channel/width multiplier of zoo models and the MLP (1 = the paper)', positiveNumber)
    .option('--epochs <n>', 'passes over the training images', positiveInteger, 10)
    .option('--batch-size <n>', 'images per step', positiveInteger, 64)
    .option('--lr <rate>', 'initial learning rate', positiveNumber, 3e-3)
    .addOption(new Option('--optimizer <name>', 'Adam, or SGD with momentum 0.9').choices(['adam', 'sgd']).default('adam'))
    .addOption(new Option('--schedule <name>', 'learning rate over the epochs').choices(['cosine', 'constant']).default('cosine'))
    .option('--augment', 'seeded augmentation: shifts of up to 2 pixels, and mirroring for clothes', false)
    .addOption(backendOption())
    .option('--out <dir>', 'folder for the checkpoint, metrics.json and the PNG plots (default: out/<model>)')
    .option('--data <dir>', 'folder with the four MNIST-format IDX files (default: the embedded Fashion-MNIST subset)')
    .addOption(new Option('--dataset <name>', 'class names of --data (default: from the folder name)').choices(['fashion-mnist', 'mnist']))
    .option('--val-split <fraction>', 'share of the training images held out for validation', positiveNumber, 0.1)
    .option('--seed <n>', 'seed for initialisation, shuffling, the validation split and augmentation', integer, 1)
    .option('--limit <n>', 'use at most n training and n test images (quick checks)', positiveInteger)
    .action(async (flags: TrainFlags) => {
      await train({ ...flags, out: flags.out ?? `out/${flags.model}` }, io.out, io.err);
    });

  program
    .command('classify')
    .description('print the top classes of PNG or JPEG files (any size, grey or colour)')
    .argument('<images...>', 'image files')
    .requiredOption('--model <dir>', "a folder written by 'train' (or its model.safetensors)")
    .option('--top <k>', 'classes to print per image', positiveInteger, 5)
    .addOption(new Option('--invert <when>', 'invert to a light object on black, as the training images').choices(['auto', 'yes', 'no']).default('auto'))
    .addOption(new Option('--arch <name>', "the architecture, for a checkpoint without the app's metadata").choices(MODEL_NAMES))
    .option('--width <multiplier>', 'with --arch: the width multiplier', positiveNumber)
    .addOption(backendOption())
    .action(async (images: string[], flags: ClassifyFlags) => {
      await classify({ ...flags, images }, io.out);
    });

  program
    .command('evaluate')
    .description("score a trained model on test images and draw its plots again (confusion matrix, mistakes, curves)")
    .requiredOption('--model <dir>', "a folder written by 'train' (or its model.safetensors)")
    .option('--data <dir>', 'folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] (default: the embedded subset)')
    .option('--out <dir>', "where the PNG files go (default: the model's folder)")
    .option('--limit <n>', 'use at most n test images', positiveInteger)
    .addOption(backendOption())
    .action(async (flags: { model: string; data?: string; out?: string; limit?: number; backend: BackendName }) => {
      await evaluate(flags, io.out);
    });

  program
    .command('summary')
    .description("the model's layers, output shapes, parameters and multiply-accumulates at this app's input size")
    .addOption(new Option('--model <name>', 'architecture').choices(MODEL_NAMES).makeOptionMandatory())
    .option('--width <multiplier>', 'channel/width multiplier', positiveNumber)
    .action((flags: { model: string; width?: number }) => {
      const spec = modelSpec(flags.model);
      const width = resolveWidth(spec, flags.width);
      const model = spec.build({ numClasses: 10, width, init: false });
      const how = spec.inputSize === 28 ? 'as stored' : spec.fit === 'pad' ? 'padded from 28×28' : 'resized from 28×28';
      io.out.write(`${spec.name}${spec.hasWidth ? ` (width ${width})` : ''}: input 1×${spec.inputSize}×${spec.inputSize} (${how}), 10 classes\n`);
      io.out.write(`${summary(model, [1, 1, spec.inputSize, spec.inputSize], { print: false }).text}\n`);
    });

  program
    .command('models')
    .description('list the architectures train accepts')
    .action(() => {
      const width = Math.max(...MODELS.map((m) => m.name.length));
      for (const m of MODELS) io.out.write(`${m.name.padEnd(width)}  ${m.description}\n`);
    });

  return program;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: IO = { out: process.stdout, err: process.stderr }): Promise<number> {
  return runProgram(buildProgram(io), argv, io, 'IMAGE_CLASSIFIER_DEBUG');
}
