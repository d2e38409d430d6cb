/**
 * The PyTorch reference vectors (vectors/*.json; schema in vectors/README.md): their types,
 * a checked parse, conversion to tensors, and a loader. Parsing is separate from reading
 * files so that a browser bundle can import the JSON files itself (e.g. with Vite's
 * `import.meta.glob('../vectors/*.json', { eager: true })`), pass each through
 * `parseVectorCase`, and hand the list to `defineConformance(backend, { vectors })`.
 */
import { tensor, type DType, type Tensor } from '@nn/tensor';

/** A tensor as the vectors store it: row-major data; int64 only for class indices. */
export interface VectorTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: number[];
}

export type AttrValue = number | string | boolean | null | AttrValue[];

export interface VectorCase {
  /** The file name without `.json`: `<op>__<case>`. */
  name: string;
  op: string;
  case: string;
  /** The PyTorch call that produced the case. */
  torch: string;
  attrs: Record<string, AttrValue>;
  /** In the order of the call's positional tensor arguments. */
  inputs: Record<string, VectorTensor>;
  differentiableInputs: string[];
  output: VectorTensor;
  extraOutputs: Record<string, VectorTensor>;
  /** The seed of the vector-Jacobian product: grads[x] = d sum(output * G) / dx. */
  G: VectorTensor;
  grads: Record<string, VectorTensor>;
  notes: string;
}

function fail(name: string, what: string): never {
  throw new Error(`vector ${name}: ${what}`);
}

const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && (d as number) >= 0);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => typeof d === 'number');

function parseTensor(name: string, where: string, value: unknown): VectorTensor {
  if (typeof value !== 'object' || value === null) fail(name, `${where} is not a tensor object`);
  const { shape, dtype, data } = value as Record<string, unknown>;
  if (!isShape(shape)) fail(name, `${where}.shape is not a list of non-negative integers`);
  if (dtype !== 'float32' && dtype !== 'int64') fail(name, `${where}.dtype '${String(dtype)}' is neither float32 nor int64`);
  if (!isNumbers(data)) fail(name, `${where}.data is not a list of numbers`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) fail(name, `${where} has ${data.length} values for shape [${shape.join(',')}] (${size})`);
  return { shape, dtype, data };
}

function parseTensorMap(name: string, where: string, value: unknown): Record<string, VectorTensor> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, `${where} is not an object`);
  const out: Record<string, VectorTensor> = {};
  for (const [key, t] of Object.entries(value)) out[key] = parseTensor(name, `${where}.${key}`, t);
  return out;
}

/** Checks one case file's JSON against the schema; `fileName` may keep its `.json`. */
export function parseVectorCase(fileName: string, json: unknown): VectorCase {
  const name = fileName.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  if (typeof json !== 'object' || json === null) fail(name, 'is not a JSON object');
  const raw = json as Record<string, unknown>;
  if (typeof raw.op !== 'string' || raw.op === '') fail(name, "has no 'op'");
  const op = raw.op;
  const attrs = raw.attrs ?? {};
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) fail(name, "'attrs' is not an object");
  const differentiable = raw.differentiable_inputs ?? [];
  if (!Array.isArray(differentiable) || !differentiable.every((d) => typeof d === 'string')) {
    fail(name, "'differentiable_inputs' is not a list of names");
  }
  const inputs = parseTensorMap(name, 'inputs', raw.inputs);
  for (const d of differentiable) if (!(d in inputs)) fail(name, `differentiable input '${d}' is not among the inputs`);
  return {
    name,
    op,
    case: typeof raw.case === 'string' ? raw.case : name.split('__')[1] ?? '',
    torch: typeof raw.torch === 'string' ? raw.torch : '',
    attrs: attrs as Record<string, AttrValue>,
    inputs,
    differentiableInputs: differentiable,
    output: parseTensor(name, 'output', raw.output),
    extraOutputs: parseTensorMap(name, 'extra_outputs', raw.extra_outputs),
    G: parseTensor(name, 'G', raw.G),
    grads: parseTensorMap(name, 'grads', raw.grads),
    notes: typeof raw.notes === 'string' ? raw.notes : '',
  };
}

/** The dtype a vector tensor becomes here: we have no int64, class indices become int32. */
export function ourDType(t: VectorTensor): DType {
  return t.dtype === 'int64' ? 'int32' : 'float32';
}

/** A tensor on the active backend holding `t`'s values (float32 rounded as the README says). */
export function vectorToTensor(t: VectorTensor): Tensor {
  const dtype = ourDType(t);
  const values = dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data);
  return tensor(values, t.shape, dtype);
}

/** Every input of a case as a tensor, by input name. */
export function caseInputs(c: VectorCase): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(c.inputs)) out[key] = vectorToTensor(t);
  return out;
}

/** The folder of the repo's vectors, next to this package's src/. */
export const VECTORS_URL = new URL('../vectors/', import.meta.url);

interface FsLike {
  readdirSync(path: URL): string[];
  readFileSync(path: URL, encoding: 'utf8'): string;
}

/**
 * Reads and parses every `*.json` in `dir` (the repo's vectors by default), sorted by name.
 * Node only, through `process.getBuiltinModule`, so that bundling this module for a
 * browser does not pull in `node:fs`; browsers pass parsed cases instead.
 */
export function loadVectorCases(dir: URL = VECTORS_URL): VectorCase[] {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as FsLike | undefined;
  if (!fs) throw new Error('loadVectorCases: no file system here; import the vector files and pass them to defineConformance(backend, { vectors })');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`loadVectorCases: no *.json vector files in ${dir.pathname}`);
  return files.map((f) => parseVectorCase(f, JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8'))));
}
