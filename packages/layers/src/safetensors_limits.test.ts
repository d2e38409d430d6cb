import '@nn/backend-cpu';
import { dispose, memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TENSORS, emptyDict, fromBytes, fromBytesWithMetadata, MAX_HEADER_DEPTH, SafetensorsError, toBytes } from './safetensors.js';

/** A file with the given header text and `dataBytes` zero bytes of data. */
function file(headerText: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** The error `fn` throws; fails the test if it is not a SafetensorsError. */
function errorOf(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    return error as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError, nothing was thrown');
}

const emptyTensor = (name: string): string => `"${name}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`;
const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('safetensors header limits', () => {
  it('rejects a deeply nested shape or __metadata__ as a SafetensorsError naming the file and the field', () => {
    const shape = errorOf(() => fromBytes(file(`{"a":{"dtype":"F32","shape":${deep(20_000)},"data_offsets":[0,0]}}`), { source: 'm.safetensors' }));
    expect(shape.message).toBe(`safetensors: m.safetensors: "a" is nested deeper than ${MAX_HEADER_DEPTH} levels`);
    const metadata = errorOf(() => fromBytes(file(`{"__metadata__":{"x":${deep(20_000)}}}`)));
    expect(metadata.message).toBe(`safetensors: "__metadata__" is nested deeper than ${MAX_HEADER_DEPTH} levels`);
    // Within the depth limit, still wrong: the message shows the value, cut short.
    const shallow = errorOf(() => fromBytes(file(`{"a":{"dtype":"F32","shape":${deep(100)},"data_offsets":[0,0]}}`)));
    expect(shallow.message).toMatch(/^safetensors: tensor "a": shape must be an array of non-negative integers, got \[\[\[\[\[\[\[\[\[…\]\]\]/);
  });

  it('cuts a wide bad value to a message of a few hundred characters', () => {
    const wideShape = errorOf(() => fromBytes(file(`{"a":{"dtype":"F32","shape":[${'1,'.repeat(1_000_000)}-1],"data_offsets":[0,0]}}`)));
    expect(wideShape.message).toMatch(/^safetensors: tensor "a": shape must be an array of non-negative integers, got \[1,1,1,.*…$/);
    expect(wideShape.message.length).toBeLessThan(300);
    const longValue = errorOf(() => fromBytes(file(`{"__metadata__":{"k":["${'x'.repeat(1_000_000)}"]}}`)));
    expect(longValue.message).toMatch(/^safetensors: __metadata__ value of "k" must be a string, got \["xxx.*…$/);
    expect(longValue.message.length).toBeLessThan(300);
    const longName = errorOf(() => fromBytes(file(`{"${'n'.repeat(1_000_000)}":{"dtype":"Q7","shape":[],"data_offsets":[0,0]}}`)));
    expect(longName.message.length).toBeLessThan(400);
  });

  it('reads up to maxTensors tensors, __metadata__ aside, and rejects more before making any', () => {
    const three = `{"__metadata__":{"epoch":"1"},${['a', 'b', 'c'].map(emptyTensor).join(',')}}`;
    const loaded = fromBytes(file(three), { maxTensors: 3 });
    expect(Object.keys(loaded)).toEqual(['a', 'b', 'c']);
    const before = memory().numTensors;
    expect(errorOf(() => fromBytes(file(three), { maxTensors: 2, source: 'big.safetensors' })).message).toBe(
      'safetensors: big.safetensors: header declares more than 2 tensors (the maxTensors option raises the limit)',
    );
    // Exactly one over, with no __metadata__ to allow for: caught after parsing.
    expect(() => fromBytes(file(`{${['a', 'b', 'c'].map(emptyTensor).join(',')}}`), { maxTensors: 2 })).toThrow(/^safetensors: header declares more than 2 tensors/);
    expect(memory().numTensors).toBe(before);
    // __metadata__ may have as many entries as the file may have tensors, and at least the default.
    const metadataOf = (n: number): Uint8Array => file(`{"__metadata__":{${Array.from({ length: n }, (_, i) => `"k${i}":""`).join(',')}}}`);
    expect(Object.keys(fromBytesWithMetadata(metadataOf(3), { maxTensors: 2 }).metadata)).toHaveLength(3);
    expect(() => fromBytes(metadataOf(DEFAULT_MAX_TENSORS + 1))).toThrow(`"__metadata__" has more than ${DEFAULT_MAX_TENSORS} keys`);
    expect(() => fromBytes(file(three), { maxTensors: -1 })).toThrow(/maxTensors must be a non-negative integer or Infinity, got -1/);
    expect(Object.keys(fromBytes(file(three), { maxTensors: Infinity }))).toHaveLength(3);
    dispose(loaded);
  });

  it(`rejects by default a header declaring far more than ${DEFAULT_MAX_TENSORS} tensors, stopping at the limit`, () => {
    const count = 2 * DEFAULT_MAX_TENSORS;
    const names = Array.from({ length: count }, (_, i) => emptyTensor(`t${i}`));
    const bytes = file(`{${names.join(',')}}`);
    const before = memory().numTensors;
    expect(() => fromBytes(bytes)).toThrow(`header declares more than ${DEFAULT_MAX_TENSORS} tensors`);
    expect(memory().numTensors).toBe(before);
  });
});

describe('safetensors names from the file are only names', () => {
  it('round-trips tensors and metadata named __proto__, constructor and toString', () => {
    const names = ['__proto__', 'constructor', 'toString'];
    const dict = emptyDict<Tensor>();
    names.forEach((name, i) => (dict[name] = tensor([i])));
    const metadata = emptyDict<string>();
    metadata[names[0]] = 'p';
    const { stateDict, metadata: readBack } = fromBytesWithMetadata(toBytes(dict, { metadata }));
    expect(Object.getPrototypeOf(stateDict)).toBeNull();
    expect(Object.keys(stateDict).sort()).toEqual(names);
    names.forEach((name, i) => expect(stateDict[name].toArray()).toEqual([i]));
    expect(Object.getPrototypeOf(readBack)).toBeNull();
    expect(Object.entries(readBack)).toEqual([['__proto__', 'p']]);
    dispose([dict, stateDict]);
  });

  it('says what is wrong when asked to save something that is not a state dict', () => {
    expect(() => toBytes(null as unknown as Record<string, never>)).toThrow(/^safetensors: toBytes: expected a state dict, an object of tensors by name, got null$/);
    expect(() => toBytes(Promise.resolve({}) as unknown as Record<string, never>)).toThrow(/toBytes: got a Promise/);
  });
});
