/**
 * A strict unpickler for the pickles that `torch.save` writes (protocol 2, or 3–5 when asked).
 * Python's pickle runs whatever callable a file names; this one runs nothing. It knows the
 * opcodes that build plain data (None, bools, ints, floats, strings, bytes, tuples, lists,
 * dicts), and everything else goes through the caller's hooks:
 * - `findGlobal(module, name)` decides which globals a file may name: the caller's allow-list,
 *   refusing anything else (`os.system`, `builtins.eval`) with an error naming it;
 * - `reduce(global, args)` is the only way a callable is "called", again by the caller;
 * - `persistentLoad(id)` resolves references to data kept outside the pickle (torch's storages);
 * - `build(object, state)` applies BUILD's state (an OrderedDict's `_metadata`).
 *
 * Every size is bounded: the pickle's length, strings and bytes, the memo, the stack and the
 * nesting of MARKs; each error gives the byte offset of the opcode and what was wrong.
 * Protocol 0/1 text opcodes, sets, NEWOBJ/INST/OBJ (which create instances of classes) and
 * out-of-band buffers are refused: `torch.save` of a state dict never writes them.
 */
import { show } from './show.js';

/** A Python tuple: immutable, so a class of its own (lists are plain arrays). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python dict or OrderedDict, keys in insertion order; `attributes` holds BUILD's state. */
export class PyDict {
  readonly entries = new Map<DictKey, PyValue>();
  readonly attributes = new Map<string, PyValue>();
  constructor(readonly ordered: boolean) {}
}

/** A global the caller allowed, as a value (a class or function to pass to `reduce`). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

export type DictKey = string | number | bigint | boolean | null;

/** What a pickle can hold here; `object` is whatever the hooks return (a tensor, a storage). */
export type PyValue = DictKey | Uint8Array | PyTuple | PyValue[] | PyDict | PyGlobal | object;

export interface UnpickleHooks {
  /** The value for a global: the caller's allow-list; throw (through `fail`) for anything else. */
  findGlobal(module: string, name: string, fail: Fail): PyValue;
  /** The result of calling `callable` (a value findGlobal returned) with `args`. */
  reduce(callable: PyValue, args: readonly PyValue[], fail: Fail): PyValue;
  persistentLoad(id: PyValue, fail: Fail): PyValue;
  /** Applies BUILD's `state` to `target`. */
  build(target: PyValue, state: PyValue, fail: Fail): void;
}

export interface UnpickleLimits {
  /** Most bytes of one string or bytes value. */
  maxStringBytes: number;
  /** Most memo entries. */
  maxMemo: number;
  /** Most values on the stack, all MARK levels together. */
  maxStack: number;
  /** Most MARKs open at once. */
  maxMarkDepth: number;
}

export const DEFAULT_UNPICKLE_LIMITS: UnpickleLimits = {
  maxStringBytes: 1 << 20,
  maxMemo: 4_000_000,
  maxStack: 4_000_000,
  maxMarkDepth: 1000,
};

export type Fail = (problem: string) => never;

/** Opcode names, for the messages about those that are refused. */
const REFUSED: Record<number, string> = {
  0x49: 'INT (protocol 0)',
  0x4c: 'LONG (protocol 0)',
  0x46: 'FLOAT (protocol 0)',
  0x53: 'STRING (protocol 0)',
  0x56: 'UNICODE (protocol 0)',
  0x50: 'PERSID (protocol 0)',
  0x70: 'PUT (protocol 0)',
  0x67: 'GET (protocol 0)',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one pickle from `bytes` and returns its value. `fail(problem)` must throw; it receives
 * messages that start with the byte offset of the opcode at fault.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, fail: Fail, limits: UnpickleLimits = DEFAULT_UNPICKLE_LIMITS): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const memo = new Map<number, PyValue>();
  const marks: PyValue[][] = [];
  let stack: PyValue[] = [];
  let stackSize = 0; // values on all levels
  let pos = 0;
  let at = 0; // offset of the opcode being run, for messages
  const failAt: Fail = (problem) => fail(`data.pkl at byte ${at}: ${problem}`);

  const need = (n: number): number => {
    if (n > bytes.length - pos) failAt(`truncated: needs ${n} more bytes, ${bytes.length - pos} left`);
    const start = pos;
    pos += n;
    return start;
  };
  const u8 = (): number => bytes[need(1)];
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const start = need(8);
    const value = view.getBigUint64(start, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) failAt(`length ${value} is too large`);
    return Number(value);
  };
  const raw = (length: number, what: string): Uint8Array => {
    if (length > limits.maxStringBytes) failAt(`${what} of ${length} bytes is over the ${limits.maxStringBytes}-byte limit`);
    const start = need(length);
    return bytes.subarray(start, start + length);
  };
  const text = (length: number): string => {
    const data = raw(length, 'string');
    try {
      return utf8.decode(data);
    } catch {
      return failAt('string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) failAt('truncated: a GLOBAL name has no newline');
    if (end - pos > 1000) failAt(`a GLOBAL name of ${end - pos} bytes is over the 1000-byte limit`);
    const value = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return value;
  };
  const push = (value: PyValue): void => {
    if (++stackSize > limits.maxStack) failAt(`stack holds more than ${limits.maxStack} values`);
    stack.push(value);
  };
  const pop = (): PyValue => {
    if (stack.length === 0) failAt('stack underflow');
    stackSize--;
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) failAt('stack underflow');
    return stack[stack.length - 1];
  };
  /** The values pushed since the last MARK, which is closed. */
  const popMark = (): PyValue[] => {
    const items = stack;
    if (marks.length === 0) failAt('no MARK to pop to');
    stack = marks.pop() as PyValue[];
    stackSize -= items.length;
    return items;
  };
  const integer = (length: number): number | bigint => {
    if (length > 8) failAt(`integer of ${length} bytes is too large (at most 8)`);
    const data = raw(length, 'integer');
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]);
    if (length > 0 && data[length - 1] & 0x80) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };
  const memoize = (index: number): void => {
    if (!memo.has(index) && memo.size >= limits.maxMemo) failAt(`memo holds more than ${limits.maxMemo} values`);
    memo.set(index, top());
  };
  const recall = (index: number): void => {
    if (!memo.has(index)) failAt(`memo has no entry ${index}`);
    push(memo.get(index) as PyValue);
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict)) failAt(`SETITEM(S) on ${describe(dict)}, not a dict`);
    if (items.length % 2 !== 0) failAt('SETITEMS with an odd number of values');
    for (let i = 0; i < items.length; i += 2) dict.entries.set(dictKey(items[i], failAt), items[i + 1]);
  };
  const append = (list: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(list)) failAt(`APPEND(S) on ${describe(list)}, not a list`);
    for (const item of items) list.push(item);
  };

  for (;;) {
    at = pos;
    const op = u8();
    switch (op) {
      case 0x80: {
        const protocol = u8();
        if (protocol < 2 || protocol > 5) failAt(`pickle protocol ${protocol} is not supported (2 to 5)`);
        break;
      }
      case 0x95: // FRAME: a length hint for buffered readers; the data follows inline.
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0) failAt(`STOP with ${stack.length} values on the stack and ${marks.length} open MARKs, expected one value`);
        return stack[0];
      case 0x28: // MARK
        if (marks.length >= limits.maxMarkDepth) failAt(`MARKs nested deeper than ${limits.maxMarkDepth}`);
        marks.push(stack);
        stack = [];
        break;
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x4a: push(view.getInt32(need(4), true)); break; // BININT
      case 0x8a: push(integer(u8())); break; // LONG1
      case 0x8b: push(integer(u32())); break; // LONG4
      case 0x47: push(view.getFloat64(need(8), false)); break; // BINFLOAT, big-endian
      case 0x8c: push(text(u8())); break; // SHORT_BINUNICODE
      case 0x58: push(text(u32())); break; // BINUNICODE
      case 0x8d: push(text(u64())); break; // BINUNICODE8
      case 0x55: push(latin1.decode(raw(u8(), 'string'))); break; // SHORT_BINSTRING (Python 2 str)
      case 0x54: push(latin1.decode(raw(u32(), 'string'))); break; // BINSTRING
      case 0x43: push(raw(u8(), 'bytes').slice()); break; // SHORT_BINBYTES
      case 0x42: push(raw(u32(), 'bytes').slice()); break; // BINBYTES
      case 0x8e: push(raw(u64(), 'bytes').slice()); break; // BINBYTES8
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x6c: push(popMark()); break; // LIST
      case 0x7d: push(new PyDict(false)); break; // EMPTY_DICT
      case 0x64: { // DICT
        const dict = new PyDict(false);
        setItems(dict, popMark());
        push(dict);
        break;
      }
      case 0x61: { // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: { // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x71: memoize(u8()); break; // BINPUT
      case 0x72: memoize(u32()); break; // LONG_BINPUT
      case 0x94: memoize(memo.size); break; // MEMOIZE
      case 0x68: recall(u8()); break; // BINGET
      case 0x6a: recall(u32()); break; // LONG_BINGET
      case 0x63: { // GLOBAL
        const module = line();
        push(hooks.findGlobal(module, line(), failAt));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') failAt(`STACK_GLOBAL needs two strings, got ${describe(module)} and ${describe(name)}`);
        push(hooks.findGlobal(module, name, failAt));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!(args instanceof PyTuple)) failAt(`REDUCE arguments must be a tuple, got ${describe(args)}`);
        push(hooks.reduce(callable, args.items, failAt));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        hooks.build(top(), state, failAt);
        break;
      }
      case 0x51: push(hooks.persistentLoad(pop(), failAt)); break; // BINPERSID
      default:
        if (Object.hasOwn(REFUSED, op)) failAt(`opcode ${REFUSED[op]} is not supported: torch.save of a state dict does not write it`);
        failAt(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

function dictKey(key: PyValue, fail: Fail): DictKey {
  if (key === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof key)) return key as DictKey;
  return fail(`dict key ${describe(key)} is not supported (strings, numbers, booleans and None are)`);
}

/** A value in a few words, for messages. */
export function describe(value: PyValue): string {
  if (value instanceof PyGlobal) return value.qualifiedName;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PyDict) return value.ordered ? 'an OrderedDict' : 'a dict';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object') return `a ${value.constructor.name}`;
  return show(value, 60);
}
