import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { manualSeed, randn } from '@nn/tensor';
import { BatchNorm2d, Conv2d, Flatten, Linear, Sequential } from '../index.js';
import { fieldsOf, intOf, readFields, stringsOf } from '../test-utils/protobuf_reader.js';
import { exportOnnx } from './export.js';
import { ProtoWriter } from './protobuf.js';

describe('ProtoWriter', () => {
  it('writes varints, negative int64s in ten bytes, floats and nested messages', () => {
    const inner = new ProtoWriter().string(1, 'hé');
    const bytes = new ProtoWriter().int(1, 300).int(2, -1).float(3, 0.5).message(4, inner).int(5, 2 ** 40).finish();
    expect([...bytes.subarray(0, 3)]).toEqual([0x08, 0xac, 0x02]);
    const fields = readFields(bytes);
    expect(fields.map((f) => f.field)).toEqual([1, 2, 3, 4, 5]);
    expect(BigInt.asIntN(64, fields[1].varint!)).toBe(-1n);
    expect(bytes.subarray(3, 14).length).toBe(11); // tag + ten bytes
    expect(fields[2].fixed32).toBe(0.5);
    expect(stringsOf(readFields(fields[3].bytes!), 1)).toEqual(['hé']);
    expect(fields[4].varint).toBe(2n ** 40n);
  });

  it('refuses a number a varint cannot hold exactly', () => {
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow('protobuf: 0.5 is not an integer that a varint can hold exactly');
  });
});

describe('the exported ModelProto', () => {
  it('declares IR version 8 and opset 17, stores parameters and buffers under their state-dict names, and a dynamic batch', () => {
    manualSeed(0);
    const model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Flatten(), new Linear(2 * 4 * 4, 3));
    const modelProto = readFields(exportOnnx(model, randn([2, 1, 6, 6])));
    expect(intOf(modelProto, 1)).toBe(8n);
    const opset = readFields(fieldsOf(modelProto, 8)[0]);
    expect([stringsOf(opset, 1)[0] ?? '', intOf(opset, 2)]).toEqual(['', 17n]);
    const graph = readFields(fieldsOf(modelProto, 7)[0]);
    const initializers = fieldsOf(graph, 5).map((t) => stringsOf(readFields(t), 8)[0]);
    for (const name of ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '3.weight', '3.bias']) expect(initializers).toContain(name);
    // input: ValueInfoProto.type.tensor_type.shape.dim[0].dim_param
    const input = readFields(fieldsOf(graph, 11)[0]);
    const tensorType = readFields(fieldsOf(readFields(fieldsOf(input, 2)[0]), 1)[0]);
    const dims = fieldsOf(readFields(fieldsOf(tensorType, 2)[0]), 1).map((d) => readFields(d));
    expect(stringsOf(dims[0], 2)).toEqual(['batch']);
    expect(dims.slice(1).map((d) => intOf(d, 1))).toEqual([1n, 6n, 6n]);
    // The flatten keeps the batch free: Reshape to [-1, 32], not [2, 32].
    const opTypes = fieldsOf(graph, 1).map((n) => stringsOf(readFields(n), 4)[0]);
    expect(opTypes).toContain('Reshape');
    expect(opTypes).not.toContain('Shape');
    // Batch norm in eval mode is one BatchNormalization node, not its arithmetic.
    expect(opTypes.filter((t) => t === 'BatchNormalization')).toHaveLength(1);
    expect(opTypes).not.toContain('Sqrt');
  });
});
