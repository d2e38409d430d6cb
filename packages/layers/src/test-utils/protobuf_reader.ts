/** A minimal protocol-buffer reader for tests: each message as its fields by number, in order. */
export type ProtoField = { field: number; varint?: bigint; bytes?: Uint8Array; fixed32?: number };

export function readFields(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error('protobuf: truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
  };
  while (pos < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    switch (tag & 7) {
      case 0:
        out.push({ field, varint: varint() });
        break;
      case 2: {
        const length = Number(varint());
        out.push({ field, bytes: bytes.subarray(pos, pos + length) });
        pos += length;
        break;
      }
      case 5:
        out.push({ field, fixed32: new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0, true) });
        pos += 4;
        break;
      default:
        throw new Error(`protobuf: wire type ${tag & 7} not expected`);
    }
  }
  return out;
}

/** The sub-messages (or strings) under `field`. */
export const fieldsOf = (fields: ProtoField[], field: number): Uint8Array[] => fields.filter((f) => f.field === field).map((f) => f.bytes!);
export const stringsOf = (fields: ProtoField[], field: number): string[] => fieldsOf(fields, field).map((b) => new TextDecoder().decode(b));
export const intOf = (fields: ProtoField[], field: number): bigint | undefined => fields.find((f) => f.field === field)?.varint;
