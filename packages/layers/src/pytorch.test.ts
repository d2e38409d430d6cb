/**
 * Checkpoints written by torch.save (Debian's python3-torch 1.13, test/fixtures/pt/
 * make_pt_fixtures.py) load with every value in place: each storage type, shared storages
 * and views, a LeNet whose output matches torch's, protocol 4, big-endian files and
 * training checkpoints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from './index.js';
import { loadPytorch, loadPytorchWithMetadata } from './pytorch.js';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'pt');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, name));
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  dtypes: Record<string, { shape: number[]; values: (number | string | boolean)[] }>;
  views: Record<string, { shape: number[]; values: (number | string)[] }>;
  big_endian: Record<string, number[]>;
  parameters: Record<string, number[]>;
  lenet: { keys: string[]; metadata: Record<string, unknown>; input_shape: number[]; input: number[]; output: number[]; state: Record<string, number[]> };
};

/** JSON's stand-ins for what it cannot hold ("nan", "inf", "-inf"), and booleans as our bool's 0/1. */
function numbers(values: (number | string | boolean)[]): number[] {
  return values.map((v) => (typeof v === 'boolean' ? Number(v) : typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
}

function expectValues(t: Tensor, want: (number | string | boolean)[]): void {
  expect(Array.from(t.dataSync())).toEqual(numbers(want));
}

describe('loadPytorch', () => {
  it('reads each storage type as float32, int32 or bool, with torch values', () => {
    const dict = loadPytorch(fixture('dtypes.pt'));
    expect(Object.keys(dict)).toEqual(Object.keys(expected.dtypes));
    expect(Object.getPrototypeOf(dict)).toBe(null);
    const dtypes = Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, t.dtype]));
    expect(dtypes).toEqual({
      f32: 'float32', f16: 'float32', bf16: 'float32', f64: 'float32',
      i64: 'int32', i32: 'int32', i16: 'int32', i8: 'int32', u8: 'int32', bool: 'bool', scalar: 'int32', empty: 'float32',
    });
    for (const [key, { shape, values }] of Object.entries(expected.dtypes)) {
      expect([key, dict[key].shape]).toEqual([key, shape]);
      expectValues(dict[key], values);
    }
    expect(Object.is(dict.f16.dataSync()[5], -0)).toBe(true); // the sign of zero survives
    dispose(Object.values(dict));
  });

  it('reads shared storages and views: offsets, strides, transposes, stride 0, a slice of a larger storage', () => {
    const dict = loadPytorch(fixture('views.pt'));
    expect(Object.keys(dict)).toEqual(Object.keys(expected.views));
    for (const [key, { shape, values }] of Object.entries(expected.views)) {
      expect([key, dict[key].shape]).toEqual([key, shape]);
      expectValues(dict[key], values);
    }
    // Two keys for one tensor are two independent tensors with its values.
    expect(dict['tied.weight']).not.toBe(dict['tied_copy.weight']);
    expect(dict['tied.weight'].dataSync()).toEqual(dict['tied_copy.weight'].dataSync());
    dispose(Object.values(dict));
  });

  it('loads a torch LeNet state dict into the same @nn model, which then gives torch output', () => {
    const model = new Sequential(
      new Conv2d(1, 4, 5, { padding: 2 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
      new Conv2d(4, 8, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
      new Linear(200, 32), new ReLU(), new Linear(32, 10),
    );
    const { stateDict, metadata } = loadPytorchWithMetadata(fixture('lenet.pt'), { source: 'lenet.pt' });
    expect(Object.keys(stateDict)).toEqual(expected.lenet.keys);
    expect(metadata).toEqual(expected.lenet.metadata);
    // num_batches_tracked is int64 in the file: int32 here, as our BatchNorm keeps it.
    expect(stateDict['1.num_batches_tracked'].dtype).toBe('int32');
    expect(model.loadStateDict(stateDict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    dispose(Object.values(stateDict));
    const state = model.stateDict();
    for (const [key, values] of Object.entries(expected.lenet.state)) expectValues(state[key], values);
    expect(state['1.num_batches_tracked'].item()).toBe(7);

    model.eval();
    const x = tensor(expected.lenet.input, expected.lenet.input_shape);
    const y = model.forward(x).dataSync();
    const want = expected.lenet.output;
    for (let i = 0; i < want.length; i++) expect(Math.abs(y[i] - want[i])).toBeLessThan(1e-5 * (1 + Math.abs(want[i])));
  });

  it('reads protocol 4 pickles (STACK_GLOBAL, MEMOIZE, FRAME) as protocol 2 ones', () => {
    const p2 = loadPytorch(fixture('lenet.pt'));
    const p4 = loadPytorch(fixture('lenet_p4.pt'));
    expect(Object.keys(p4)).toEqual(Object.keys(p2));
    for (const key of Object.keys(p2)) expect([key, p4[key].dataSync()]).toEqual([key, p2[key].dataSync()]);
    dispose([...Object.values(p2), ...Object.values(p4)]);
  });

  it('reads nn.Parameters as their tensors', () => {
    const dict = loadPytorch(fixture('parameters.pt'));
    expect(Object.keys(dict)).toEqual(['w', 'frozen']);
    for (const [key, values] of Object.entries(expected.parameters)) expectValues(dict[key], values);
    dispose(Object.values(dict));
  });

  it('reads a big-endian file by its byteorder record', () => {
    const dict = loadPytorch(fixture('big_endian.pt'));
    for (const [key, values] of Object.entries(expected.big_endian)) expectValues(dict[key], values);
    dispose(Object.values(dict));
  });

  it('takes a training checkpoint\'s state dict by its key, and says so when none is given', () => {
    expect(() => loadPytorch(fixture('checkpoint.pt'), { source: 'ckpt.pt' })).toThrow(
      'pytorch: ckpt.pt: entry "model" is an OrderedDict, not a tensor (a nested dict: pass { key: "model" } to load it)',
    );
    const dict = loadPytorch(fixture('checkpoint.pt'), { key: 'model' });
    expect(Object.keys(dict)).toEqual(expected.lenet.keys);
    dispose(Object.values(dict));
    expect(() => loadPytorch(fixture('checkpoint.pt'), { key: 'epoch' })).toThrow(
      'pytorch: entry "epoch" is 3, not a dict (top-level keys: "model", "epoch", "optimizer")',
    );
  });
});
