/**
 * ONNX's messages (onnx/onnx.proto, proto2) as plain objects, and their encoding. Field
 * numbers are those of onnx.proto; repeated scalars are written unpacked, as proto2 does.
 */
import type { TypedArray } from '@nn/tensor';
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values for the element types @nn exports. */
export const OnnxDataType = { float32: 1, int32: 6, int64: 7, bool: 9 } as const;
export type OnnxElementType = keyof typeof OnnxDataType;

export interface OnnxTensor {
  name: string;
  dataType: OnnxElementType;
  dims: readonly number[];
  /** Little-endian element bytes. */
  rawData: Uint8Array;
}

export type OnnxAttribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'ints'; value: readonly number[] };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

/** A dimension: a fixed size, a named symbolic one ('batch'), or null for unnamed dynamic. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  elementType: OnnxElementType;
  shape: readonly OnnxDim[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
  docString?: string;
}

export const int = (value: number): OnnxAttribute => ({ type: 'int', value });
export const ints = (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value });
export const float = (value: number): OnnxAttribute => ({ type: 'float', value });
export const string = (value: string): OnnxAttribute => ({ type: 'string', value });
export const tensorAttr = (value: OnnxTensor): OnnxAttribute => ({ type: 'tensor', value });

/** Raw little-endian bytes of `values` as ONNX stores `dtype` (int64 as 8 bytes, bool as 1). */
export function tensorBytes(values: TypedArray | readonly number[], dtype: OnnxElementType): Uint8Array {
  const n = values.length;
  if (dtype === 'int64') {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(values[i]);
    return littleEndian(new Uint8Array(out.buffer), 8);
  }
  if (dtype === 'bool') return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  const out = dtype === 'float32' ? Float32Array.from(values as ArrayLike<number>) : Int32Array.from(values as ArrayLike<number>);
  return littleEndian(new Uint8Array(out.buffer), 4);
}

const bigEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** ONNX raw_data is little-endian; swaps each element's bytes on a big-endian host. */
function littleEndian(bytes: Uint8Array, width: number): Uint8Array {
  if (!bigEndianHost) return bytes;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  return bytes;
}

// AttributeProto.AttributeType
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function tensorProto(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, OnnxDataType[t.dataType]);
  w.string(8, t.name);
  w.bytes(9, t.rawData);
  return w;
}

function attributeProto(name: string, a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name).int(20, ATTRIBUTE_TYPE[a.type]);
  switch (a.type) {
    case 'float':
      return w.float(2, a.value);
    case 'int':
      return w.int(3, a.value);
    case 'string':
      return w.string(4, a.value);
    case 'tensor':
      return w.message(5, tensorProto(a.value));
    case 'floats':
      for (const v of a.value) w.float(7, v);
      return w;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      return w;
  }
}

function nodeProto(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, n.name).string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes)) w.message(5, attributeProto(name, a));
  return w;
}

function valueInfoProto(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else if (typeof d === 'string') dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, OnnxDataType[v.elementType]).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function graphProto(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, nodeProto(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, tensorProto(t));
  for (const v of g.inputs) w.message(11, valueInfoProto(v));
  for (const v of g.outputs) w.message(12, valueInfoProto(v));
  return w;
}

const MAX_PROTO_BYTES = 2 ** 31 - 1;

/** The bytes of an .onnx file. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter()
    .int(1, m.irVersion)
    .string(2, m.producerName)
    .string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, graphProto(m.graph));
  w.message(8, new ProtoWriter().string(1, '').int(2, m.opsetVersion));
  // Protobuf messages stop at 2 GiB; larger models need ONNX's external-data files.
  if (w.byteLength > MAX_PROTO_BYTES) throw new Error(`exportOnnx: the model takes ${w.byteLength} bytes, over protobuf's 2 GiB limit; weights in external data files are not supported`);
  return w.finish();
}
