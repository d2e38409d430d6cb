/**
 * Safetensors, the checkpoint format PyTorch users exchange: an 8-byte little-endian
 * header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__"?: {string: string}}`, then the raw little-endian tensor bytes, offsets
 * counted from the end of the header. Only Uint8Array/DataView here, so it runs in browsers;
 * files live in ./checkpoint_node.ts.
 *
 * Reading converts to our three dtypes:
 * - F32 → float32; F16, BF16 and F64 → float32 (rounded to nearest; F64 beyond the float32
 *   range becomes ±Infinity, as torch's `.float()` does);
 * - I32 → int32; I8, I16, U8 and U16 → int32 (exact; U8 holds image bytes 0..255 and
 *   counts, not truth values, so it is not bool);
 * - I64, U32 and U64 → int32, exact, with an error naming the tensor if a value does not fit
 *   in [-2^31, 2^31-1] (torchvision's `num_batches_tracked` is I64 and fits);
 * - BOOL → bool (any non-zero byte is true).
 * Writing stores float32 as F32, int32 as I32 (I64 with `{ int64: true }`) and bool as BOOL,
 * laid out as the reference implementation does: tensors sorted by dtype (widest first)
 * then name, header padded with spaces to a multiple of 8.
 *
 * A malformed file gives a SafetensorsError naming the file, the field and the problem
 * before any large allocation: everything is checked against the real byte count first, the
 * header text is scanned for depth, size and duplicate keys before it is parsed (see
 * ./safetensors_scan.ts), and values quoted in messages are cut to 200 characters.
 *
 * Names come from the file, so dicts read from it have no prototype: a tensor may be named
 * `__proto__` or `constructor` and is just a name.
 */
import { engine, type DType, type Tensor, type TypedArray } from '@nn/tensor';
import { scanHeaderText, tooManyTensors } from './safetensors_scan.js';
import { clip, show } from './show.js';

export { findDuplicateKey } from './safetensors_scan.js';

/** Tensors by dotted name, as PyTorch's `state_dict()`. */
export type StateDict = Record<string, Tensor>;

/** Header limit of the reference implementation (safetensors' MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Most nesting levels in a header: serde_json's default recursion limit, which the reference reader has. */
export const MAX_HEADER_DEPTH = 128;

/**
 * Default most tensors in one file (`maxTensors` raises it). Checkpoints hold hundreds to a few
 * thousand; without a bound, a 100 MB header could declare two million empty tensors.
 */
export const DEFAULT_MAX_TENSORS = 100_000;

/** An empty dict whose keys are only names: `__proto__` or `constructor` included. */
export function emptyDict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

interface DTypeInfo {
  bytes: number;
  /** Our dtype after conversion. */
  to: DType;
}

const FILE_DTYPES: Record<string, DTypeInfo> = {
  F64: { bytes: 8, to: 'float32' },
  F32: { bytes: 4, to: 'float32' },
  F16: { bytes: 2, to: 'float32' },
  BF16: { bytes: 2, to: 'float32' },
  I64: { bytes: 8, to: 'int32' },
  U64: { bytes: 8, to: 'int32' },
  I32: { bytes: 4, to: 'int32' },
  U32: { bytes: 4, to: 'int32' },
  I16: { bytes: 2, to: 'int32' },
  U16: { bytes: 2, to: 'int32' },
  I8: { bytes: 1, to: 'int32' },
  U8: { bytes: 1, to: 'int32' },
  BOOL: { bytes: 1, to: 'bool' },
};

/** Order of the reference writer's dtype enum, used to lay tensors out widest first. */
const WRITE_RANK: Record<string, number> = { BOOL: 0, U8: 1, I8: 2, I16: 3, U16: 4, F16: 5, BF16: 6, I32: 7, U32: 8, F32: 9, F64: 10, I64: 11, U64: 12 };

/** One tensor's entry in the header, checked. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Absolute byte offset where the data section starts (8 + header length). */
  dataStart: number;
}

export interface ReadOptions {
  /** Named in error messages (a file path). */
  source?: string;
  /** Most tensors the file may declare (default DEFAULT_MAX_TENSORS, 100,000); Infinity for no limit. */
  maxTensors?: number;
}

export interface WriteOptions {
  /** Free-form string pairs stored under `__metadata__`. */
  metadata?: Record<string, string>;
  /** Write int32 tensors as I64, the dtype PyTorch uses for indices and counters. */
  int64?: boolean;
}

// ---- reading ------------------------------------------------------------------------------

/** Parses and checks the header of a safetensors file without touching the tensor data. */
export function readHeader(bytes: Uint8Array, options: ReadOptions = {}): SafetensorsHeader {
  const fail: Fail = failer(options.source);
  const maxTensors = options.maxTensors ?? DEFAULT_MAX_TENSORS;
  if (!(maxTensors === Infinity || (Number.isSafeInteger(maxTensors) && maxTensors >= 0))) {
    fail(`maxTensors must be a non-negative integer or Infinity, got ${show(maxTensors)}`);
  }
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${show(bytes)}`);
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(`header length ${n} goes beyond the end of the file (${bytes.length} bytes)`);
  if (n < 2) fail(`header length ${n} is too short for a JSON object`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must start with '{', found ${show(text.slice(0, 8))}`);
  // __metadata__ may hold as many entries as the file may hold tensors, and never fewer than by default.
  const problem = scanHeaderText(text, { maxDepth: MAX_HEADER_DEPTH, maxTensors, maxKeys: Math.max(maxTensors, DEFAULT_MAX_TENSORS) });
  if (problem !== null) fail(problem.message);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`header is not valid JSON (${clip((error as Error).message)})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('header must be a JSON object');

  const dataLength = bytes.length - 8 - n;
  const metadata = emptyDict<string>();
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`__metadata__ must be an object of strings, got ${show(value)}`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value of ${show(k)} must be a string, got ${show(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(checkEntry(name, value, fail));
  }
  if (entries.length > maxTensors) fail(tooManyTensors(maxTensors));
  checkLayout(entries, dataLength, fail);
  return { entries, metadata, dataStart: 8 + n };
}

/** Decodes every tensor of a safetensors file (see the module comment for dtype rules). */
export function fromBytes(bytes: Uint8Array, options: ReadOptions = {}): StateDict {
  return fromBytesWithMetadata(bytes, options).stateDict;
}

export function fromBytesWithMetadata(bytes: Uint8Array, options: ReadOptions = {}): { stateDict: StateDict; metadata: Record<string, string> } {
  const header = readHeader(bytes, options);
  const fail: Fail = failer(options.source);
  // Decode everything first so a conversion error leaves no tensors behind.
  const decoded = header.entries.map((entry) => {
    const raw = bytes.subarray(header.dataStart + entry.begin, header.dataStart + entry.end);
    return { entry, values: decode(entry, raw, fail) };
  });
  const stateDict: StateDict = emptyDict();
  for (const { entry, values } of decoded) {
    stateDict[entry.name] = engine().makeTensor(values, entry.shape, FILE_DTYPES[entry.dtype].to);
  }
  return { stateDict, metadata: header.metadata };
}

type Fail = (problem: string) => never;

function failer(source: string | undefined): Fail {
  return (problem) => {
    throw new SafetensorsError(`safetensors: ${source !== undefined ? `${source}: ` : ''}${problem}`);
  };
}

function checkEntry(name: string, value: unknown, fail: Fail): SafetensorsEntry {
  const where = `tensor ${show(name)}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${where}: entry must be an object with dtype, shape and data_offsets, got ${show(value)}`);
  const field = (key: string): unknown => (Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined);
  const dtype = field('dtype');
  const shape = field('shape');
  const offsets = field('data_offsets');
  if (typeof dtype !== 'string') fail(`${where}: dtype must be a string, got ${show(dtype)}`);
  if (!Object.hasOwn(FILE_DTYPES, dtype)) fail(`${where}: unknown or unsupported dtype ${show(dtype)} (supported: ${Object.keys(FILE_DTYPES).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail(`${where}: shape must be an array of non-negative integers, got ${show(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    fail(`${where}: data_offsets must be [begin, end] with non-negative integers, got ${show(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const dims = shape as number[];
  // Compare in BigInt: a hostile shape may overflow a double's exact integers.
  const expected = dims.reduce((acc, d) => acc * BigInt(d), 1n) * BigInt(FILE_DTYPES[dtype].bytes);
  if (expected !== BigInt(end - begin)) {
    fail(`${where}: shape ${show(dims)} of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: dims, begin, end };
}

/** The tensors must tile the data section exactly: no gap, no overlap, nothing past the end. */
function checkLayout(entries: SafetensorsEntry[], dataLength: number, fail: Fail): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of sorted) {
    if (e.end > dataLength) {
      fail(`tensor ${show(e.name)}: data_offsets [${e.begin}, ${e.end}] go beyond the data section (${dataLength} bytes; file truncated?)`);
    }
    if (e.begin < cursor) fail(`tensors ${show(previous!.name)} and ${show(e.name)} overlap (bytes ${e.begin}..${cursor})`);
    if (e.begin > cursor) fail(`hole in the data: bytes ${cursor}..${e.begin} belong to no tensor (before ${show(e.name)})`);
    cursor = e.end;
    previous = e;
  }
  if (cursor !== dataLength) fail(`data section has ${dataLength} bytes but the tensors cover only ${cursor} (trailing bytes after the last tensor)`);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decode(entry: SafetensorsEntry, raw: Uint8Array, fail: Fail): TypedArray {
  const info = FILE_DTYPES[entry.dtype];
  const count = raw.length / info.bytes;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const aligned = littleEndian && raw.byteOffset % info.bytes === 0;
  switch (entry.dtype) {
    case 'F32': {
      // Fast path: one copy of the bytes when the platform and alignment allow.
      if (aligned) return new Float32Array(raw.buffer, raw.byteOffset, count).slice();
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I32': {
      if (aligned) return new Int32Array(raw.buffer, raw.byteOffset, count).slice();
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'I64':
    case 'U64':
    case 'U32': {
      const out = new Int32Array(count);
      const signed = entry.dtype === 'I64';
      for (let i = 0; i < count; i++) {
        let v: number;
        if (entry.dtype === 'U32') {
          v = view.getUint32(4 * i, true);
        } else {
          const lo = view.getUint32(8 * i, true);
          const hi = signed ? view.getInt32(8 * i + 4, true) : view.getUint32(8 * i + 4, true);
          // In range exactly when the high word is the sign extension of the low word.
          const fits = signed ? hi === (lo >= 0x80000000 ? -1 : 0) : hi === 0 && lo < 0x80000000;
          if (!fits) fail(`tensor ${show(entry.name)}: ${entry.dtype} value at flat index ${i} (${view.getBigInt64(8 * i, true)}) does not fit in int32`);
          out[i] = lo | 0;
          continue;
        }
        if (v > 0x7fffffff) fail(`tensor ${show(entry.name)}: U32 value at flat index ${i} (${v}) does not fit in int32`);
        out[i] = v;
      }
      return out;
    }
    case 'I16':
    case 'U16':
    case 'I8':
    case 'U8': {
      const out = new Int32Array(count);
      if (entry.dtype === 'U8') out.set(raw);
      else if (entry.dtype === 'I8') for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      else if (entry.dtype === 'I16') for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      else for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
      return out;
    }
    case 'BOOL': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = raw[i] !== 0 ? 1 : 0;
      return out;
    }
    default:
      return fail(`tensor ${show(entry.name)}: unknown dtype ${entry.dtype}`);
  }
}

/** IEEE 754 half precision to a double (exact), subnormals and Inf/NaN included. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

// ---- writing ------------------------------------------------------------------------------

/** Serialises a state dict the way the reference safetensors writer lays it out. */
export function toBytes(stateDict: StateDict, options: WriteOptions = {}): Uint8Array {
  const problem = stateDictProblem(stateDict);
  if (problem !== null) throw new SafetensorsError(`safetensors: toBytes: ${problem}`);
  const items = Object.entries(stateDict).map(([name, t]) => {
    if (t === null || typeof t !== 'object' || typeof (t as Partial<Tensor>).dataSync !== 'function') {
      throw new SafetensorsError(`safetensors: toBytes: entry ${show(name)} is not a Tensor, got ${show(t)}`);
    }
    if (t.isDisposed) throw new SafetensorsError(`safetensors: toBytes: tensor ${show(name)} has been disposed`);
    const dtype = t.dtype === 'float32' ? 'F32' : t.dtype === 'bool' ? 'BOOL' : options.int64 ? 'I64' : 'I32';
    return { name, tensor: t, dtype, bytes: t.size * FILE_DTYPES[dtype].bytes };
  });
  items.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const header = emptyDict<unknown>();
  if (options.metadata !== undefined) {
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(`safetensors: toBytes: metadata value of ${show(k)} must be a string, got ${show(v)}`);
    }
    header.__metadata__ = options.metadata;
  }
  let offset = 0;
  for (const item of items) {
    if (item.name === '__metadata__') throw new SafetensorsError('safetensors: toBytes: "__metadata__" is reserved and cannot name a tensor');
    header[item.name] = { dtype: item.dtype, shape: [...item.tensor.shape], data_offsets: [offset, offset + item.bytes] };
    offset += item.bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let cursor = 8 + json.length;
  for (const item of items) {
    encode(item.tensor.dataSync(), item.dtype, out, view, cursor);
    cursor += item.bytes;
  }
  return out;
}

/**
 * What is wrong with `value` as a state dict (a plain or null-prototype object of tensors by
 * name), or null. A forgotten `await` passes a Promise, which has no entries and would
 * otherwise load or save nothing.
 */
export function stateDictProblem(value: unknown): string | null {
  if (typeof (value as { then?: unknown } | null)?.then === 'function') return 'got a Promise, not a state dict; await it first (`await load(path)`)';
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Map) {
    const hint = value instanceof Map ? ' (for a Map, pass Object.fromEntries(map))' : '';
    return `expected a state dict, an object of tensors by name, got ${show(value)}${hint}`;
  }
  return null;
}

function encode(values: TypedArray, dtype: string, out: Uint8Array, view: DataView, at: number): void {
  if (dtype === 'BOOL') {
    for (let i = 0; i < values.length; i++) out[at + i] = values[i] !== 0 ? 1 : 0;
  } else if (dtype === 'I64') {
    for (let i = 0; i < values.length; i++) view.setBigInt64(at + 8 * i, BigInt(values[i]), true);
  } else if (littleEndian) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.length * 4), at);
  } else if (dtype === 'F32') {
    for (let i = 0; i < values.length; i++) view.setFloat32(at + 4 * i, values[i], true);
  } else {
    for (let i = 0; i < values.length; i++) view.setInt32(at + 4 * i, values[i], true);
  }
}
