/**
 * Hand-written pickles and torch.save-style archives, for files that Python's pickle would
 * not write: hostile ones and ones at the limits.
 */
import { zipSync } from 'fflate';

const ascii = (text: string): number[] => Array.from(new TextEncoder().encode(text));
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** Opcodes, each as its bytes. */
export const op = {
  proto: (n = 2): number[] => [0x80, n],
  stop: [0x2e],
  mark: [0x28],
  none: [0x4e],
  false: [0x89],
  emptyDict: [0x7d],
  emptyTuple: [0x29],
  tuple: [0x74],
  tuple1: [0x85],
  setitem: [0x73],
  reduce: [0x52],
  binpersid: [0x51],
  int: (n: number): number[] => [0x4a, ...u32(n)],
  str: (text: string): number[] => [0x58, ...u32(new TextEncoder().encode(text).length), ...ascii(text)],
  global: (module: string, name: string): number[] => [0x63, ...ascii(`${module}\n${name}\n`)],
  stackGlobal: [0x93],
};

export function pickle(...parts: (number[] | number)[]): Uint8Array {
  return new Uint8Array(parts.flatMap((p) => (typeof p === 'number' ? [p] : p)));
}

interface ViewSpec {
  type?: string;
  storageKey?: string;
  numel: number;
  offset?: number;
  size: number[];
  stride: number[];
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` over storage ('storage', torch.<type>, storageKey, 'cpu', numel). */
export function tensorValue(view: ViewSpec): number[] {
  const ints = (xs: number[]): number[] => [...op.mark, ...xs.flatMap(op.int), ...op.tuple];
  return [
    ...op.global('torch._utils', '_rebuild_tensor_v2'),
    ...op.mark,
    ...op.mark, ...op.str('storage'), ...op.global('torch', view.type ?? 'FloatStorage'), ...op.str(view.storageKey ?? '0'), ...op.str('cpu'), ...op.int(view.numel), ...op.tuple, ...op.binpersid,
    ...op.int(view.offset ?? 0), ...ints(view.size), ...ints(view.stride), ...op.false,
    ...op.global('collections', 'OrderedDict'), ...op.emptyTuple, ...op.reduce,
    ...op.tuple, ...op.reduce,
  ];
}

/** `key: tensorValue(view)` as a SETITEM. */
export function tensorItem(key: string, view: ViewSpec): number[] {
  return [...op.str(key), ...tensorValue(view), ...op.setitem];
}

/** A pickled dict of one tensor. */
export function tensorPickle(key: string, view: ViewSpec): Uint8Array {
  return pickle(op.proto(), op.emptyDict, tensorItem(key, view), op.stop);
}

/** A stored zip of `archive/data.pkl` and `archive/<name>` records. */
export function archive(dataPkl: Uint8Array, records: Record<string, Uint8Array> = {}, prefix = 'archive'): Uint8Array {
  const files: Record<string, Uint8Array> = { [`${prefix}/data.pkl`]: dataPkl, [`${prefix}/version`]: new TextEncoder().encode('3\n') };
  for (const [name, data] of Object.entries(records)) files[`${prefix}/${name}`] = data;
  return zipSync(files, { level: 0 });
}
