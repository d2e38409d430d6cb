/**
 * PyTorch checkpoints as `torch.save(model.state_dict(), path)` writes them (PyTorch ≥ 1.6):
 * a zip archive holding `NAME/data.pkl` (a pickle of the dict), `NAME/data/KEY` (each
 * storage's raw bytes), `NAME/version` and, since 2.1, `NAME/byteorder`. The pickle names
 * tensors as `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` over
 * storages that it references by key, so two tensors may share one storage and a tensor may
 * be a strided view of a larger one (torchvision's published files are such archives).
 *
 * Unpickling runs nothing (./pickle.ts): the file may name only collections.OrderedDict, the
 * tensor and parameter rebuild functions and the storage types below; any other global
 * (`os.system`, `builtins.eval`, a pickled nn.Module's class) is refused with an error naming
 * it. Everything the file claims is checked before it is trusted: entry sizes against the
 * zip, storage sizes against their entries, each view's reach against its storage, and the
 * total against `maxBytes`. Errors name the file (`source`), the entry and the state-dict key.
 *
 * Dtypes convert as safetensors' do: floating point → float32 (rounded), int64/int32/int16/
 * int8/uint8 → int32 (int64 exactly, or an error naming the key and the value beyond ±2^31;
 * BatchNorm's `num_batches_tracked` is int64 and fits), bool → bool.
 *
 * Only Uint8Array here, so it runs in browsers; files are read in ./pytorch_node.ts.
 */
import { dispose, engine, type DType, type TypedArray } from '@nn/tensor';
import { unzipSync } from 'fflate';
import { describe, PyDict, PyGlobal, PyTuple, unpickle, type Fail, type PyValue, type UnpickleHooks } from './pickle.js';
import { DEFAULT_MAX_TENSORS, emptyDict, halfToFloat, type StateDict } from './safetensors.js';
import { show } from './show.js';

/** Default most bytes the zip's entries may hold, and the tensors once loaded: 2 GiB. */
export const DEFAULT_MAX_PYTORCH_BYTES = 2 ** 31;

/**
 * Most bytes of data.pkl, safetensors' header limit: a state dict pickles to about 150 bytes
 * per tensor, so 100,000 tensors take 15 MB.
 */
export const MAX_PICKLE_BYTES = 100_000_000;

export class PytorchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PytorchError';
  }
}

export interface PytorchReadOptions {
  /** Named in error messages (a file path). */
  source?: string;
  /**
   * Most bytes of the archive's entries, uncompressed, and of the tensors once loaded (views
   * can repeat a storage's values). Default DEFAULT_MAX_PYTORCH_BYTES (2 GiB); lower it for
   * files from strangers, which could otherwise claim that much from a few kilobytes.
   */
  maxBytes?: number;
  /** Most tensors (default DEFAULT_MAX_TENSORS, 100,000); Infinity for no limit. */
  maxTensors?: number;
  /**
   * The top-level entry that holds the state dict, for training checkpoints saved as
   * `torch.save({'model': model.state_dict(), 'epoch': 5}, path)`; its siblings must still
   * be plain data (numbers, strings, lists, dicts, tensors).
   */
  key?: string;
}

export interface PytorchCheckpoint {
  stateDict: StateDict;
  /**
   * The state dict's `_metadata` (per module prefix, e.g. `{'': {version: 1}, 'bn1':
   * {version: 2}}`), as plain objects, or null when it has none.
   */
  metadata: Record<string, unknown> | null;
}

/** What each storage type holds, and our dtype for it. */
interface StorageType {
  name: string;
  bytes: number;
  to: DType;
  /** Element `i` of a storage, as a number. */
  read(view: DataView, i: number, littleEndian: boolean): number;
}

const scratch = new DataView(new ArrayBuffer(4));

const STORAGE_TYPES: Record<string, StorageType> = {
  FloatStorage: { name: 'float32', bytes: 4, to: 'float32', read: (v, i, le) => v.getFloat32(4 * i, le) },
  DoubleStorage: { name: 'float64', bytes: 8, to: 'float32', read: (v, i, le) => v.getFloat64(8 * i, le) },
  HalfStorage: { name: 'float16', bytes: 2, to: 'float32', read: (v, i, le) => halfToFloat(v.getUint16(2 * i, le)) },
  BFloat16Storage: {
    name: 'bfloat16',
    bytes: 2,
    to: 'float32',
    // bfloat16 is the top half of a float32.
    read: (v, i, le) => {
      scratch.setUint32(0, v.getUint16(2 * i, le) << 16);
      return scratch.getFloat32(0);
    },
  },
  LongStorage: {
    name: 'int64',
    bytes: 8,
    to: 'int32',
    // Exact up to 2^53, which is all the range check needs.
    read: (v, i, le) => v.getInt32(8 * i + (le ? 4 : 0), le) * 2 ** 32 + v.getUint32(8 * i + (le ? 0 : 4), le),
  },
  IntStorage: { name: 'int32', bytes: 4, to: 'int32', read: (v, i, le) => v.getInt32(4 * i, le) },
  ShortStorage: { name: 'int16', bytes: 2, to: 'int32', read: (v, i, le) => v.getInt16(2 * i, le) },
  CharStorage: { name: 'int8', bytes: 1, to: 'int32', read: (v, i) => v.getInt8(i) },
  // uint8 holds image bytes and counts, not truth values, so int32 (as safetensors' U8).
  ByteStorage: { name: 'uint8', bytes: 1, to: 'int32', read: (v, i) => v.getUint8(i) },
  BoolStorage: { name: 'bool', bytes: 1, to: 'bool', read: (v, i) => (v.getUint8(i) !== 0 ? 1 : 0) },
};

/** The callables a state dict's pickle may name; with the storage types, the whole allow-list. */
const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const REBUILD_PARAMETER_WITH_STATE = 'torch._utils._rebuild_parameter_with_state';
const ORDERED_DICT = 'collections.OrderedDict';
const CALLABLES = new Set([REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE, ORDERED_DICT]);

/** A storage as the pickle references it: its bytes stay in the zip entry `data/KEY`. */
class StorageRef {
  constructor(
    readonly key: string,
    readonly type: StorageType,
    readonly typeName: string,
    readonly numel: number,
  ) {}
}

/** A tensor as the pickle describes it: a view of a storage, read once everything is checked. */
class TensorView {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

/** Reads the state dict of a PyTorch checkpoint (see the module comment). */
export function loadPytorch(bytes: Uint8Array, options: PytorchReadOptions = {}): StateDict {
  return loadPytorchWithMetadata(bytes, options).stateDict;
}

export function loadPytorchWithMetadata(bytes: Uint8Array, options: PytorchReadOptions = {}): PytorchCheckpoint {
  const fail: Fail = (problem) => {
    throw new PytorchError(`pytorch: ${options.source !== undefined ? `${options.source}: ` : ''}${problem}`);
  };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PYTORCH_BYTES;
  const maxTensors = options.maxTensors ?? DEFAULT_MAX_TENSORS;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) fail(`maxBytes must be a non-negative integer, got ${show(maxBytes)}`);
  if (!(maxTensors === Infinity || (Number.isSafeInteger(maxTensors) && maxTensors >= 0))) {
    fail(`maxTensors must be a non-negative integer or Infinity, got ${show(maxTensors)}`);
  }
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${show(bytes)}`);

  // Besides the storages, an archive holds data.pkl, version, byteorder and a few more records.
  const entries = readZip(bytes, { maxBytes, maxEntries: Math.min(maxTensors, 2 ** 32) + 16 }, fail);
  const prefix = archivePrefix(entries, fail);
  const littleEndian = byteOrder(entries, prefix, fail);
  const pickled = entries.get(`${prefix}data.pkl`)!;
  if (pickled.length > MAX_PICKLE_BYTES) fail(`data.pkl of ${pickled.length} bytes is over the ${MAX_PICKLE_BYTES}-byte limit`);
  const root = unpickle(pickled, pickleHooks(new Map<string, StorageRef>()), fail);
  const dict = stateDictOf(root, options.key, fail);
  const metadataValue = dict.attributes.get('_metadata');
  const metadata = metadataValue === undefined ? null : plainMetadata(metadataValue, fail);
  if (dict.entries.size > maxTensors) fail(`the state dict holds ${dict.entries.size} tensors, over the limit of ${maxTensors} (the maxTensors option raises it)`);

  // Check every view before allocating for any, so that a bad file allocates nothing.
  const views: [string, TensorView][] = [];
  let total = 0;
  for (const [key, value] of dict.entries) {
    if (typeof key !== 'string') fail(`state dict key ${show(key)} is not a string`);
    if (!(value instanceof TensorView)) {
      const hint = value instanceof PyDict ? ` (a nested dict: pass { key: ${show(key)} } to load it)` : '';
      fail(`entry ${show(key)} is ${describe(value)}, not a tensor${hint}`);
    }
    total += 4 * checkView(key, value, entries, prefix, fail);
    if (total > maxBytes) fail(`the tensors need more than ${maxBytes} bytes (the maxBytes option raises the limit)`);
    views.push([key, value]);
  }
  // Each storage is decoded once, however many views it has, and let go after its last view.
  const viewsLeft = new Map<string, number>();
  for (const [, view] of views) viewsLeft.set(view.storage.key, (viewsLeft.get(view.storage.key) ?? 0) + 1);
  const decodedStorages = new Map<string, StorageValues>();
  const decoded = views.map(([key, view]) => {
    const storageKey = view.storage.key;
    const record = `${prefix}data/${storageKey}`;
    if (!decodedStorages.has(storageKey)) decodedStorages.set(storageKey, decodeStorage(view.storage, entries.get(record)!, littleEndian));
    const values = gather(key, view, decodedStorages.get(storageKey)!, fail);
    viewsLeft.set(storageKey, viewsLeft.get(storageKey)! - 1);
    if (viewsLeft.get(storageKey) === 0) {
      decodedStorages.delete(storageKey);
      entries.delete(record);
    }
    return [key, view, values] as const;
  });
  const stateDict: StateDict = emptyDict();
  try {
    for (const [key, view, values] of decoded) stateDict[key] = engine().makeTensor(values, view.size, view.storage.type.to);
  } catch (error) {
    // A backend can refuse a tensor (gpujs holds int32 only within ±2^24): nothing made stays behind.
    dispose(Object.values(stateDict));
    throw error;
  }
  return { stateDict, metadata };
}

// ---- the zip archive ----------------------------------------------------------------------

/** Most times an entry may expand when inflated: DEFLATE's own bound is about 1032. */
const MAX_INFLATE_RATIO = 1032;

/** The archive's entries by name, each checked to hold exactly the bytes its header declares. */
function readZip(bytes: Uint8Array, limits: { maxBytes: number; maxEntries: number }, fail: Fail): Map<string, Uint8Array> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    if (bytes[0] === 0x80) {
      fail('not a zip archive but a bare pickle: the legacy torch.save format (PyTorch before 1.6, or _use_new_zipfile_serialization=False), which is not supported; load it in Python and save it again with torch ≥ 1.6');
    }
    fail(`not a PyTorch checkpoint: a zip archive starts with "PK\\x03\\x04", found ${show(Array.from(bytes.subarray(0, 4)))}${bytes.length < 4 ? ' (file truncated?)' : ''}`);
  }
  const declared = new Map<string, number>();
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      // Runs before each entry is copied or inflated: every claim is bounded first.
      filter: (file) => {
        if (declared.size >= limits.maxEntries) fail(`the archive holds more than ${limits.maxEntries} entries (the maxTensors option raises the limit)`);
        if (declared.has(file.name)) fail(`zip entry ${show(file.name)} appears twice`);
        if (file.compression !== 0 && file.compression !== 8) fail(`zip entry ${show(file.name)} uses compression method ${file.compression} (only stored and deflate are read)`);
        if (file.compression === 0 && file.size !== file.originalSize) fail(`zip entry ${show(file.name)} is stored but declares ${file.size} bytes stored and ${file.originalSize} uncompressed`);
        if (file.compression === 8 && file.originalSize > file.size * MAX_INFLATE_RATIO + 64) fail(`zip entry ${show(file.name)} claims to inflate ${file.size} bytes to ${file.originalSize}, beyond what DEFLATE can`);
        total += file.originalSize;
        if (total > limits.maxBytes) fail(`the archive's entries hold more than ${limits.maxBytes} bytes (the maxBytes option raises the limit)`);
        if (file.size > bytes.length) fail(`zip entry ${show(file.name)} declares ${file.size} bytes, more than the whole file (${bytes.length}; truncated?)`);
        declared.set(file.name, file.originalSize);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof PytorchError) throw error;
    return fail(`not a readable zip archive (${(error as Error).message}; file truncated?)`);
  }
  const entries = new Map<string, Uint8Array>();
  for (const [name, size] of declared) {
    const data = files[name];
    if (data.length !== size) fail(`zip entry ${show(name)} holds ${data.length} bytes where its header declares ${size} (file truncated?)`);
    entries.set(name, data);
  }
  return entries;
}

/** The folder that holds the records: the saved file's stem, or `archive`. */
function archivePrefix(entries: Map<string, Uint8Array>, fail: Fail): string {
  const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length === 1) return pickles[0].slice(0, -'data.pkl'.length);
  if (pickles.length > 1) fail(`the archive holds ${pickles.length} data.pkl records (${pickles.slice(0, 3).map((p) => show(p)).join(', ')}), expected one`);
  if ([...entries.keys()].some((name) => /^[^/]+\/(constants\.pkl|code\/)/.test(name))) {
    fail('a TorchScript archive (torch.jit.save), not a state dict: save model.state_dict() with torch.save instead');
  }
  return fail('no data.pkl record: not an archive written by torch.save');
}

function byteOrder(entries: Map<string, Uint8Array>, prefix: string, fail: Fail): boolean {
  const record = entries.get(`${prefix}byteorder`);
  if (record === undefined) return true; // before PyTorch 2.1: always little-endian
  const order = new TextDecoder().decode(record).trim();
  if (order !== 'little' && order !== 'big') fail(`byteorder record is ${show(order)}, expected "little" or "big"`);
  return order === 'little';
}

// ---- the pickle ---------------------------------------------------------------------------

function pickleHooks(storages: Map<string, StorageRef>): UnpickleHooks {
  const globals = new Map<string, PyGlobal>();
  return {
    findGlobal(module: string, name: string, fail: Fail): PyValue {
      const qualified = `${module}.${name}`;
      const storage = module === 'torch' && Object.hasOwn(STORAGE_TYPES, name);
      if (!storage && !CALLABLES.has(qualified)) fail(refusal(qualified));
      if (!globals.has(qualified)) globals.set(qualified, new PyGlobal(module, name));
      return globals.get(qualified)!;
    },
    reduce(callable: PyValue, args: readonly PyValue[], fail: Fail): PyValue {
      if (!(callable instanceof PyGlobal) || !CALLABLES.has(callable.qualifiedName)) {
        fail(`REDUCE calls ${describe(callable)}, which a state dict may not call (only ${[...CALLABLES].join(', ')})`);
      }
      const name = callable.qualifiedName;
      if (name === ORDERED_DICT) {
        if (args.length !== 0) fail(`${ORDERED_DICT} called with ${args.length} arguments, expected none`);
        return new PyDict(true);
      }
      if (name === REBUILD_TENSOR) return rebuildTensor(args, fail);
      const expected = name === REBUILD_PARAMETER ? 3 : 4;
      if (args.length !== expected || !(args[0] instanceof TensorView)) {
        fail(`${name} expects a tensor and ${expected - 1} more arguments, got (${args.map(describe).join(', ')})`);
      }
      return args[0]; // a Parameter is its tensor here: requires_grad and hooks do not load
    },
    persistentLoad(id: PyValue, fail: Fail): PyValue {
      // ('storage', torch.FloatStorage, key, location, numel)
      const parts = id instanceof PyTuple ? id.items : [];
      const [tag, type, key, , numel] = parts;
      if (parts.length !== 5 || tag !== 'storage' || !(type instanceof PyGlobal) || typeof key !== 'string' || typeof parts[3] !== 'string' || !isCount(numel)) {
        fail(`persistent id ${describe(id)} is not ('storage', type, key, location, numel)`);
      }
      if (type.module !== 'torch' || !Object.hasOwn(STORAGE_TYPES, type.name)) fail(`persistent id names ${type.qualifiedName}, not a storage type`);
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key) || key.startsWith('.')) fail(`storage key ${show(key)} is not a record name`);
      const known = storages.get(key);
      if (known === undefined) {
        const ref = new StorageRef(key, STORAGE_TYPES[type.name], type.name, numel);
        storages.set(key, ref);
        return ref;
      }
      if (known.typeName !== type.name || known.numel !== numel) {
        fail(`storage ${show(key)} is declared as ${known.typeName} of ${known.numel} elements and as ${type.name} of ${numel}`);
      }
      return known;
    },
    build(target: PyValue, state: PyValue, fail: Fail): void {
      if (!(target instanceof PyDict) || !(state instanceof PyDict)) fail(`BUILD of ${describe(target)} with ${describe(state)} is not supported (only a dict's attributes)`);
      for (const [name, value] of state.entries) {
        if (typeof name !== 'string') fail(`BUILD attribute name ${show(name)} is not a string`);
        target.attributes.set(name, value);
      }
    },
  };
}

function refusal(qualified: string): string {
  const why = /^torch\.[A-Za-z0-9]*Storage$/.test(qualified)
    ? `: tensors of that type are not supported (the storage types read are ${Object.keys(STORAGE_TYPES).join(', ')})`
    : /^torch\.nn\.|^__main__\./.test(qualified)
      ? ': the file holds a pickled model or other object, not a state dict; in Python, torch.save(model.state_dict(), path)'
      : '';
  return `global ${qualified} is refused: a state dict may name only ${ORDERED_DICT}, torch's tensor rebuild functions and storage types, and nothing in the file is run${why}`;
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])` */
function rebuildTensor(args: readonly PyValue[], fail: Fail): TensorView {
  const [storage, offset, size, stride] = args;
  if ((args.length !== 6 && args.length !== 7) || !(storage instanceof StorageRef) || !isCount(offset) || !(size instanceof PyTuple) || !(stride instanceof PyTuple)) {
    return fail(`${REBUILD_TENSOR} expects (storage, offset, size, stride, requires_grad, backward_hooks[, metadata]), got (${args.map(describe).join(', ')})`);
  }
  if (!size.items.every(isCount) || !stride.items.every(isCount) || size.items.length !== stride.items.length) {
    fail(`${REBUILD_TENSOR}: size ${show(size.items)} and stride ${show(stride.items)} must be equally long lists of non-negative integers`);
  }
  return new TensorView(storage, offset, size.items as number[], stride.items as number[]);
}

function isCount(value: PyValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The dict that holds the tensors: the pickle's root, or its entry `key`. */
function stateDictOf(root: PyValue, key: string | undefined, fail: Fail): PyDict {
  if (!(root instanceof PyDict)) return fail(`data.pkl holds ${describe(root)}, not a state dict`);
  if (key === undefined) return root;
  const entry = root.entries.get(key);
  if (!(entry instanceof PyDict)) {
    const keys = [...root.entries.keys()].slice(0, 20).map((k) => show(k, 60));
    return fail(`entry ${show(key)} ${entry === undefined ? 'is not in the file' : `is ${describe(entry)}, not a dict`} (top-level keys: ${keys.join(', ')})`);
  }
  return entry;
}

/** Most values in `_metadata` (a few per module), and most nesting levels. */
const MAX_METADATA_VALUES = 1_000_000;
const MAX_METADATA_DEPTH = 32;

/**
 * Metadata as plain objects. A pickle can nest a list in itself (APPEND of a memoized list)
 * or share one value many times over, so both the depth and the values visited are bounded.
 */
function plainMetadata(value: PyValue, fail: Fail): Record<string, unknown> {
  let visited = 0;
  const plain = (v: PyValue, depth: number): unknown => {
    if (++visited > MAX_METADATA_VALUES) fail(`_metadata holds more than ${MAX_METADATA_VALUES} values`);
    if (depth > MAX_METADATA_DEPTH) fail(`_metadata is nested deeper than ${MAX_METADATA_DEPTH} levels`);
    if (v instanceof PyDict) {
      const out = emptyDict<unknown>();
      for (const [key, item] of v.entries) out[String(key)] = plain(item, depth + 1);
      return out;
    }
    if (v instanceof PyTuple) return v.items.map((item) => plain(item, depth + 1));
    if (Array.isArray(v)) return (v as PyValue[]).map((item) => plain(item, depth + 1));
    return v instanceof PyGlobal ? v.qualifiedName : v;
  };
  if (!(value instanceof PyDict)) fail(`_metadata is ${describe(value)}, not a dict`);
  return plain(value, 0) as Record<string, unknown>;
}

// ---- tensors ------------------------------------------------------------------------------

/** Checks a view against its storage's entry; returns its number of elements. */
function checkView(name: string, view: TensorView, entries: Map<string, Uint8Array>, prefix: string, fail: Fail): number {
  const where = `tensor ${show(name)}`;
  const { storage, offset, size, stride } = view;
  const record = `${prefix}data/${storage.key}`;
  const data = entries.get(record);
  if (data === undefined) fail(`${where}: its storage record ${show(record)} is not in the archive`);
  const needed = BigInt(storage.numel) * BigInt(storage.type.bytes);
  if (BigInt(data.length) !== needed) {
    fail(`${where}: storage ${show(record)} holds ${data.length} bytes, but ${storage.numel} ${storage.type.name} elements need ${needed}`);
  }
  // In BigInt: a hostile size can overflow a double's exact integers.
  const numel = size.reduce((acc, d) => acc * BigInt(d), 1n);
  if (numel > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${where}: size ${show(size)} has too many elements`);
  const last = size.reduce((acc, d, i) => acc + BigInt(Math.max(d - 1, 0)) * BigInt(stride[i]), BigInt(offset));
  if (numel > 0n && last >= BigInt(storage.numel)) {
    fail(`${where}: offset ${offset}, size ${show(size)} and stride ${show(stride)} reach element ${last} of storage ${show(record)}, which holds ${storage.numel}`);
  }
  return Number(numel);
}

/** A storage's values: in our dtype, except int64 as float64 (exact to 2^53) until its range is checked per view. */
type StorageValues = Float32Array | Float64Array | Int32Array | Uint8Array;

function decodeStorage(storage: StorageRef, data: Uint8Array, littleEndian: boolean): StorageValues {
  const { type, numel } = storage;
  // Fast path: float32/int32 in the machine's byte order are read in place (copied only to align them).
  if (littleEndian === platformLittleEndian && (type.name === 'float32' || type.name === 'int32')) {
    const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
    return type.name === 'float32' ? new Float32Array(aligned.buffer, aligned.byteOffset, numel) : new Int32Array(aligned.buffer, aligned.byteOffset, numel);
  }
  const out = type.name === 'int64' ? new Float64Array(numel) : type.to === 'float32' ? new Float32Array(numel) : type.to === 'int32' ? new Int32Array(numel) : new Uint8Array(numel);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < numel; i++) out[i] = type.read(view, i, littleEndian);
  return out;
}

/** The view's elements in row-major order, in our dtype. */
function gather(name: string, view: TensorView, source: StorageValues, fail: Fail): TypedArray {
  const { storage, offset, size, stride } = view;
  const numel = size.reduce((a, b) => a * b, 1);
  const to = storage.type.to;
  const out = to === 'float32' ? new Float32Array(numel) : to === 'int32' ? new Int32Array(numel) : new Uint8Array(numel);
  if (numel === 0) return out;
  if (source instanceof Float64Array && to === 'int32') {
    // int64: only the values the view holds must fit.
    for (let i = 0; i < numel; i++) {
      const value = source[offset + flatToStorage(i, size, stride)];
      if (value < -0x80000000 || value > 0x7fffffff) fail(`tensor ${show(name)}: int64 value ${value} at flat index ${i} does not fit in int32 (our integer dtype holds -2^31..2^31-1)`);
      out[i] = value;
    }
    return out;
  }
  if (contiguous(size, stride)) {
    out.set(source.subarray(offset, offset + numel));
    return out;
  }
  // An odometer over the outer dims, the last dim in a tight loop.
  const rank = size.length;
  const inner = size[rank - 1];
  const innerStride = stride[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let position = offset;
  for (let i = 0; i < numel; ) {
    for (let j = 0, p = position; j < inner; j++, p += innerStride) out[i++] = source[p];
    for (let d = rank - 2; d >= 0; d--) {
      position += stride[d];
      if (++index[d] < size[d]) break;
      position -= stride[d] * size[d];
      index[d] = 0;
    }
  }
  return out;
}

/** The storage position of the view's row-major element `i`, relative to its offset. */
function flatToStorage(i: number, size: number[], stride: number[]): number {
  let position = 0;
  for (let d = size.length - 1; d >= 0; d--) {
    position += (i % size[d]) * stride[d];
    i = Math.floor(i / size[d]);
  }
  return position;
}

const platformLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Row-major with no gaps (dims of size 1 may have any stride). */
function contiguous(size: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d];
  }
  return true;
}
