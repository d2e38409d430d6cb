/**
 * The strict unpickler on its own: plain data comes out as Python built it, every size is
 * bounded, and anything beyond plain data goes to the caller's hooks.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNPICKLE_LIMITS, PyDict, unpickle, type PyTuple, type PyValue, type UnpickleHooks, type UnpickleLimits } from './pickle.js';
import { op, pickle } from './test-utils/pickle_bytes.js';

const fail = (problem: string): never => {
  throw new Error(problem);
};
const noHooks: UnpickleHooks = {
  findGlobal: (module, name, f) => f(`global ${module}.${name}`),
  reduce: (_c, _a, f) => f('reduce'),
  persistentLoad: (_id, f) => f('persistent'),
  build: (_t, _s, f) => f('build'),
};
const read = (bytes: Uint8Array, limits: Partial<UnpickleLimits> = {}): PyValue => unpickle(bytes, noHooks, fail, { ...DEFAULT_UNPICKLE_LIMITS, ...limits });

describe('unpickle', () => {
  it('builds plain data: ints of every width, floats, strings, tuples, lists, dicts, memo', () => {
    // {'a': (1, -2, 2**40, 0.5), 'b': [True, None, 'é'], 'c': <memo of 'a's value>}
    const bytes = pickle(
      op.proto(), op.emptyDict,
      op.str('a'), op.mark, 0x4b, 1, op.int(-2), 0x8a, 6, 0, 0, 0, 0, 0, 1, 0x47, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0, op.tuple, 0x71, 7, op.setitem,
      op.str('b'), 0x5d, op.mark, 0x88, op.none, 0x8c, 2, 0xc3, 0xa9, 0x65, op.setitem,
      op.str('c'), 0x68, 7, op.setitem,
      op.stop,
    );
    const value = read(bytes) as PyDict;
    expect(value).toBeInstanceOf(PyDict);
    const a = value.entries.get('a') as PyTuple;
    expect(a.items).toEqual([1, -2, 2 ** 40, 0.5]);
    expect(value.entries.get('b')).toEqual([true, null, 'é']);
    expect(value.entries.get('c')).toBe(a);
  });

  it('bounds the memo, the stack, MARK nesting and string lengths', () => {
    const puts = pickle(op.proto(), op.none, Array.from({ length: 11 }, (_, i) => [0x71, i]).flat(), op.stop);
    expect(read(puts, { maxMemo: 11 })).toBe(null);
    expect(() => read(puts, { maxMemo: 10 })).toThrow('data.pkl at byte 23: memo holds more than 10 values');
    const nones = pickle(op.proto(), op.mark, new Array(11).fill(0x4e), op.tuple, op.stop);
    expect(() => read(nones, { maxStack: 10 })).toThrow('data.pkl at byte 13: stack holds more than 10 values');
    const marks = pickle(op.proto(), new Array(2000).fill(0x28));
    expect(() => read(marks)).toThrow('data.pkl at byte 1002: MARKs nested deeper than 1000');
    expect(() => read(pickle(op.proto(), op.str('x'.repeat(100)), op.stop), { maxStringBytes: 99 })).toThrow('data.pkl at byte 2: string of 100 bytes is over the 99-byte limit');
    expect(() => read(pickle(op.proto(), 0x58, 0xff, 0xff, 0xff, 0x7f))).toThrow(/^data\.pkl at byte 2: string of 2147483647 bytes is over the 1048576-byte limit$/);
  });

  it('refuses malformed streams with the offset of the opcode at fault', () => {
    expect(() => read(pickle(op.proto(), 0x68, 3))).toThrow('data.pkl at byte 2: memo has no entry 3');
    expect(() => read(pickle(op.proto(), op.setitem))).toThrow('data.pkl at byte 2: stack underflow');
    expect(() => read(pickle(op.proto(), op.none, op.none, op.stop))).toThrow('data.pkl at byte 4: STOP with 2 values on the stack and 0 open MARKs, expected one value');
    expect(() => read(pickle(op.proto(1)))).toThrow('data.pkl at byte 0: pickle protocol 1 is not supported (2 to 5)');
    expect(() => read(pickle(op.proto(), op.none, op.none, op.none, op.setitem))).toThrow('data.pkl at byte 5: SETITEM(S) on None, not a dict');
    expect(() => read(pickle(op.proto(), op.emptyDict, op.emptyTuple, op.none, op.setitem))).toThrow('data.pkl at byte 5: dict key a tuple of 0 is not supported (strings, numbers, booleans and None are)');
    expect(() => read(pickle(op.proto(), 0x8c, 1, 0xff, op.stop))).toThrow('data.pkl at byte 2: string is not valid UTF-8');
  });

  it('hands globals and calls to the hooks, which decide', () => {
    expect(() => read(pickle(op.proto(), op.global('os', 'system'), op.stop))).toThrow('data.pkl at byte 2: global os.system');
    expect(() => read(pickle(op.proto(), op.none, op.emptyTuple, op.reduce, op.stop))).toThrow('data.pkl at byte 4: reduce');
    expect(() => read(pickle(op.proto(), op.none, op.none, op.reduce, op.stop))).toThrow('data.pkl at byte 4: REDUCE arguments must be a tuple, got None');
  });
});
