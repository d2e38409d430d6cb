// int32 on the CPU backend, as PyTorch where it is defined (matmul stays an exact integer,
// wrapping modulo 2^32 like PyTorch's int32), an error where PyTorch is undefined or needs
// int64: NaN, ±Infinity and out-of-range values never become a silent 0 or a wrapped number.
import { describe, expect, it } from 'vitest';
import { arange, cast, full, matmul, prod, randint, scalar, sum, tensor } from '@nn/tensor';
import '@nn/backend-cpu';

const int = (values: Parameters<typeof tensor>[0]) => tensor(values, undefined, 'int32');

describe('int32 matmul', () => {
  it('int32 @ int32 is int32 and exact beyond float32 (16777217 stays 16777217)', () => {
    const product = matmul(int([[16777217, 1]]), int([[1], [0]]));
    expect(product.dtype).toBe('int32');
    expect(product.toArray()).toEqual([[16777217]]);
    expect(matmul(int([3, 16777216]), int([1, 1])).toArray()).toBe(16777219);
  });

  it('follows the transposes, 1-D promotion and broadcast batches', () => {
    const a = int([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const b = int([[1, 0], [1, 1]]);
    expect(matmul(a, b).toArray()).toEqual([[[3, 2], [7, 4]], [[11, 6], [15, 8]]]);
    expect(matmul(a, b, { transposeA: true, transposeB: true }).toArray()).toEqual([[[1, 4], [2, 6]], [[5, 12], [6, 14]]]);
    expect(matmul(int([1, 2]), int([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([9, 12, 15]);
  });

  it('wraps modulo 2^32 on overflow, as PyTorch int32 matmul', () => {
    expect(matmul(int([[65536]]), int([[65536]])).toArray()).toEqual([[0]]);
    expect(matmul(int([[2147483647, 1]]), int([[2], [3]])).toArray()).toEqual([[1]]);
  });

  it('an int32 with a float32 operand computes in float32', () => {
    expect(matmul(int([[1, 2]]), tensor([[0.5], [0.25]])).dtype).toBe('float32');
  });
});

describe('int32 sum and prod: exact, or an error instead of a wrap', () => {
  it('sums exactly and refuses a result outside int32, suggesting float32', () => {
    expect(sum(int([2147483647, 1, -1])).toArray()).toBe(2147483647);
    expect(() => sum(int([2147483647, 1]))).toThrow(/^sum: the int32 result 2147483648 \(output 0\) is outside int32's range.*x\.cast\('float32'\)\.sum\(\)/);
    expect(() => sum(int([-2147483648, -1]))).toThrow(/sum: the int32 result -2147483649/);
    expect(sum(int([[16777217, 1], [16777217, 2]]), 0).toArray()).toEqual([33554434, 3]);
  });

  it('stays exact over non-adjacent axes, where the values are moved first', () => {
    const x = int([[[16777217, 1]], [[3, 16777219]]]); // [2, 1, 2]
    expect(sum(x, [0, 2]).toArray()).toEqual([33554440]);
    expect(prod(int([[[46341]], [[-46340]]]), [0, 2]).toArray()).toEqual([-2147441940]);
  });

  it('multiplies exactly, refuses overflow, and a zero factor still gives 0', () => {
    expect(prod(int([-65536, 32768])).toArray()).toBe(-2147483648);
    expect(() => prod(int([65536, 65536]))).toThrow(/^prod: the int32 result 4294967296 .*x\.cast\('float32'\)\.prod\(\)/);
    expect(prod(int([65536, 65536, 0])).toArray()).toBe(0);
    expect(prod(int([...new Array<number>(40).fill(2147483647), 0])).toArray()).toBe(0);
  });

  it('bool sums still count in int32', () => {
    expect(sum(tensor([true, true, false])).toArray()).toBe(2);
  });
});

describe('numbers that have no int32', () => {
  it('tensor() refuses NaN, ±Infinity and out-of-range values, naming the value and its index', () => {
    expect(() => int([1, NaN])).toThrow('tensor: value NaN at flat index 1 has no int32 value; use float32 for it');
    expect(() => int([[Infinity]])).toThrow('tensor: value Infinity at flat index 0 has no int32 value');
    expect(() => int([2147483648])).toThrow('tensor: value 2147483648 at flat index 0 is outside the int32 range [-2147483648, 2147483647]');
    expect(() => tensor(new Float32Array([0, -Infinity]), undefined, 'int32')).toThrow('tensor: value -Infinity at flat index 1 has no int32 value');
  });

  it('keeps the int32 extremes and truncates fractions toward zero, as PyTorch', () => {
    expect(int([2147483647, -2147483648, 1.7, -1.7]).toArray()).toEqual([2147483647, -2147483648, 1, -1]);
  });

  it('scalar, full, arange and randint check their values too', () => {
    expect(() => scalar(NaN, 'int32')).toThrow('scalar: value NaN has no int32 value');
    expect(() => full([2], Infinity, { dtype: 'int32' })).toThrow('full: value Infinity has no int32 value');
    expect(() => arange(2147483640, 2147483650)).toThrow(/^arange: value 2147483649 is outside the int32 range/);
    expect(() => randint(0, 2 ** 32, [2])).toThrow(/^randint: value 4294967295 is outside the int32 range/);
  });

  it('a JS number next to an int32 tensor must fit int32, as in PyTorch', () => {
    expect(() => int([1]).add(2 ** 40)).toThrow("add: value 1099511627776 (argument 'b') is outside the int32 range");
    expect(int([1]).add(2.5).toArray()).toEqual([3.5]);
  });

  it('cast to int32 refuses NaN, ±Infinity and out-of-range floats, naming the index', () => {
    expect(cast(tensor([1.9, -1.9]), 'int32').toArray()).toEqual([1, -1]);
    expect(() => cast(tensor([1.5, NaN]), 'int32')).toThrow('cast: value NaN at flat index 1 has no int32 value');
    expect(() => cast(tensor([3e9]), 'int32')).toThrow(/^cast: value 3000000000 at flat index 0 is outside the int32 range/);
  });

  it('bool is PyTorch\'s != 0: NaN and fractions are true', () => {
    expect(tensor([0.5, NaN, 0], undefined, 'bool').toArray()).toEqual([true, true, false]);
    expect(tensor(new Float32Array([0.25, 256, 0]), undefined, 'bool').toArray()).toEqual([true, true, false]);
  });
});
