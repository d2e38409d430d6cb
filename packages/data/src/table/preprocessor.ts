/**
 * TablePreprocessor: from a table of string cells to a float feature matrix and target,
 * fitted once on the training rows and then applied unchanged to any other rows.
 *
 *   const prep = TablePreprocessor.fit(train, { target: 'Sale_Price', targetTransform: ['log1p', 'standard'] });
 *   const { x, y } = prep.toTensors(test);           // x: [rows, prep.numFeatures], y: [rows, 1]
 *   const prices = prep.inverseTarget(model(x));     // back to dollars
 *   const copy = TablePreprocessor.fromJSON(JSON.stringify(prep));
 *
 * Per column: numbers are imputed (training median by default) then scaled (standardised
 * by default); categories are imputed (most frequent by default) then one-hot encoded
 * (by default; an unseen category is all zeros) or index encoded (0 = unseen).
 */
import { tensor, type Tensor } from '@nn/tensor';
import { TensorDataset } from '../dataset.js';
import { DEFAULT_MISSING, inferColumnTypes, isMissing, parseNumber, type ColumnType } from './columns.js';
import { filePrefix } from '../bytes.js';
import type { Table } from './csv.js';
import {
  CategoryEncoder,
  fitCategoryFill,
  fitNumberFill,
  Scaler,
  TargetTransform,
  type CategoryEncoding,
  type CategoryImpute,
  type NumberImpute,
  type NumberScaling,
  type TargetStep,
} from './encoders.js';
import { PREPROCESSOR_FORMAT, PREPROCESSOR_VERSION, validatePreprocessorJSON, type FeatureJSON, type PreprocessorJSON } from './serialize.js';

/** Encoder settings for one column (they override the table-wide ones). */
export interface ColumnOptions {
  scaling?: NumberScaling;
  numberImpute?: NumberImpute;
  encoding?: CategoryEncoding;
  categoryImpute?: CategoryImpute;
}

export interface TablePreprocessorOptions extends ColumnOptions {
  /** The column to predict; it is never a feature. */
  target?: string;
  /** Invertible steps applied to the target in order, e.g. ['log1p', 'standard'] (default none). */
  targetTransform?: TargetStep | readonly TargetStep[];
  /** Column types that inference should not decide (e.g. a category coded as numbers). */
  types?: Readonly<Record<string, ColumnType>>;
  /** The feature columns, in order (default: every column but the target and `exclude`). */
  features?: readonly string[];
  /** Columns left out (ids, leaky columns). */
  exclude?: readonly string[];
  /** Per-column encoder settings. */
  columns?: Readonly<Record<string, ColumnOptions>>;
  /** Cells that mean "missing" (default DEFAULT_MISSING). */
  missing?: readonly string[];
}

/** Encoded rows, row-major. */
export interface EncodedTable {
  numRows: number;
  numFeatures: number;
  /** numRows × numFeatures values. */
  features: Float32Array;
  /** The transformed target per row, or null when the table has no target column. */
  target: Float32Array | null;
}

type Encoder = { json: FeatureJSON; scaler: Scaler } | { json: FeatureJSON; encoder: CategoryEncoder };

export class TablePreprocessor {
  private readonly encoders: Encoder[];
  private readonly targetTransform: TargetTransform | null;

  private constructor(private readonly state: PreprocessorJSON) {
    this.encoders = state.features.map((f) =>
      f.type === 'number' ? { json: f, scaler: new Scaler(f.scaling, f.shift, f.scale) } : { json: f, encoder: new CategoryEncoder(f.encoding, f.categories) },
    );
    this.targetTransform = state.target ? new TargetTransform(state.target.transform) : null;
  }

  /** Fits every encoder on `table` (the training rows only). */
  static fit(table: Table, options: TablePreprocessorOptions = {}): TablePreprocessor {
    const at = filePrefix(table.file);
    const missing = options.missing ?? DEFAULT_MISSING;
    const target = options.target;
    if (target !== undefined) table.columnIndex(target, 'target column');
    for (const name of [...(options.exclude ?? []), ...Object.keys(options.columns ?? {})]) table.columnIndex(name);
    const excluded = new Set([...(options.exclude ?? []), ...(target === undefined ? [] : [target])]);
    const names = options.features ? [...options.features] : table.columns.filter((c) => !excluded.has(c));
    for (const name of names) {
      table.columnIndex(name, 'feature column');
      if (name === target) throw new Error(`${at}column '${name}' is the target; it cannot also be a feature`);
    }
    if (names.length === 0) throw new Error(`${at}no feature columns are left to encode`);
    const types = inferColumnTypes(table, names, options.types, missing);

    const features = names.map((name): FeatureJSON => {
      const settings = { ...options, ...options.columns?.[name] };
      const k = table.columnIndex(name);
      const present = table.rows.map((row) => row[k]).filter((cell) => !isMissing(cell, missing));
      if (types[name] === 'number') {
        const values = table.rows.map((_, i) => readNumber(table, i, k, missing));
        const impute = settings.numberImpute ?? 'median';
        const fill = fitNumberFill(impute, values.filter((v) => !Number.isNaN(v)));
        const scaling = settings.scaling ?? 'standard';
        const scaler = Scaler.fit(scaling, values.map((v) => (Number.isNaN(v) ? fill : v)));
        return { name, type: 'number', impute, fill, scaling, shift: scaler.shift, scale: scaler.scale };
      }
      const impute = settings.categoryImpute ?? 'mostFrequent';
      const fill = fitCategoryFill(impute, present);
      const encoding = settings.encoding ?? 'onehot';
      const encoder = CategoryEncoder.fit(encoding, table.rows.map((row) => (isMissing(row[k], missing) ? fill : row[k])));
      return { name, type: 'category', impute, fill, encoding, categories: [...encoder.categories] };
    });

    let targetState: PreprocessorJSON['target'] = null;
    if (target !== undefined) {
      const values = readTarget(table, target, missing);
      const steps = options.targetTransform === undefined ? [] : typeof options.targetTransform === 'string' ? [options.targetTransform] : options.targetTransform;
      const fitted = TargetTransform.fit(steps, values, (i) => `${table.where(i)}, target column '${target}'`);
      targetState = { name: target, transform: [...fitted.steps] };
    }
    return new TablePreprocessor({ format: PREPROCESSOR_FORMAT, version: PREPROCESSOR_VERSION, missing: [...missing], features, target: targetState });
  }

  /** Loads what toJSON wrote (an object or its JSON text), checking every field. */
  static fromJSON(json: unknown): TablePreprocessor {
    return new TablePreprocessor(validatePreprocessorJSON(json));
  }

  toJSON(): PreprocessorJSON {
    return structuredClone(this.state);
  }

  /** The target column's name, or null if fitted without one. */
  get target(): string | null {
    return this.state.target?.name ?? null;
  }

  /** The feature columns of the input table, in order. */
  get inputColumns(): string[] {
    return this.state.features.map((f) => f.name);
  }

  /** Names of the encoded columns: 'Lot_Area', 'Street=Pave', ... */
  get featureNames(): string[] {
    return this.encoders.flatMap((e) => ('scaler' in e ? [e.json.name] : e.encoder.featureNames(e.json.name)));
  }

  get numFeatures(): number {
    return this.encoders.reduce((n, e) => n + ('scaler' in e ? 1 : e.encoder.width), 0);
  }

  /**
   * Encodes `table`. The target is encoded when the table has its column (and required
   * with `requireTarget`); prediction input may leave it out.
   */
  transform(table: Table, options: { requireTarget?: boolean } = {}): EncodedTable {
    const missing = this.state.missing;
    const columns = this.encoders.map((e) => table.columnIndex(e.json.name, 'feature column'));
    const numRows = table.length;
    const numFeatures = this.numFeatures;
    const out = new Float32Array(numRows * numFeatures);
    for (let i = 0; i < numRows; i++) {
      const row = table.rows[i];
      let offset = i * numFeatures;
      this.encoders.forEach((e, j) => {
        const cell = row[columns[j]];
        if ('scaler' in e) {
          const v = readNumber(table, i, columns[j], missing);
          out[offset++] = e.scaler.transform(Number.isNaN(v) ? (e.json.fill as number) : v);
        } else {
          e.encoder.encode(isMissing(cell, missing) ? (e.json.fill as string) : cell, out, offset);
          offset += e.encoder.width;
        }
      });
    }
    let target: Float32Array | null = null;
    const name = this.state.target?.name;
    if (options.requireTarget && name === undefined) throw new Error('TablePreprocessor: fitted without a target column, so none can be required');
    if (name !== undefined && (options.requireTarget || table.hasColumn(name))) {
      const values = readTarget(table, name, missing);
      target = mapValues(new Float32Array(values.length), values, (v) => this.targetTransform!.forward(v));
    }
    return { numRows, numFeatures, features: out, target };
  }

  /** transform() as tensors: x [rows, numFeatures] and y [rows, 1] (or null). The caller owns them. */
  toTensors(table: Table, options: { requireTarget?: boolean } = {}): { x: Tensor; y: Tensor | null } {
    const encoded = this.transform(table, options);
    const x = tensor(encoded.features, [encoded.numRows, encoded.numFeatures]);
    const y = encoded.target ? tensor(encoded.target, [encoded.numRows, 1]) : null;
    return { x, y };
  }

  /** A TensorDataset of (features, target) rows for a DataLoader; the table needs its target column. */
  toDataset(table: Table): TensorDataset {
    const { x, y } = this.toTensors(table, { requireTarget: true });
    return new TensorDataset(x, y!);
  }

  /** Model outputs (transformed targets) back to the target's own units, e.g. log-price to dollars. */
  inverseTarget(values: Tensor | ArrayLike<number>): Float64Array {
    if (this.targetTransform === null) throw new Error('TablePreprocessor.inverseTarget: fitted without a target column');
    const flat = 'dataSync' in values ? values.dataSync() : values;
    return mapValues(new Float64Array(flat.length), flat, (v) => this.targetTransform!.inverse(v));
  }

  /** Targets in their own units to the scale the model learns (the forward transform). */
  forwardTarget(values: ArrayLike<number>): Float64Array {
    if (this.targetTransform === null) throw new Error('TablePreprocessor.forwardTarget: fitted without a target column');
    return mapValues(new Float64Array(values.length), values, (v) => this.targetTransform!.forward(v));
  }
}

/** A numeric cell: its number, NaN if missing, an error naming row and column if it is not a number. */
function readNumber(table: Table, i: number, k: number, missing: readonly string[]): number {
  const cell = table.rows[i][k];
  if (isMissing(cell, missing)) return NaN;
  const v = parseNumber(cell);
  if (Number.isNaN(v)) {
    throw new Error(`${table.where(i)}, column '${table.columns[k]}': '${cell}' is not a number; the column is numeric (missing values are written as ${missing.map((m) => `'${m}'`).join(', ')})`);
  }
  return v;
}

/** The target column's numbers; a missing or non-numeric target is an error naming the row. */
function readTarget(table: Table, name: string, missing: readonly string[]): Float64Array {
  const k = table.columnIndex(name, 'target column');
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((row, i) => {
    const cell = row[k];
    if (isMissing(cell, missing)) throw new Error(`${table.where(i)}, target column '${name}': the value is missing; every row used for training or evaluation needs one`);
    const v = parseNumber(cell);
    if (Number.isNaN(v)) throw new Error(`${table.where(i)}, target column '${name}': '${cell}' is not a number; the target must be numeric`);
    out[i] = v;
  });
  return out;
}

/** out[i] = fn(values[i]), in a plain loop: TypedArray.from with a map function first builds a JS list of every value. */
function mapValues<T extends Float32Array | Float64Array>(out: T, values: ArrayLike<number>, fn: (v: number) => number): T {
  for (let i = 0; i < values.length; i++) out[i] = fn(values[i]);
  return out;
}
