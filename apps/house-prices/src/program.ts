/**
 * The house-prices command line (src/cli.ts runs it):
 *   house-prices train [options]                                   (the default command)
 *   house-prices predict --model DIR --csv FILE [--out FILE] [--id COLUMN]
 * Progress and notes go to stderr; results (test scores, predicted prices) to stdout. A
 * problem is one line on stderr and exit code 1, never a stack trace.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { displayPath } from '@nn/layers/node';
import { ACTIVATIONS, OPTIMIZERS } from './model.js';
import { predictPrices } from './predict.js';
import { DEFAULTS, train, type BackendName, type TrainOptions, type TrainResult } from './train.js';

const note = (line: string): void => void process.stderr.write(`${line}\n`);

function number(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError('not a number.');
  return v;
}

function integer(value: string): number {
  const v = number(value);
  if (!Number.isInteger(v)) throw new InvalidArgumentError('not an integer.');
  return v;
}

function sizes(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || !list.every((v) => Number.isInteger(v) && v > 0)) throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 128,64.');
  return list;
}

/** Runs a command; any error becomes one line and exit code 1. */
function guarded<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      note(`house-prices: ${message.split('\n').map((l) => l.trim()).filter(Boolean).join('; ')}`);
      process.exitCode = 1;
    }
  };
}

const dollars = (v: number): string => `$${Math.round(v).toLocaleString('en-US')}`;

export function report(result: TrainResult, out: string): string {
  const { test, rows } = result;
  return [
    `test set (${rows.test} houses never seen in training):`,
    `  RMSE   ${dollars(test.rmse)}`,
    `  RMSLE  ${Number.isNaN(test.rmsle) ? 'n/a (negative values)' : test.rmsle.toFixed(4)}`,
    `  MAE    ${dollars(test.mae)}`,
    `  R²     ${test.r2.toFixed(4)}`,
    `trained ${result.epochsRun} epochs (best: ${result.bestEpoch}) in ${result.trainSeconds.toFixed(1)} s; written to ${displayPath(out)}/`,
  ].join('\n');
}

/** What commander parses for `train`: the training options, with the CSV optional (the embedded data by default). */
type TrainFlags = Omit<TrainOptions, 'csv' | 'log'> & { csv?: string };

export function program(): Command {
  const cli = new Command('house-prices').description('Prices Ames houses with a multi-layer perceptron trained by @nn (the lecture\'s regression example).');
  cli.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // train is the default command, so commander hands it any word that names no command
  // ('house-prices fly'), and train would call it an extra argument: name it as the unknown command.
  cli.hook('preSubcommand', (root, command) => {
    const word = root.args[0];
    if (command.name() !== 'train' || word === undefined || word === 'train' || word.startsWith('-')) return;
    const commands = root.commands.map((c) => c.name()).join(', ');
    root.error(`error: unknown command '${word}' (commands: ${commands}, help)`, { code: 'commander.unknownCommand' });
  });
  const d = DEFAULTS;

  cli
    .command('train', { isDefault: true })
    .description('train on a CSV (default: the Ames houses shipped with the app), report test scores, save the model')
    .option('--csv <file>', 'training data, CSV with a header row, gzipped or not (default: the embedded Ames table)')
    .option('--target <column>', 'the column to predict', d.target)
    .option('--out <dir>', 'folder for the model, its preprocessing, scores and charts', d.out)
    .option('--seed <n>', 'seed of the split, the initialisation, shuffling and dropout', integer, d.seed)
    .option('--test-fraction <f>', 'share of rows held out for the final test', number, d.testFraction)
    .option('--val-fraction <f>', 'share of the remaining rows for validation (early stopping)', number, d.valFraction)
    .addOption(new Option('--hidden <sizes>', 'hidden layer sizes, comma separated').argParser(sizes).default(d.hidden, d.hidden.join(',')))
    .addOption(new Option('--activation <name>', 'activation after each hidden layer').choices(ACTIVATIONS).default(d.activation))
    .option('--dropout <p>', 'dropout probability after each hidden layer', number, d.dropout)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default(d.optimizer))
    .option('--lr <rate>', 'learning rate', number, d.lr)
    .option('--weight-decay <w>', 'weight decay', number, d.weightDecay)
    .option('--batch-size <n>', 'houses per mini-batch', integer, d.batchSize)
    .option('--epochs <n>', 'most epochs to train', integer, d.epochs)
    .option('--patience <n>', 'stop after this many epochs without a better validation loss', integer, d.patience)
    .addOption(new Option('--lr-schedule <s>', 'plateau: halve the learning rate when the validation loss stalls').choices(['plateau', 'none']).default(d.lrSchedule))
    .option('--lr-patience <n>', 'epochs without a better validation loss before the learning rate is halved', integer, d.lrPatience)
    .addOption(new Option('--target-transform <t>', 'log1p: learn log(1 + price); none: the price itself').choices(['log1p', 'none']).default(d.targetTransform))
    .addOption(new Option('--backend <name>', 'where to compute').choices(['cpu', 'gpujs']).default(d.backend))
    .addOption(new Option('--progress <mode>', 'auto: a bar on a terminal, lines otherwise').choices(['auto', 'bar', 'lines', 'none']).default(d.progress))
    .option('--no-charts', 'skip the PNG charts')
    .action(
      guarded(async (flags: TrainFlags) => {
        const result = await train({ ...DEFAULTS, ...flags, csv: flags.csv ?? DEFAULTS.csv, log: note });
        process.stdout.write(`${report(result, flags.out)}\n`);
      }),
    );

  cli
    .command('predict')
    .description('predict prices for the houses of a CSV with a trained model')
    .requiredOption('--model <dir>', "a folder written by 'house-prices train'")
    .requiredOption('--csv <file>', 'houses to price (CSV with the training columns; the target column may be missing)')
    .option('--out <file>', 'write the prices to this CSV file instead of stdout')
    .option('--id <column>', 'a column identifying each house in the output (default: the row number)')
    .addOption(new Option('--backend <name>', 'where to compute').choices(['cpu', 'gpujs']).default('cpu'))
    .action(
      guarded(async (flags: { model: string; csv: string; out?: string; id?: string; backend: BackendName }) => {
        const text = await predictPrices(flags);
        if (flags.out === undefined) process.stdout.write(text);
        else note(`prices for ${text.split('\n').length - 2} houses written to ${displayPath(flags.out)}`);
      }),
    );
  return cli;
}
