// Expected strings are what PyTorch prints for the same values (default print options).
import { describe, expect, it } from 'vitest';
import type { DType } from './dtype.js';
import { formatExponential, formatFixed, formatTensor } from './format.js';

function fmt(values: number[], shape: number[], dtype: DType = 'float32'): string {
  const array = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return formatTensor(array, shape, dtype);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('formatTensor, as PyTorch prints', () => {
  it('pads every element to one common width', () => {
    expect(fmt([6, 15], [2, 1])).toBe('tensor([[ 6.],\n        [15.]])');
    expect(fmt([0.1, 10.5], [2])).toBe('tensor([ 0.1000, 10.5000])');
    expect(fmt([-1.5, 2.25], [2])).toBe('tensor([-1.5000,  2.2500])');
  });

  it('prints integer-valued floats with a trailing point', () => {
    expect(fmt([1, 2, 3, 4], [2, 2])).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(fmt([0, 0], [2])).toBe('tensor([0., 0.])');
    expect(fmt([-0], [1])).toBe('tensor([-0.])');
  });

  it('separates the blocks of a 3-d tensor by a blank line', () => {
    expect(fmt(range(8), [2, 2, 2])).toBe('tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])');
  });

  it('switches to scientific notation over a wide range or for tiny values', () => {
    expect(fmt([1e-5, 1], [2])).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(fmt([1, 1e9], [2])).toBe('tensor([1.0000e+00, 1.0000e+09])');
    expect(fmt([0.5, 2000.25], [2])).toBe('tensor([5.0000e-01, 2.0002e+03])');
  });

  it('prints int32 and bool tensors', () => {
    expect(fmt([1, 2, 10, -3], [2, 2], 'int32')).toBe('tensor([[ 1,  2],\n        [10, -3]], dtype=int32)');
    expect(fmt([1, 0, 1], [3], 'bool')).toBe('tensor([ True, False,  True])');
    expect(fmt([1, 1], [2], 'bool')).toBe('tensor([True, True])');
  });

  it('prints 0-d tensors', () => {
    expect(fmt([3.5], [])).toBe('tensor(3.5000)');
    expect(fmt([7], [])).toBe('tensor(7.)');
    expect(fmt([3], [], 'int32')).toBe('tensor(3, dtype=int32)');
    expect(fmt([1], [], 'bool')).toBe('tensor(True)');
  });

  it('prints nan and inf, padded like any other element', () => {
    expect(fmt([1, NaN, Infinity], [3])).toBe('tensor([1., nan, inf])');
    expect(fmt([1.5, NaN, -Infinity], [3])).toBe('tensor([1.5000,    nan,   -inf])');
  });

  it('prints empty tensors with their size', () => {
    expect(fmt([], [0])).toBe('tensor([])');
    expect(fmt([], [0, 3])).toBe('tensor([], size=(0, 3))');
    expect(fmt([], [2, 0], 'int32')).toBe('tensor([], size=(2, 0), dtype=int32)');
  });

  it('wraps long rows at 80 columns', () => {
    expect(fmt(range(20), [20])).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])',
    );
  });

  it('summarises past 1000 elements, choosing the format from the shown items only', () => {
    expect(fmt(range(1001), [1001], 'int32')).toBe('tensor([   0,    1,    2,  ...,  998,  999, 1000], dtype=int32)');
    expect(fmt(range(2000), [2000])).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    );
    const row = '[0., 0., 0.,  ..., 0., 0., 0.]';
    const rows = [row, row, row, '...', row, row, row].join(',\n        ');
    expect(fmt(new Array<number>(100 * 100).fill(0), [100, 100])).toBe(`tensor([${rows}])`);
  });

  it('moves a suffix that does not fit onto its own line', () => {
    const values = range(16).map((i) => i * 100000);
    const text = fmt(values, [16], 'int32');
    expect(text.endsWith('1500000],\n       dtype=int32)')).toBe(true);
    expect(fmt(range(13).map((i) => i * 100000), [13], 'int32').endsWith('1200000], dtype=int32)')).toBe(true);
  });
});

describe('number formatting rounds half to even like Python', () => {
  it('fixed', () => {
    expect(formatFixed(1.03125, 4)).toBe('1.0312');
    expect(formatFixed(1.09375, 4)).toBe('1.0938');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(-0.00001, 4)).toBe('-0.0000');
    expect(formatFixed(Math.fround(0.1), 4)).toBe('0.1000');
  });
  it('exponential', () => {
    expect(formatExponential(1.03125, 4)).toBe('1.0312e+00');
    expect(formatExponential(9.99996e-7, 4)).toBe('1.0000e-06');
    expect(formatExponential(0, 4)).toBe('0.0000e+00');
    expect(formatExponential(-123456, 4)).toBe('-1.2346e+05');
    expect(formatExponential(1e-40, 4)).toBe('1.0000e-40');
    expect(formatExponential(3e38, 4)).toBe('3.0000e+38');
  });
});
