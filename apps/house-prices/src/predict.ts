/**
 * `house-prices predict`: prices for new houses from a folder written by `train` (the MLP's
 * description, its weights and the fitted preprocessing), as CSV.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TablePreprocessor } from '@nn/data';
import { predict } from '@nn/layers';
import { checkOutputFile, fileError, load } from '@nn/layers/node';
import { dispose } from '@nn/tensor';
import { writeFileAtomic } from './files.js';
import { buildMlp, parseSpec } from './model.js';
import { FILES, readTable, useBackend, type BackendName } from './train.js';

export interface PredictOptions {
  model: string;
  csv: string;
  /** Write the CSV here (atomically) instead of returning it for stdout. */
  out?: string;
  /** A column of the input to identify each house in the output (default: its row number). */
  id?: string;
  backend: BackendName;
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** What `--model` must be, for the messages. */
const MODEL_FOLDER = `a model folder written by 'house-prices train' (with ${FILES.weights}, ${FILES.spec} and ${FILES.preprocessing})`;

function modelFile(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`--model ${dir}: no ${name} there (expected ${MODEL_FOLDER})`);
  return path;
}

/** The predictions as CSV text: a header, then one line per input row. */
export async function predictPrices(options: PredictOptions): Promise<string> {
  const dir = options.model;
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new Error(`--model ${dir}: no such folder (expected ${MODEL_FOLDER})`);
  if (!info.isDirectory()) throw new Error(`--model ${dir}: is a file, expected ${MODEL_FOLDER}`);
  const weightsPath = modelFile(dir, FILES.weights);
  const specPath = modelFile(dir, FILES.spec);
  const prepPath = modelFile(dir, FILES.preprocessing);
  // Before any work: an --out that cannot be written is one line naming it.
  if (options.out !== undefined) await checkOutputFile(options.out, '--out');
  await useBackend(options.backend);

  let specJson: unknown;
  let prepJson: unknown;
  try {
    specJson = JSON.parse(await readFile(specPath, 'utf8'));
    prepJson = JSON.parse(await readFile(prepPath, 'utf8'));
  } catch (error) {
    throw new Error(`--model ${dir}: unreadable JSON (${(error as Error).message})`);
  }
  const spec = parseSpec(specJson, specPath);
  const prep = TablePreprocessor.fromJSON(prepJson);
  if (prep.numFeatures !== spec.inFeatures) throw new Error(`--model ${dir}: the preprocessing makes ${prep.numFeatures} features, the model expects ${spec.inFeatures}`);
  const table = await readTable(options.csv);
  if (options.id !== undefined) table.columnIndex(options.id, 'id column');

  const model = buildMlp(spec);
  const weights = await load(weightsPath);
  let prices: Float64Array;
  try {
    model.loadStateDict(weights);
    const x = prep.toTensors(table).x;
    try {
      const output = await predict(model, x, { batchSize: 512 });
      prices = prep.inverseTarget(output);
      output.dispose();
    } finally {
      x.dispose();
    }
  } finally {
    dispose(Object.values(weights));
    model.dispose();
  }

  const ids = options.id === undefined ? table.rowNumbers.map(String) : table.column(options.id);
  const lines = [`${field(options.id ?? 'row')},${field(prep.target ?? 'prediction')}`];
  prices.forEach((price, i) => lines.push(`${field(ids[i])},${price.toFixed(2)}`));
  const text = `${lines.join('\n')}\n`;
  const { out } = options;
  // Node's error would name the temporary file beside --out.
  if (out !== undefined) await writeFileAtomic(out, text).catch((error: unknown) => Promise.reject(fileError(error, out, '--out')));
  return text;
}
