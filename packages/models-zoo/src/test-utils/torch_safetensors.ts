/**
 * Writes safetensors bytes the way PyTorch users get them from torchvision
 * (`safetensors.torch.save_file(model.state_dict(), ...)`): F32 parameters and running
 * statistics, I64 num_batches_tracked, `{"format": "pt"}` metadata, data laid out by dtype
 * (widest first) then name, header padded with spaces to 8 bytes. Independent of
 * @nn/layers' writer, so that reading a "foreign" file is what gets tested.
 */
import { getGenerator } from '@nn/tensor';

export interface TorchTensor {
  dtype: 'F32' | 'I64';
  shape: number[];
  values: Float32Array | BigInt64Array;
}

/** Random values in PyTorch's dtypes for a torchvision key list. */
export function randomStateDict(entries: [string, number[]][]): Map<string, TorchTensor> {
  const gen = getGenerator();
  const out = new Map<string, TorchTensor>();
  for (const [key, shape] of entries) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (key.endsWith('num_batches_tracked')) {
      out.set(key, { dtype: 'I64', shape, values: BigInt64Array.from([BigInt(gen.nextInt(0, 100_000))]) });
    } else {
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = gen.nextFloat() * 2 - 1;
      out.set(key, { dtype: 'F32', shape, values });
    }
  }
  return out;
}

export function torchSafetensorsBytes(tensors: Map<string, TorchTensor>): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => {
    const wa = tensors.get(a)!.dtype === 'I64' ? 8 : 4;
    const wb = tensors.get(b)!.dtype === 'I64' ? 8 : 4;
    return wb - wa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.values.byteLength] };
    offset += t.values.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const values = tensors.get(name)!.values;
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    at += values.byteLength;
  }
  return bytes;
}
