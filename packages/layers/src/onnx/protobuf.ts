/**
 * The few protocol-buffer encodings an ONNX file needs (varints, 32-bit floats and
 * length-delimited fields), written into a list of chunks so that a nested message is
 * spliced into its parent without copying its bytes: only `finish()` copies, once.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const encoder = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private length = 0;

  get byteLength(): number {
    return this.length + this.pending.length;
  }

  /** An int32/int64/enum/bool field; negative numbers take ten bytes, as protobuf's int64. */
  int(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.pending.push(...bytes);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.byteLength);
    this.append(value);
    return this;
  }

  /** A nested message, spliced in without copying its chunks. */
  message(field: number, value: ProtoWriter): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.byteLength);
    value.flush();
    for (const chunk of value.chunks) this.append(chunk);
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf: ${value} is not an integer that a varint can hold exactly`);
    if (value < 0) {
      // Two's complement over 64 bits, seven bits at a time: ten bytes.
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 9; i++) {
        this.pending.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.pending.push(Number(v));
      return;
    }
    while (value >= 0x80) {
      this.pending.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.pending.push(value);
  }

  private append(bytes: Uint8Array): void {
    this.flush();
    this.chunks.push(bytes);
    this.length += bytes.byteLength;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.length += this.pending.length;
    this.pending = [];
  }
}
