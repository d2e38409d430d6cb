/**
 * The command line (commander): train, evaluate, predict, each for --task segment, localize
 * or detect. `main` returns the exit code instead of exiting, and writes through the given
 * streams, so tests call it directly. A failure is one line, never a stack trace (set
 * VISION_TASKS_DEBUG=1 to see one).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { configureProgram, integer, nonNegativeInteger, positiveInteger, positiveNumber, runProgram, type IO } from '@nn/app-kit/cli';
import { BACKENDS, type BackendName } from '@nn/app-kit/backend';
import { EMBEDDED_ITEMS_DIR, TASKS, type Task } from './data.js';
import { evaluate } from './evaluate.js';
import { predict } from './predict.js';
import { BACKBONE_NAMES } from './tasks/backbones.js';
import { MAX_MEMBERS } from './tasks/classifier.js';
import { DETECTORS, type Detector } from './tasks/index.js';
import { SCHEDULES, STAGE2_CHOICES, train, type Schedule, type Stage2 } from './train.js';

const backendOption = (): Option => new Option('--backend <name>', 'where the tensors live').choices(BACKENDS).default('cpu');
const itemsOption = (): Option => new Option('--items <dir>', 'MNIST-format IDX files of the items pasted into scenes (default: the embedded Fashion-MNIST items)');
const membersCount = (value: string): number => {
  const n = positiveInteger(value);
  if (n > MAX_MEMBERS) throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_MEMBERS}`);
  return n;
};
const seedOption = (): Option => new Option('--seed <n>', 'seed of the scenes, the initialisation and the shuffling').argParser(integer).default(1);

interface TrainFlags {
  task: Task;
  out?: string;
  backend: BackendName;
  items?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  trainScenes?: number;
  testScenes?: number;
  width?: number;
  mode?: 'multiclass' | 'binary';
  backbone?: string;
  detector?: Detector;
  schedule?: Schedule;
  classifier?: Stage2;
  classifierEpochs?: number;
  itemEpochs?: number;
  crops?: number;
  classifierWidth?: number;
  classifiers?: number;
  seed: number;
}

export function buildProgram(io: IO): Command {
  const program = configureProgram(new Command('vision-tasks').description('Segment, localize and detect Fashion-MNIST clothes pasted into generated scenes, with @nn.'), io);

  program
    .command('train')
    .description('train a task on seeded scenes; writes model.safetensors, metrics.json and PNG pictures to --out')
    .addOption(new Option('--task <name>', 'what to learn').choices(TASKS).makeOptionMandatory())
    .option('--out <dir>', 'folder for the checkpoint, metrics.json and the pictures (default: out/<task>)')
    .option('--epochs <n>', 'passes over the training scenes (default: per task, see the README)', positiveInteger)
    .option('--batch-size <n>', 'scenes per step', positiveInteger)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber)
    .option('--train-scenes <n>', 'training scenes to generate', positiveInteger)
    .option('--test-scenes <n>', 'held-out test scenes to generate', positiveInteger)
    .option('--width <w>', 'U-Net first width (segment) or backbone width multiplier (localize, detect)', positiveNumber)
    .addOption(new Option('--mode <name>', 'segment: ten clothes classes and background, or clothes vs background').choices(['multiclass', 'binary']))
    .addOption(new Option('--backbone <name>', 'localize, detect: the zoo classifier under the head (default resnet18)').choices(BACKBONE_NAMES))
    .addOption(new Option('--detector <name>', 'detect: YOLO v1 grid or centre heatmaps (CenterNet)').choices(DETECTORS))
    .addOption(new Option('--schedule <name>', 'learning rate: one cycle per run, stepped per batch (--lr is its peak), or constant').choices(SCHEDULES))
    .addOption(new Option('--classifier <name>', 'second stage: a small CNN names each found object from its crop (default cropnet; none for --mode binary and --detector yolo)').choices(STAGE2_CHOICES))
    .option('--item-epochs <n>', 'second stage: passes over the clean training items, before the crops (0: crops only)', nonNegativeInteger)
    .option('--classifier-epochs <n>', 'second stage: passes over crops of scenes (fresh training scenes each), after the items (0: items only)', nonNegativeInteger)
    .option('--crops <n>', 'second stage: training crops per epoch', positiveInteger)
    .option('--classifier-width <w>', 'second stage: channel multiplier of the crop classifier (default 1)', positiveNumber)
    .option('--classifiers <n>', `second stage: crop classifiers trained side by side from different seeds, their probabilities averaged (1 to ${MAX_MEMBERS}; default per task, see the README)`, membersCount)
    .addOption(itemsOption())
    .addOption(seedOption())
    .addOption(backendOption())
    .action(async (flags: TrainFlags) => {
      await train({ ...flags, out: flags.out ?? `out/${flags.task}`, itemsDir: flags.items ?? EMBEDDED_ITEMS_DIR }, io.out, io.err);
    });

  program
    .command('evaluate')
    .description('score a checkpoint on held-out test scenes; writes metrics.json and the pictures')
    .argument('<model>', "a folder written by 'train' (or its model.safetensors)")
    .option('--out <dir>', "where metrics.json and the pictures go (default: the model's folder)")
    .option('--test-scenes <n>', 'held-out test scenes to generate', positiveInteger)
    .addOption(itemsOption())
    .addOption(seedOption())
    .addOption(backendOption())
    .action(async (model: string, flags: { out?: string; testScenes?: number; items?: string; seed: number; backend: BackendName }) => {
      const folder = model.endsWith('.safetensors') ? model.replace(/[/\\][^/\\]*$/, '') || '.' : model;
      await evaluate({ ...flags, model, out: flags.out ?? folder, itemsDir: flags.items ?? EMBEDDED_ITEMS_DIR }, io.out);
    });

  program
    .command('predict')
    .description('run a checkpoint on PNG or JPEG files (resized to 64×64); prints what it found, draws predictions.png')
    .argument('<model>', "a folder written by 'train' (or its model.safetensors)")
    .argument('<images...>', 'image files')
    .option('--out <dir>', 'where predictions.png goes', 'out/predict')
    .addOption(backendOption())
    .action(async (model: string, images: string[], flags: { out: string; backend: BackendName }) => {
      await predict({ ...flags, model, images }, io.out);
    });

  return program;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: IO = { out: process.stdout, err: process.stderr }): Promise<number> {
  return runProgram(buildProgram(io), argv, io, 'VISION_TASKS_DEBUG');
}
