import { describe, expect, it } from 'vitest';
import { engine, tensor, zeros } from '@nn/tensor';
import { CpuBackend } from './backend_cpu.js';
import { BufferPool } from './buffer_pool.js';
import '@nn/backend-cpu';

const cpu = (): CpuBackend => engine().findBackend('cpu') as CpuBackend;

describe('buffer pool', () => {
  it("hands a disposed output's array to the next output of the same length", () => {
    const x = tensor([1, 2, 3, 4]);
    const first = x.add(1);
    const array = cpu().values(first.dataId);
    first.dispose();
    expect(cpu().pooledBytes).toBeGreaterThanOrEqual(16);
    const second = x.mul(2);
    expect(cpu().values(second.dataId)).toBe(array);
    expect(second.toArray()).toEqual([2, 4, 6, 8]);
    x.dispose();
    second.dispose();
  });

  it('zeroes a reused array for kernels that need zeros', () => {
    const x = tensor([5, 6, 7]);
    x.add(1).dispose();
    const z = zeros([3]).add(0);
    expect(z.toArray()).toEqual([0, 0, 0]);
    const { values } = cpu().allocate([3], 'float32');
    expect([...values]).toEqual([0, 0, 0]);
    x.dispose();
    z.dispose();
  });

  it("never pools a user's array or one still held by another tensor", () => {
    const mine = new Float32Array([1, 2, 3]);
    const t = tensor(mine, [3]);
    const view = t.reshape([3, 1]); // shares the buffer
    t.dispose();
    const other = tensor([0, 0, 0]).add(9);
    expect(cpu().values(other.dataId)).not.toBe(cpu().values(view.dataId));
    view.dispose();
    const after = tensor([0, 0, 0]).add(9);
    expect(cpu().values(after.dataId)).not.toBe(mine);
    expect([...mine]).toEqual([1, 2, 3]);
    other.dispose();
    after.dispose();
  });

  it('never pools an allocated array a kernel stored again under a second id', () => {
    const backend = cpu();
    const { info, values } = backend.allocate([2], 'float32');
    const alias = backend.output(values, [2], 'float32');
    backend.dispose(info.dataId);
    expect(backend.allocate([2], 'float32', false).values).not.toBe(values);
    backend.dispose(alias.dataId);
  });

  it('keeps memory() to live buffers, and releasePool() empties the pool', () => {
    const backend = new CpuBackend();
    const { info } = backend.allocate([256], 'float32');
    expect(backend.memory()).toEqual({ numDataIds: 1, numBytes: 1024 });
    expect(backend.pooledBytes).toBe(0);
    backend.dispose(info.dataId);
    expect(backend.memory()).toEqual({ numDataIds: 0, numBytes: 0 });
    expect(backend.pooledBytes).toBe(1024);
    backend.releasePool();
    expect(backend.pooledBytes).toBe(0);
  });

  it('stays within its byte bound', () => {
    const pool = new BufferPool(64);
    pool.release(new Float32Array(10));
    pool.release(new Float32Array(10));
    expect(pool.bytes).toBe(40);
    expect(pool.take(10)?.length).toBe(10);
    expect(pool.take(7)).toBeUndefined();
  });
});
