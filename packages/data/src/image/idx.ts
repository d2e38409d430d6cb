/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type code,
 * the number of dimensions, each dimension as a big-endian uint32, then the values,
 * big-endian, row-major. Files are usually gzipped; gzip is recognised by its magic bytes
 * (1f 8b), not by the file name. Works on bytes only (no fs), so it runs in browsers.
 */
import { tensor, type Tensor } from '@nn/tensor';
import { filePrefix, isGzip, maxBytesOf, maybeGunzip } from '../bytes.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxDType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

export interface IdxOptions {
  /** The file name that errors mention. */
  file?: string;
  /** The caller has already gunzipped the bytes (only changes the error messages). */
  unzipped?: boolean;
  /**
   * The most bytes the (unzipped) file may have, and its header may declare (default 1 GiB,
   * more than EMNIST's largest set); gunzipping stops as soon as the data passes it.
   */
  maxBytes?: number;
}

/**
 * Parses an IDX file's bytes (gzipped or not).
 *   const images = parseIdx(bytes, { file: 'train-images-idx3-ubyte.gz' });  // shape [60000, 28, 28]
 */
export function parseIdx(input: Uint8Array, options: IdxOptions = {}): IdxArray {
  const at = filePrefix(options.file);
  const bytes = maybeGunzip(input, options);
  if (bytes.length < 4) throw new Error(`${at}the file has ${bytes.length} bytes, expected at least 4 (the IDX magic number)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${at}not an IDX file: it starts with ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00 then a type code`);
  }
  const type = TYPES[bytes[2]];
  if (type === undefined) {
    throw new Error(
      `${at}unknown IDX type code ${hex(bytes[2])}; expected 0x08 (uint8), 0x09 (int8), 0x0b (int16), 0x0c (int32), 0x0d (float32) or 0x0e (float64)`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new Error(`${at}the IDX header has 0 dimensions, expected at least 1`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(`${at}the file has ${bytes.length} bytes, too few for the header of ${rank} dimensions (${headerBytes} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  const max = maxBytesOf(options);
  if (expected > max) {
    throw new Error(
      `${at}the IDX header declares ${shape.join(' × ')} ${type.dtype} values (${expected} bytes), more than maxBytes = ${max}; ` +
        `if the file is real, raise the cap with { maxBytes: ${expected} }`,
    );
  }
  if (bytes.length !== expected) {
    throw new Error(
      `${at}the IDX header says ${shape.join(' × ')} ${type.dtype} values (${count * type.bytes} bytes after the ${headerBytes}-byte header, ` +
        `${expected} in all), but the ${options.unzipped || isGzip(input) ? 'unzipped ' : ''}file has ${bytes.length} bytes`,
    );
  }
  return { dtype: type.dtype, shape, data: readValues(view, headerBytes, count, type.dtype) };
}

/** The big-endian values after the header, in plain loops (TypedArray.from with a map function first builds a JS list). */
function readValues(view: DataView, offset: number, count: number, dtype: IdxDType): IdxArray['data'] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** The IDX type code of a dtype. */
const CODES: Record<IdxDType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

/** Writes an IDX file's bytes (not gzipped): the inverse of parseIdx. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { dtype, shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`encodeIdx: shape [${shape.join(',')}] holds ${count} values but the data has ${data.length}`);
  const width = TYPES[CODES[dtype]].bytes;
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * width);
  const view = new DataView(out.buffer);
  out[2] = CODES[dtype];
  out[3] = shape.length;
  shape.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  for (let i = 0; i < count; i++) {
    const at = header + i * width;
    const v = data[i];
    if (dtype === 'uint8') view.setUint8(at, v);
    else if (dtype === 'int8') view.setInt8(at, v);
    else if (dtype === 'int16') view.setInt16(at, v, false);
    else if (dtype === 'int32') view.setInt32(at, v, false);
    else if (dtype === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

/**
 * A tensor of the IDX values: int32 for integer types (labels, ready for crossEntropy),
 * float32 otherwise. `scale` multiplies float values, e.g. 1/255 for pixels in [0, 1]
 * (then the result is float32 whatever the type).
 */
export function idxToTensor(array: IdxArray, options: { scale?: number } = {}): Tensor {
  const { scale } = options;
  const { data } = array;
  if (scale !== undefined) {
    // A plain loop: TypedArray.from with a map function builds a JS list first (1 GB and seconds for Fashion-MNIST).
    const scaled = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) scaled[i] = data[i] * scale;
    return tensor(scaled, array.shape, 'float32');
  }
  const isInteger = array.dtype !== 'float32' && array.dtype !== 'float64';
  // The constructors copy a typed array straight across, converting each value.
  return tensor(isInteger ? new Int32Array(data) : new Float32Array(data), array.shape, isInteger ? 'int32' : 'float32');
}
