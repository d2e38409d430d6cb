// Sizes a tensor cannot have: every op that makes a tensor checks its element count before
// anything is allocated and names itself and the shape (not a RangeError, not a 16 GB fill).
import { beforeAll, describe, expect, it } from 'vitest';
import { engine, setBackend } from './engine.js';
import { KernelName } from './kernel_names.js';
import * as nn from './index.js';
import { StoreBackend } from './test-utils/store_backend.js';

const tooMany = (op: string, what: string, shape: string, count: string): RegExp =>
  new RegExp(`^${op}: ${what} \\[${shape}\\] has ${count} elements, more than the 2147483647 a tensor can hold$`);

beforeAll(async () => {
  // The checks run before any kernel: storage is all these tests need.
  engine().registerBackend('sizes-store', () => new StoreBackend('sizes-store'));
  await setBackend('sizes-store');
});

describe('oversized tensors', () => {
  it('creation ops refuse more than 2^31 - 1 elements, naming the op and the shape', () => {
    expect(() => nn.zeros([1e12])).toThrow(tooMany('zeros', 'shape', '1000000000000', '1e12'));
    expect(() => nn.ones([65536, 65536])).toThrow(tooMany('ones', 'shape', '65536,65536', '4294967296'));
    expect(() => nn.full([3e9], 1)).toThrow(tooMany('full', 'shape', '3000000000', '3e9'));
    expect(() => nn.rand([1e6, 1e6])).toThrow(/^rand: shape \[1000000,1000000\] has 1e12 elements/);
    expect(() => nn.randn([1e6, 1e6])).toThrow(/^randn: /);
    expect(() => nn.randint(0, 5, [1e6, 1e6])).toThrow(/^randint: /);
    expect(() => nn.eye(1e6)).toThrow(/^eye: shape \[1000000,1000000\] has 1e12 elements/);
    expect(() => nn.arange(0, 1e12)).toThrow(/^arange: shape \[1000000000000\] has 1e12 elements/);
    expect(() => nn.linspace(0, 1, 3e9)).toThrow(/^linspace: /);
    expect(() => nn.tensor([1], [1e6, 1e6])).toThrow(/^tensor: shape \[1000000,1000000\] has 1e12 elements/);
  });

  it('2^31 - 1 elements is the limit, and empty tensors of huge extent are fine', () => {
    expect(() => nn.zeros([2 ** 31])).toThrow(/2147483648 elements/);
    expect(nn.zeros([0, 1e12]).shape).toEqual([0, 1e12]);
  });

  it('ops whose options grow the output check it before the kernel runs', () => {
    const image = nn.zeros([1, 1, 3, 3]);
    const kernel = nn.zeros([1, 1, 3, 3]);
    expect(() => nn.conv2d(image, kernel, null, { padding: 1e5 })).toThrow(tooMany('conv2d', 'output shape \\(per sample\\)', '1,200001,200001', '40000400001'));
    expect(() => nn.convTranspose2d(image, kernel, null, { stride: 1e5 })).toThrow(/^convTranspose2d: output shape \[1,1,200003,200003\] has 40001200009 elements/);
    expect(() => nn.upsample(nn.zeros([1, 1, 4, 4]), { scaleFactor: 1e6 })).toThrow(tooMany('upsample', 'output shape', '1,1,4000000,4000000', '1.6e13'));
    expect(() => nn.upsample(image, { size: [1e5, 1e5] })).toThrow(/^upsample: output shape \[1,1,100000,100000\] has 1e10 elements/);
    expect(() => nn.adaptiveAvgPool2d(image, [1e5, 1e5])).toThrow(/^adaptiveAvgPool2d: output shape \[1,1,100000,100000\] has 1e10 elements/);
    expect(() => nn.pad(nn.zeros([2, 2]), [1e9, 1e9])).toThrow(tooMany('pad', 'padded shape', '2,2000000002', '4000000004'));
    expect(() => nn.oneHot(nn.tensor([0, 1], undefined, 'int32'), 2e9)).toThrow(/^oneHot: output shape \[2,2000000000\] has 4e9 elements/);
  });

  it('broadcasting, expand and matmul check the shape they would make', () => {
    const column = nn.zeros([1e6, 1]);
    const row = nn.zeros([1, 1e6]);
    expect(() => nn.add(column, row)).toThrow(tooMany('add', 'result shape', '1000000,1000000', '1e12'));
    expect(() => nn.mul(column, row)).toThrow(/^mul: result shape/);
    expect(() => nn.where(nn.zeros([1e6, 1], { dtype: 'bool' }), column, row)).toThrow(/^where: .*1e12 elements/);
    expect(() => nn.expand(nn.zeros([1]), [1e6, 1e6])).toThrow(tooMany('expand', 'shape', '1000000,1000000', '1e12'));
    expect(() => nn.broadcastTo(nn.zeros([1]), [1e6, 1e6])).toThrow(/^broadcastTo: shape/);
    expect(() => nn.matmul(column, row)).toThrow(tooMany('matmul', 'output shape', '1000000,1000000', '1e12'));
    expect(() => nn.reshape(nn.zeros([4]), [1e12])).toThrow(/^reshape: /);
  });

  it('a kernel that still fails to allocate is named with its input shapes', () => {
    const backend = engine().findBackend('sizes-store') as StoreBackend;
    backend.kernels.set(KernelName.Exp, () => {
      throw new RangeError('Array buffer allocation failed');
    });
    expect(() => nn.exp(nn.zeros([2, 3]))).toThrow("Exp: backend 'sizes-store' failed for inputs x [2,3]: Array buffer allocation failed");
  });
});
