import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, memory, tensor, type NestedArray } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey, fromBytes, fromBytesWithMetadata, halfToFloat, readHeader, toBytes, MAX_HEADER_BYTES } from './safetensors.js';

const fixtures = join(import.meta.dirname, '../test/fixtures');
// Copied from shared/conformance/torchvision-keys: tests never read outside the repo.
const torchvisionKeys = join(import.meta.dirname, '../test/fixtures/torchvision-keys');

/** Builds a file by hand: 8-byte length, the header text as given, then `data`. */
function rawFile(headerText: string, data: Uint8Array = new Uint8Array(0), lengthField?: bigint): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function fromJsonValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonValues);
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

describe('safetensors reading', () => {
  it('reads every dtype of a file written by numpy as the reference writer does, with the documented conversions', () => {
    const bytes = readFileSync(join(fixtures, 'dtypes.safetensors'));
    const expected = JSON.parse(readFileSync(join(fixtures, 'dtypes.json'), 'utf8')) as Record<string, { shape: number[]; values: unknown }>;
    const { stateDict, metadata } = fromBytesWithMetadata(bytes);
    expect(metadata).toEqual({ format: 'pt', made_by: 'make_safetensors.py' });
    expect(Object.keys(stateDict).sort()).toEqual(Object.keys(expected).sort());
    const dtypes: Record<string, string> = { f32: 'float32', f64: 'float32', f16: 'float32', bf16: 'float32', i64: 'int32', i32: 'int32', u8: 'int32', bool: 'bool', 'bn.num_batches_tracked': 'int32' };
    for (const [name, { shape, values }] of Object.entries(expected)) {
      const t = stateDict[name];
      expect(t.shape, name).toEqual(shape);
      expect(t.dtype, name).toBe(dtypes[name]);
      expect(t.toArray(), name).toEqual(fromJsonValues(values) as NestedArray);
    }
    dispose(stateDict);
  });

  it('decodes half-precision subnormals, infinities and NaN exactly', () => {
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it('reads from a view at an odd offset into a larger buffer (as Node Buffers are)', () => {
    const t = tensor([[1.5, -2], [3, 4]]);
    const bytes = toBytes({ w: t });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const loaded = fromBytes(big.subarray(3));
    expect(loaded.w.toArray()).toEqual([[1.5, -2], [3, 4]]);
    dispose([t, loaded]);
  });

  it('rejects an I64 value that does not fit in int32, naming the tensor and index', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigInt64(8, 2n ** 31n, true);
    const bytes = rawFile('{"steps":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', data);
    expect(() => fromBytes(bytes)).toThrow(/tensor "steps": I64 value at flat index 1 \(2147483648\) does not fit in int32/);
    new DataView(data.buffer).setBigInt64(8, -(2n ** 31n) - 1n, true);
    expect(() => fromBytes(rawFile('{"steps":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', data))).toThrow(/does not fit in int32/);
  });

  it('leaves no tensors behind when a conversion fails', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setBigInt64(4, 2n ** 40n, true);
    const bytes = rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I64","shape":[1],"data_offsets":[4,12]}}', data);
    const before = memory().numTensors;
    expect(() => fromBytes(bytes)).toThrow(/"b"/);
    expect(memory().numTensors).toBe(before);
  });
});

describe('safetensors malformed files', () => {
  const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const eight = new Uint8Array(8);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /truncated: 0 bytes/],
    ['truncated length field', new Uint8Array(5), /truncated: 5 bytes/],
    ['truncated data', rawFile(ok, new Uint8Array(6)), /go beyond the data section \(6 bytes; file truncated\?\)/],
    ['header length beyond the end', rawFile(ok, eight, 5000n), /header length 5000 goes beyond the end of the file/],
    ['header length over 100 MB', rawFile(ok, eight, BigInt(MAX_HEADER_BYTES) + 1n), /over the 100000000-byte limit/],
    ['header length near 2^64', rawFile(ok, eight, 2n ** 64n - 1n), /over the 100000000-byte limit/],
    ['invalid JSON', rawFile('{"a": [1, 2', eight), /header is not valid JSON/],
    ['invalid UTF-8', rawFile('{"x":{}}').map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['header not an object', rawFile('[1,2,3]', eight), /must start with '\{'/],
    ['entry not an object', rawFile('{"a":[1,2]}', eight), /tensor "a": entry must be an object/],
    ['unknown dtype', rawFile('{"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}', eight), /tensor "a": unknown or unsupported dtype "Q7"/],
    ['unsupported float8 dtype', rawFile('{"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}', eight), /unknown or unsupported dtype "F8_E4M3"/],
    ['missing shape', rawFile('{"a":{"dtype":"F32","data_offsets":[0,8]}}', eight), /tensor "a": shape must be an array of non-negative integers/],
    ['negative dimension', rawFile('{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', eight), /shape must be an array of non-negative integers, got \[-2\]/],
    ['bad offsets', rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', eight), /data_offsets must be \[begin, end\]/],
    ['offsets reversed', rawFile('{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}', eight), /end before they begin/],
    ['shape not matching the bytes', rawFile('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', eight), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
    ['huge shape', rawFile('{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', eight), /needs 73786976294838206464 bytes/],
    ['offsets out of range', rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', eight), /data_offsets \[8, 16\] go beyond the data section \(8 bytes/],
    [
      'overlapping tensors',
      rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', eight),
      /tensors "a" and "b" overlap/,
    ],
    [
      'hole between tensors',
      rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}', eight),
      /hole in the data: bytes 4\.\.8 belong to no tensor/,
    ],
    ['trailing bytes', rawFile(ok, new Uint8Array(12)), /data section has 12 bytes but the tensors cover only 8/],
    ['duplicate tensor keys', rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight), /duplicate key "a"/],
    ['duplicate field in an entry', rawFile('{"a":{"dtype":"F32","dtype":"I32","shape":[2],"data_offsets":[0,8]}}', eight), /duplicate key "dtype"/],
    ['metadata not strings', rawFile('{"__metadata__":{"epoch":3}}'), /__metadata__ value of "epoch" must be a string/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => fromBytes(bytes)).toThrow(message);
    });
  }

  it('accepts an empty header padded with spaces', () => {
    expect(fromBytes(rawFile('{}      '))).toEqual({});
  });

  it('names the source in the message', () => {
    expect(() => fromBytes(new Uint8Array(3), { source: 'model.safetensors' })).toThrow(/^safetensors: model\.safetensors: truncated/);
  });

  it('does not allocate for a header that claims to be huge', () => {
    // 2^63 would be an impossible allocation; the check comes before any read of the header.
    const bytes = rawFile(ok, eight, 2n ** 63n);
    expect(() => readHeader(bytes)).toThrow(/over the/);
  });
});

describe('findDuplicateKey', () => {
  it('finds repeats at any depth, ignores strings in values and arrays, and handles escapes', () => {
    expect(findDuplicateKey('{"a":1,"b":{"a":2}}')).toBeNull();
    expect(findDuplicateKey('{"a":"a","b":["a","a"]}')).toBeNull();
    expect(findDuplicateKey('{"x":{"k":1,"k":2}}')).toBe('k');
    expect(findDuplicateKey('{"a\\"b":1,"a\\u0022b":2}')).toBe('a"b');
    expect(findDuplicateKey('[{"q":1},{"q":1}]')).toBeNull();
    expect(findDuplicateKey('{"e":{},"e":[]}')).toBe('e');
  });
});

describe('safetensors writing', () => {
  it('round-trips float32, int32 and bool tensors of any rank, including 0-d and empty', () => {
    const dict = {
      'layer1.0.conv1.weight': tensor([[[[1, 2], [3, 4]]]]),
      'bn.num_batches_tracked': tensor(5, [], 'int32'),
      mask: tensor([true, false, true]),
      empty: tensor([], [0, 3]),
      ints: tensor([-3, 2 ** 31 - 1], undefined, 'int32'),
    };
    for (const int64 of [false, true]) {
      const bytes = toBytes(dict, { metadata: { format: 'pt' }, int64 });
      const { stateDict, metadata } = fromBytesWithMetadata(bytes);
      expect(metadata).toEqual({ format: 'pt' });
      for (const [k, t] of Object.entries(dict)) {
        expect(stateDict[k].dtype).toBe(t.dtype);
        expect(stateDict[k].shape).toEqual(t.shape);
        expect(stateDict[k].toArray()).toEqual(t.toArray());
      }
      const header = readHeader(bytes);
      expect(header.entries.find((e) => e.name === 'ints')!.dtype).toBe(int64 ? 'I64' : 'I32');
      dispose(stateDict);
    }
    dispose(dict);
  });

  it('lays out the file as the reference writer: padded header, metadata first, widest dtype first then by name', () => {
    const dict = { b: tensor([1]), a: tensor([true]), c: tensor([2], undefined, 'int32'), a2: tensor([3]) };
    const bytes = toBytes(dict, { metadata: { k: 'v' } });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},"a2":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},' +
        '"c":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"BOOL","shape":[1],"data_offsets":[12,13]}}',
    );
    dispose(dict);
  });

  it('refuses a tensor named __metadata__, non-string metadata and disposed tensors', () => {
    const t = tensor([1]);
    expect(() => toBytes({ __metadata__: t })).toThrow(/reserved/);
    expect(() => toBytes({ t }, { metadata: { n: 3 as unknown as string } })).toThrow(/metadata value of "n" must be a string/);
    t.dispose();
    expect(() => toBytes({ t })).toThrow(/tensor "t" has been disposed/);
  });
});

/** Random bytes from a cheap xorshift, as finite float32 values (exponent bits kept small). */
function fillRandomFloats(target: Uint8Array, seed: number): void {
  const words = new Uint32Array(target.buffer, target.byteOffset, target.length / 4);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    // Sign, exponent 0x3c..0x3f (|x| in [2^-7, 2)), random mantissa.
    words[i] = (s & 0x807fffff) | 0x3c000000 | ((s >>> 23) & 0x03) << 23;
  }
}

describe('torchvision state dicts', () => {
  const models = readdirSync(torchvisionKeys).filter((f) => f.endsWith('.json'));
  it('has the key lists', () => {
    expect(models.length).toBeGreaterThanOrEqual(6);
  });
  for (const file of models) {
    it(`loads ${file.replace('.json', '')} as PyTorch's safetensors writes it (F32 params, I64 num_batches_tracked)`, () => {
      const spec = JSON.parse(readFileSync(join(torchvisionKeys, file), 'utf8')) as { entries: [string, number[]][] };
      // The reference writer: sort by dtype (I64 before F32), then name; compact JSON; pad to 8.
      const entries = spec.entries.map(([name, shape]) => {
        const dtype = name.endsWith('num_batches_tracked') ? 'I64' : 'F32';
        return { name, shape, dtype, bytes: shape.reduce((a, b) => a * b, 1) * (dtype === 'I64' ? 8 : 4) };
      });
      entries.sort((a, b) => (a.dtype === b.dtype ? (a.name < b.name ? -1 : 1) : a.dtype === 'I64' ? -1 : 1));
      const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
      let offset = 0;
      for (const e of entries) {
        header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes] };
        offset += e.bytes;
      }
      let text = JSON.stringify(header);
      text += ' '.repeat((8 - (text.length % 8)) % 8);
      const bytes = rawFile(text, new Uint8Array(offset));
      const dataStart = 8 + text.length;
      fillRandomFloats(bytes.subarray(dataStart), 1234);
      const view = new DataView(bytes.buffer);
      const probes: { name: string; index: number; value: number }[] = [];
      let cursor = dataStart;
      for (const e of entries) {
        if (e.dtype === 'I64') {
          view.setBigInt64(cursor, 12345n, true);
        } else if (e.bytes > 0) {
          const index = Math.floor(e.bytes / 4 / 2);
          probes.push({ name: e.name, index, value: view.getFloat32(cursor + 4 * index, true) });
        }
        cursor += e.bytes;
      }

      const loaded = fromBytes(bytes);
      expect(Object.keys(loaded).sort()).toEqual(spec.entries.map(([k]) => k).sort());
      for (const [name, shape] of spec.entries) {
        expect(loaded[name].shape, name).toEqual(shape);
        if (name.endsWith('num_batches_tracked')) {
          expect(loaded[name].dtype).toBe('int32');
          expect(loaded[name].item()).toBe(12345);
        } else {
          expect(loaded[name].dtype).toBe('float32');
        }
      }
      for (const p of probes) expect(loaded[p.name].dataSync()[p.index], p.name).toBe(p.value);
      dispose(loaded);
    });
  }
});
