// Class-index losses (and oneHot under them) check index values on the host; they must
// still run on a backend that cannot read a computed buffer synchronously (WebGPU).
// Emulated by a CPU backend whose kernel outputs refuse readSync, as WebGPU's do, while
// host-written tensors stay readable.
import { CpuBackend } from '@nn/backend-cpu';
import { cast, engine, mul, oneHot, randn, registerBackend, setBackend, tensor, type DataId, type DType, type Shape, type TensorInfo, type TypedArray } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as F from './functional.js';

class NoSyncReadbackBackend extends CpuBackend {
  private readonly computed = new WeakSet<DataId>();
  override output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    const info = super.output(values, shape, dtype);
    this.computed.add(info.dataId);
    return info;
  }
  canReadSync(dataId: DataId): boolean {
    return !this.computed.has(dataId);
  }
  override readSync(dataId: DataId): TypedArray {
    if (!this.canReadSync(dataId)) throw new Error('no synchronous readback of a computed buffer');
    return super.readSync(dataId);
  }
  override read(dataId: DataId): Promise<TypedArray> {
    return Promise.resolve(super.readSync(dataId));
  }
}

describe('index checks on a backend without synchronous readback', () => {
  beforeAll(async () => {
    registerBackend('cpu-no-sync-readback', () => new NoSyncReadbackBackend(), 0);
    await setBackend('cpu-no-sync-readback');
  });
  afterAll(async () => {
    await setBackend('cpu');
  });

  it('reports which tensors can be read synchronously', () => {
    const host = tensor([0, 2, 1], undefined, 'int32');
    const computed = mul(host, 1);
    expect(engine().canReadSync(host)).toBe(true);
    expect(engine().canReadSync(computed)).toBe(false);
    expect(() => computed.dataSync()).toThrow(/no synchronous readback/);
  });

  it('oneHot of computed indices runs without reading them back', async () => {
    const computed = mul(tensor([0, 2, 1], undefined, 'int32'), 1);
    expect(Array.from(await oneHot(computed, 3).data())).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
  });

  it('an unchecked out-of-range index gives an all-zero row, not a write into the next row', async () => {
    const computed = mul(tensor([3, -1, 1], undefined, 'int32'), 1);
    expect(Array.from(await oneHot(computed, 3).data())).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('host-written indices are still range-checked', () => {
    expect(() => oneHot(tensor([0, 3], undefined, 'int32'), 3)).toThrow(/oneHot: index 3 is out of range for numClasses 3/);
  });

  it('numClasses = -1 on computed indices is an error that says to pass numClasses', () => {
    const computed = cast(mul(tensor([0, 2], undefined, 'int32'), 1), 'int32');
    expect(() => oneHot(computed)).toThrow(/oneHot: numClasses = -1 reads the indices.*pass numClasses/);
  });

  it('crossEntropy with a computed target gives the same loss as with a host target', async () => {
    const logits = randn([4, 5]);
    const host = tensor([4, 0, -100, 2], undefined, 'int32');
    const computed = mul(host, 1);
    expect(engine().canReadSync(computed)).toBe(false);
    const expected = await F.crossEntropy(logits, host).data();
    const actual = await F.crossEntropy(logits, computed).data();
    expect(actual[0]).toBeCloseTo(expected[0], 6);
  });

  it('binaryCrossEntropy of a computed input gives the same loss as of a host input', async () => {
    const host = tensor([0.1, 0.7, 0.5, 0.99]);
    const computed = mul(host, 1);
    const target = tensor([0, 1, 1, 0]);
    expect(engine().canReadSync(computed)).toBe(false);
    const expected = await F.binaryCrossEntropy(host, target).data();
    const actual = await F.binaryCrossEntropy(computed, target).data();
    expect(actual[0]).toBeCloseTo(expected[0], 6);
  });
});
