/**
 * Files that must be refused, with one line naming the file, what was wrong and where, and
 * without a tensor left behind: globals beyond the allow-list (never run), broken archives,
 * storages and views that do not match, and claims beyond the size limits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { memory } from '@nn/tensor';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadPytorch, PytorchError, type PytorchReadOptions } from './pytorch.js';
import { archive, op, pickle, tensorItem, tensorPickle, tensorValue } from './test-utils/pickle_bytes.js';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'pt');

/** The message of the PytorchError that loading `bytes` throws; no tensor may be left behind. */
function refusal(bytes: Uint8Array, options: PytorchReadOptions = {}): string {
  const before = memory().numTensors;
  try {
    loadPytorch(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(PytorchError);
    expect(memory().numTensors).toBe(before);
    return (error as Error).message;
  }
  throw new Error('expected a PytorchError, nothing was thrown');
}

const fixture = (name: string): string => refusal(readFileSync(join(FIXTURES, name)), { source: name });
const floats = (n: number): Uint8Array => new Uint8Array(new Float32Array(n).fill(1).buffer);

describe('hostile files written by Python', () => {
  // Protocol 2 names builtins as Python 2's __builtin__.
  it('refuses os.system and builtins.eval by name, never calling them', () => {
    expect(fixture('hostile_os_system.pt')).toMatch(
      /^pytorch: hostile_os_system\.pt: data\.pkl at byte 18: global posix\.system is refused: a state dict may name only collections\.OrderedDict, torch's tensor rebuild functions and storage types, and nothing in the file is run$/,
    );
    expect(fixture('hostile_eval.pt')).toMatch(/^pytorch: hostile_eval\.pt: data\.pkl at byte 18: global __builtin__\.eval is refused/);
  });

  it('refuses a pickled module and says to save its state dict', () => {
    expect(fixture('hostile_module.pt')).toMatch(
      /global torch\.nn\.modules\.linear\.Linear is refused: .*: the file holds a pickled model or other object, not a state dict; in Python, torch\.save\(model\.state_dict\(\), path\)$/,
    );
  });

  it('refuses a call of an allowed global that is not a function', () => {
    expect(fixture('hostile_call_storage.pt')).toMatch(/data\.pkl at byte \d+: REDUCE calls torch\.FloatStorage, which a state dict may not call \(only torch\._utils\._rebuild_tensor_v2, /);
  });

  it('names the key and the storage of a view beyond its storage, or a storage shorter than declared', () => {
    expect(fixture('hostile_view_beyond_storage.pt')).toBe(
      'pytorch: hostile_view_beyond_storage.pt: tensor "weight": offset 0, size [10] and stride [1] reach element 9 of storage "archive/data/0", which holds 4',
    );
    expect(fixture('hostile_short_storage.pt')).toBe(
      'pytorch: hostile_short_storage.pt: tensor "weight": storage "archive/data/0" holds 12 bytes, but 4 float32 elements need 16',
    );
  });

  it('names the key and the value of an int64 beyond int32', () => {
    expect(fixture('hostile_int64_range.pt')).toBe(
      'pytorch: hostile_int64_range.pt: tensor "counter": int64 value 1099511627776 at flat index 1 does not fit in int32 (our integer dtype holds -2^31..2^31-1)',
    );
  });

  it('refuses a truncated archive', () => {
    expect(fixture('hostile_truncated.pt')).toMatch(/^pytorch: hostile_truncated\.pt: not a readable zip archive \(.*; file truncated\?\)$/);
    const good = readFileSync(join(FIXTURES, 'dtypes.pt'));
    // Cut anywhere, and every way is an error, never a crash or a partial dict.
    for (const fraction of [0, 0.001, 0.3, 0.9, 0.99, 0.999]) expect(refusal(good.subarray(0, Math.floor(fraction * good.length)))).toMatch(/^pytorch: /);
  });
});

describe('hand-made hostile archives', () => {
  it('refuses globals reached by STACK_GLOBAL too', () => {
    const pkl = pickle(op.proto(4), op.emptyDict, op.str('w'), op.str('os'), op.str('system'), op.stackGlobal, op.str('id'), op.tuple1, op.reduce, op.setitem, op.stop);
    expect(refusal(archive(pkl))).toMatch(/^pytorch: data\.pkl at byte 27: global os\.system is refused/);
  });

  it('refuses protocol 0 opcodes, unknown opcodes and a pickle cut short', () => {
    expect(refusal(archive(pickle(op.proto(), 0x53, ...new TextEncoder().encode("'x'\n"), op.stop)))).toBe(
      'pytorch: data.pkl at byte 2: opcode STRING (protocol 0) is not supported: torch.save of a state dict does not write it',
    );
    expect(refusal(archive(pickle(op.proto(), 0xff)))).toBe('pytorch: data.pkl at byte 2: unknown opcode 0xff');
    expect(refusal(archive(pickle(op.proto(), op.emptyDict)))).toBe('pytorch: data.pkl at byte 3: truncated: needs 1 more bytes, 0 left');
    expect(refusal(archive(pickle(op.proto(), op.emptyDict, op.str('a'), op.none, op.setitem, op.stop)))).toBe('pytorch: entry "a" is None, not a tensor');
  });

  it('checks storage references: type, key, and one declaration per key', () => {
    expect(refusal(archive(tensorPickle('w', { type: 'ComplexFloatStorage', numel: 1, size: [1], stride: [1] }), { 'data/0': floats(2) }))).toMatch(
      /global torch\.ComplexFloatStorage is refused: .*: tensors of that type are not supported \(the storage types read are FloatStorage, /,
    );
    expect(refusal(archive(tensorPickle('w', { storageKey: '../../x', numel: 1, size: [1], stride: [1] })))).toMatch(/storage key "\.\.\/\.\.\/x" is not a record name$/);
    expect(refusal(archive(tensorPickle('w', { storageKey: '7', numel: 1, size: [1], stride: [1] })))).toBe(
      'pytorch: tensor "w": its storage record "archive/data/7" is not in the archive',
    );
    const twice = pickle(op.proto(), op.emptyDict, tensorItem('a', { numel: 4, size: [4], stride: [1] }), tensorItem('b', { numel: 8, size: [8], stride: [1] }), op.stop);
    expect(refusal(archive(twice, { 'data/0': floats(8) }))).toMatch(/at byte \d+: storage "0" is declared as FloatStorage of 4 elements and as FloatStorage of 8$/);
  });

  it('reads _rebuild_parameter_with_state as its tensor, and checks its arguments', () => {
    const withState = (...extra: number[][]): Uint8Array =>
      pickle(op.proto(), op.emptyDict, op.str('w'), op.global('torch._utils', '_rebuild_parameter_with_state'), op.mark, tensorValue({ numel: 2, size: [2], stride: [1] }), ...extra, op.tuple, op.reduce, op.setitem, op.stop);
    const good = withState([0x88], op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce, op.emptyDict);
    expect(Array.from(loadPytorch(archive(good, { 'data/0': floats(2) })).w.dataSync())).toEqual([1, 1]);
    expect(refusal(archive(withState([0x88]), { 'data/0': floats(2) }))).toMatch(
      /at byte \d+: torch\._utils\._rebuild_parameter_with_state expects a tensor and 3 more arguments, got \(a TensorView, True\)$/,
    );
  });

  it('bounds _metadata that holds itself', () => {
    // d = {}; d['x'] = d; OrderedDict() with _metadata = d
    const pkl = pickle(
      op.proto(), op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce,
      op.emptyDict, op.str('_metadata'), op.emptyDict, 0x71, 0, op.str('x'), 0x68, 0, op.setitem, op.setitem, 0x62,
      op.stop,
    );
    expect(refusal(archive(pkl))).toBe('pytorch: _metadata is nested deeper than 32 levels');
  });

  it('refuses what is not a torch.save archive, naming what it is', () => {
    expect(refusal(new Uint8Array([0x80, 2, 0x8a, 0x0a]))).toMatch(/^pytorch: not a zip archive but a bare pickle: the legacy torch\.save format/);
    expect(refusal(new TextEncoder().encode('hello'))).toBe('pytorch: not a PyTorch checkpoint: a zip archive starts with "PK\\x03\\x04", found [104,101,108,108]');
    const script = zipSync({ 'model/constants.pkl': pickle(op.proto(), op.none, op.stop), 'model/code/x.py': new Uint8Array(1) }, { level: 0 });
    expect(refusal(script)).toBe('pytorch: a TorchScript archive (torch.jit.save), not a state dict: save model.state_dict() with torch.save instead');
    expect(refusal(archive(pickle(op.proto(), op.emptyDict, op.stop), { byteorder: new TextEncoder().encode('middle') }))).toBe(
      'pytorch: byteorder record is "middle", expected "little" or "big"',
    );
  });

  it('reads deflated entries, and refuses one that claims more than DEFLATE can expand to', () => {
    const stored = readFileSync(join(FIXTURES, 'dtypes.pt'));
    const deflated = zipSync(unzipSync(stored), { level: 9 });
    expect(deflated.length).toBeLessThan(stored.length);
    const [a, b] = [loadPytorch(stored), loadPytorch(deflated)];
    for (const key of Object.keys(a)) expect([key, b[key].dataSync()]).toEqual([key, a[key].dataSync()]);
    // The central directory's uncompressed size (offset 24 of its entry) raised 4000-fold.
    const bomb = zipSync({ 'archive/data.pkl': pickle(op.proto(), op.emptyDict, op.stop), 'archive/data/0': new Uint8Array(1 << 16) }, { level: 9 });
    const view = new DataView(bomb.buffer);
    let central = bomb.length - 4;
    while (view.getUint32(central, true) !== 0x02014b50) central--; // the last entry's, data/0's
    view.setUint32(central + 24, 4000 * view.getUint32(central + 20, true), true);
    expect(refusal(bomb)).toMatch(/^pytorch: zip entry "archive\/data\/0" claims to inflate \d+ bytes to \d+, beyond what DEFLATE can$/);
  });

  it('bounds the bytes the archive and the tensors may take, and the number of entries', () => {
    const four = archive(tensorPickle('w', { numel: 4, size: [4], stride: [1] }), { 'data/0': floats(4) });
    expect(loadPytorch(four, { maxBytes: 1000 }).w.shape).toEqual([4]);
    expect(refusal(four, { maxBytes: 100 })).toBe("pytorch: the archive's entries hold more than 100 bytes (the maxBytes option raises the limit)");
    // A stride-0 view of one float claims 4 GB once loaded: refused before allocating.
    const expand = archive(tensorPickle('w', { numel: 1, size: [1 << 15, 1 << 15], stride: [0, 0] }), { 'data/0': floats(1) });
    expect(refusal(expand, { maxBytes: 1 << 20 })).toBe('pytorch: the tensors need more than 1048576 bytes (the maxBytes option raises the limit)');
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) many[`data/${i}`] = floats(1);
    expect(refusal(archive(tensorPickle('w', { numel: 1, size: [1], stride: [1] }), many), { maxTensors: 2 })).toBe(
      'pytorch: the archive holds more than 18 entries (the maxTensors option raises the limit)',
    );
  });
});
