/**
 * The JSON form of a fitted TablePreprocessor, and its validation on load: a file edited by
 * hand or written by another version fails here with the path of the bad field, rather
 * than encoding rows wrongly later.
 */
import type { CategoryEncoding, CategoryImpute, NumberImpute, NumberScaling, TargetStep, TargetStepState } from './encoders.js';

export const PREPROCESSOR_FORMAT = '@nn/data/table-preprocessor';
export const PREPROCESSOR_VERSION = 1;

export interface NumberFeatureJSON {
  name: string;
  type: 'number';
  impute: NumberImpute;
  /** What a missing cell becomes (before scaling). */
  fill: number;
  scaling: NumberScaling;
  /** Encoded value = (x - shift) / scale. */
  shift: number;
  scale: number;
}

export interface CategoryFeatureJSON {
  name: string;
  type: 'category';
  impute: CategoryImpute;
  /** What a missing cell becomes (then encoded like any category). */
  fill: string;
  encoding: CategoryEncoding;
  /** Training categories in encoding order. */
  categories: string[];
}

export type FeatureJSON = NumberFeatureJSON | CategoryFeatureJSON;

export interface PreprocessorJSON {
  format: typeof PREPROCESSOR_FORMAT;
  version: number;
  /** Cells read as missing. */
  missing: string[];
  features: FeatureJSON[];
  target: { name: string; transform: TargetStepState[] } | null;
}

const OP = 'TablePreprocessor.fromJSON';

function fail(path: string, expected: string, got: unknown): never {
  throw new Error(`${OP}: ${path} must be ${expected}, got ${shown(got)}`);
}

/**
 * A bad value for the message: numbers as JavaScript writes them (JSON would turn Infinity
 * into null), and at most 200 characters, since a hand-edited file can hold a huge or
 * deeply nested value (where JSON.stringify overflows the stack).
 */
function shown(got: unknown): string {
  if (typeof got === 'string') return `'${clip(got)}'`;
  if (got === undefined) return 'nothing';
  if (typeof got === 'number' || typeof got === 'boolean' || got === null) return String(got);
  if (typeof got !== 'object') return `a ${typeof got}`;
  try {
    return clip(JSON.stringify(got, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)));
  } catch {
    return Array.isArray(got) ? `an array of ${got.length}` : 'an object';
  }
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value as unknown[];
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

function finite(value: unknown, path: string, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && value <= 0)) {
    fail(path, positive ? 'a positive finite number' : 'a finite number', value);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (!options.includes(value as T)) fail(path, `one of ${options.map((o) => `'${o}'`).join(', ')}`, value);
  return value as T;
}

function feature(value: unknown, path: string): FeatureJSON {
  const f = record(value, path);
  const name = text(f.name, `${path}.name`);
  const type = oneOf(f.type, `${path}.type`, ['number', 'category'] as const);
  if (type === 'number') {
    return {
      name,
      type,
      impute: oneOf(f.impute, `${path}.impute`, ['median', 'mean', 'zero'] as const),
      fill: finite(f.fill, `${path}.fill`),
      scaling: oneOf(f.scaling, `${path}.scaling`, ['standard', 'minmax', 'none'] as const),
      shift: finite(f.shift, `${path}.shift`),
      scale: finite(f.scale, `${path}.scale`, true),
    };
  }
  const categories = list(f.categories, `${path}.categories`).map((c, k) => text(c, `${path}.categories[${k}]`));
  if (new Set(categories).size !== categories.length) fail(`${path}.categories`, 'distinct strings', categories);
  return {
    name,
    type,
    impute: oneOf(f.impute, `${path}.impute`, ['mostFrequent', 'missingCategory'] as const),
    fill: text(f.fill, `${path}.fill`),
    encoding: oneOf(f.encoding, `${path}.encoding`, ['onehot', 'index'] as const),
    categories,
  };
}

function targetStep(value: unknown, path: string): TargetStepState {
  const s = record(value, path);
  const kind = oneOf<TargetStep>(s.kind, `${path}.kind`, ['log1p', 'standard', 'minmax']);
  if (kind === 'log1p') return { kind };
  return { kind, shift: finite(s.shift, `${path}.shift`), scale: finite(s.scale, `${path}.scale`, true) };
}

/** Checks a parsed JSON value (or JSON text) field by field and returns it typed. */
export function validatePreprocessorJSON(input: unknown): PreprocessorJSON {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (error) {
      throw new Error(`${OP}: not valid JSON: ${(error as Error).message}`);
    }
  }
  const root = record(json, 'the document');
  if (root.format !== PREPROCESSOR_FORMAT) fail('format', `'${PREPROCESSOR_FORMAT}' (is this a preprocessing file?)`, root.format);
  const version = root.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > PREPROCESSOR_VERSION) {
    throw new Error(`${OP}: the file has format version ${version}, newer than this @nn/data reads (${PREPROCESSOR_VERSION}); update @nn/data`);
  }
  if (version !== PREPROCESSOR_VERSION) fail('version', String(PREPROCESSOR_VERSION), version);
  const missing = list(root.missing, 'missing').map((m, k) => text(m, `missing[${k}]`));
  const features = list(root.features, 'features').map((f, k) => feature(f, `features[${k}]`));
  const names = new Set<string>();
  features.forEach((f, k) => {
    if (names.has(f.name)) fail(`features[${k}].name`, 'unique among the features', f.name);
    names.add(f.name);
  });
  let target: PreprocessorJSON['target'] = null;
  if (root.target !== null && root.target !== undefined) {
    const t = record(root.target, 'target');
    target = {
      name: text(t.name, 'target.name'),
      transform: list(t.transform, 'target.transform').map((s, k) => targetStep(s, `target.transform[${k}]`)),
    };
    if (names.has(target.name)) fail('target.name', 'a column that is not also a feature', target.name);
  }
  return { format: PREPROCESSOR_FORMAT, version: PREPROCESSOR_VERSION, missing, features, target };
}
