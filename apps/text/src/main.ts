/**
 * The command line (commander): classify, predict, train-lm, generate. `main` returns the exit
 * code instead of exiting, and writes through the given streams, so tests call it directly.
 * A failure is one line, never a stack trace (set TEXT_DEBUG=1 to see one).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { configureProgram, integer, positiveInteger, positiveNumber, runProgram, type IO as WriterIO } from '@nn/app-kit/cli';
import { BACKENDS, type BackendName } from '@nn/app-kit/backend';
import { classify } from './classify.js';
import { SYSTEM_DATA_DIR } from './data.js';
import { generate } from './generate.js';
import { LANGUAGE_CODES } from './languages.js';
import { ARCHITECTURES, DEFAULT_MODELS, type Architecture } from './models.js';
import { predict } from './predict.js';
import { trainLm } from './train_lm.js';

export interface IO extends WriterIO {
  /** Lines of standard input, for `predict` without words. */
  readInput?: () => Promise<string>;
}

function languageList(value: string): string[] {
  const codes = value.split(',').map((c) => c.trim());
  const bad = codes.filter((c) => !LANGUAGE_CODES.includes(c));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown language ${bad.map((c) => `'${c}'`).join(', ')} (expected ${LANGUAGE_CODES.join(', ')})`);
  return codes;
}

/** `--models`: names of ARCHITECTURES, or `all` for every one of them. */
export function modelList(value: string): Architecture[] {
  if (value.trim() === 'all') return [...ARCHITECTURES];
  const names = value.split(',').map((c) => c.trim());
  const bad = names.filter((c) => !(ARCHITECTURES as readonly string[]).includes(c));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown model ${bad.map((c) => `'${c}'`).join(', ')} (expected ${ARCHITECTURES.join(', ')}, or all)`);
  return names as Architecture[];
}

const backendOption = (): Option => new Option('--backend <name>', 'where the tensors live').choices(BACKENDS).default('cpu');
const seedOption = (): Option => new Option('--seed <n>', 'seed of the sample, the split, the initialisation and the shuffling').argParser(integer).default(1);
const dataOptions = (command: Command): Command =>
  command
    .option('--data <dir>', `a folder of Debian word lists (e.g. ${SYSTEM_DATA_DIR}); default: the embedded subset`)
    .option('--system', `read the word lists of this machine (${SYSTEM_DATA_DIR})`)
    .option('--per-language <n>', 'words drawn per language (default: all of the embedded subset, 5,000 from full lists)', positiveInteger);

interface DataFlags {
  data?: string;
  system?: boolean;
  perLanguage?: number;
}

function dataDirOf(flags: DataFlags): string | undefined {
  if (flags.system && flags.data !== undefined) throw new Error('give --data DIR or --system, not both');
  return flags.system ? SYSTEM_DATA_DIR : flags.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The lines of a text; the newline that ends the last one does not start another. */
function linesOf(text: string): string[] {
  return text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
}


export function buildProgram(io: IO): Command {
  const program = configureProgram(new Command('text').description('The language of a word, and new words in the style of a language, from Debian word lists, with @nn.'), io);

  dataOptions(
    program
      .command('classify')
      .description('train naive Bayes (tuned on the validation words) and the char LSTM, GRU, CNN, Transformer and fastText on the same split; writes checkpoints, vocab.json, metrics.json and confusion.png to --out'),
  )
    .option('--out <dir>', 'folder for the checkpoints, metrics.json and confusion.png', 'out/classify')
    .option('--models <list>', `comma-separated, of ${ARCHITECTURES.join(', ')}; or all (default: ${DEFAULT_MODELS.join(', ')}, which fits ten minutes)`, modelList, [...DEFAULT_MODELS])
    .option('--langs <list>', `comma-separated language codes (default: every list found), of ${LANGUAGE_CODES.join(', ')}`, languageList)
    .option('--epochs <n>', "passes over the training words, for every model (default: each model's recipe)", positiveInteger)
    .option('--batch-size <n>', "words per step, for every model (default: each model's recipe)", positiveInteger)
    .option('--lr <rate>', "Adam's peak learning rate, for every model (default: each model's recipe)", positiveNumber)
    .addOption(seedOption())
    .addOption(backendOption())
    .action(async (flags: DataFlags & { out: string; models: Architecture[]; langs?: string[]; epochs?: number; batchSize?: number; lr?: number; seed: number; backend: BackendName }) => {
      await classify({ ...flags, dataDir: dataDirOf(flags), languages: flags.langs }, io.out, io.err);
    });

  program
    .command('predict')
    .description('the top-3 languages of each word, with probabilities (words from standard input, one per line, if none are given)')
    .argument('[words...]', 'words to classify')
    .option('--model <dir>', "a folder written by 'classify'", 'out/classify')
    .addOption(new Option('--arch <name>', "which of the folder's models (default: the best by validation accuracy)").choices(ARCHITECTURES))
    .addOption(backendOption())
    .action(async (words: string[], flags: { model: string; arch?: Architecture; backend: BackendName }) => {
      const given = words.length > 0 ? words : linesOf(await (io.readInput ?? readStdin)());
      if (words.length > 0 && words.some((w) => w.trim() === '')) throw new Error(`predict: word ${words.findIndex((w) => w.trim() === '') + 1} is empty`);
      await predict({ ...flags, words: given }, io.out, io.err);
    });

  dataOptions(program.command('train-lm').description('train a character LSTM language model per language; writes <lang>.safetensors and metrics.json (validation perplexity) to --out'))
    .option('--out <dir>', 'folder for the language models', 'out/lm')
    .option('--lang <list>', 'comma-separated language codes (default: all)', languageList)
    .option('--epochs <n>', 'passes over the training words per language', positiveInteger, 4)
    .option('--batch-size <n>', 'words per step', positiveInteger, 64)
    .option('--hidden <n>', 'LSTM hidden size', positiveInteger, 128)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber, 5e-3)
    .addOption(seedOption())
    .addOption(backendOption())
    .action(async (flags: DataFlags & { out: string; lang?: string[]; epochs: number; batchSize: number; hidden: number; lr: number; seed: number; backend: BackendName }) => {
      await trainLm({ ...flags, dataDir: dataDirOf(flags), languages: flags.lang }, io.out, io.err);
    });

  program
    .command('generate')
    .description("new words in the style of a language, from its model of 'train-lm'")
    .addOption(new Option('--lang <code>', 'the language').choices(LANGUAGE_CODES).makeOptionMandatory())
    .option('-n, --count <n>', 'how many words', positiveInteger, 20)
    .option('--temperature <t>', 'below 1: likelier spellings; above 1: wilder ones', positiveNumber, 0.8)
    .option('--model <dir>', "a folder written by 'train-lm'", 'out/lm')
    .addOption(seedOption())
    .addOption(backendOption())
    .action(async (flags: { lang: string; count: number; temperature: number; model: string; seed: number; backend: BackendName }) => {
      await generate(flags, io.out);
    });

  return program;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: IO = { out: process.stdout, err: process.stderr }): Promise<number> {
  return runProgram(buildProgram(io), argv, io, 'TEXT_DEBUG');
}
