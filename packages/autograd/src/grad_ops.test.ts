// The gradient ops @nn/tensor exposes for this package (ops/grad_ops.ts): values and errors.
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, indexAdd, tensor, zeros, ones } from '@nn/tensor';

const attrs = { stride: [1, 1] as [number, number], padding: [0, 0, 0, 0] as [number, number, number, number], dilation: [1, 1] as [number, number], groups: 1 };

describe('conv2dBackpropInput / conv2dBackpropFilter', () => {
  it('are the adjoints of conv2d: <conv(x, w), dy> = <x, dX(dy, w)> = <w, dW(x, dy)>', () => {
    const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
    const w = tensor([[[[1, -1], [2, 0.5]]]]);
    const dy = tensor([[[[0.5, -2], [1, 3]]]]);
    const lhs = conv2d(x, w).mul(dy).sum().item();
    expect(conv2dBackpropInput(dy, w, [1, 1, 3, 3], attrs).mul(x).sum().item()).toBeCloseTo(lhs, 4);
    expect(conv2dBackpropFilter(x, dy, [1, 1, 2, 2], attrs).mul(w).sum().item()).toBeCloseTo(lhs, 4);
  });

  it('name the op and the shapes when they do not fit', () => {
    expect(() => conv2dBackpropInput(zeros([1, 1, 3, 3]), zeros([1, 1, 2, 2]), [1, 1, 3, 3], attrs)).toThrow(
      /conv2dBackpropInput: dy must have the conv2d output shape \[1,1,2,2\]: input \[1,1,3,3\], weight \[1,1,2,2\], dy \[1,1,3,3\]/,
    );
    expect(() => conv2dBackpropInput(zeros([1, 1, 2, 2]), zeros([1, 2, 2, 2]), [1, 1, 3, 3], attrs)).toThrow(
      /conv2dBackpropInput: input has 1 channels but weight expects 2 \(groups=1\)/,
    );
    expect(() => conv2dBackpropInput(zeros([2, 2]), zeros([1, 1, 2, 2]), [1, 1, 3, 3], attrs)).toThrow(/conv2dBackpropInput: 'dy' must have rank 4, got shape \[2,2\]/);
    expect(() => conv2dBackpropFilter(zeros([1, 1, 3, 3], { dtype: 'int32' }), zeros([1, 1, 2, 2]), [1, 1, 2, 2], attrs)).toThrow(
      /conv2dBackpropFilter: argument 'x' has dtype int32, expected float32/,
    );
    expect(() => conv2dBackpropFilter(zeros([1, 1, 3, 3]), zeros([1, 1, 2, 2]), [1, 1, 2] as unknown as [number, number, number, number], attrs)).toThrow(/conv2dBackpropFilter: 'filterShape' must have rank 4/);
  });
});

describe('indexAdd', () => {
  it('adds slices of dy into zeros at the given positions, repeats accumulating', () => {
    const out = indexAdd(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0, 2], undefined, 'int32'), 0, 4);
    expect(out.toArray()).toEqual([[3, 4], [0, 0], [6, 8], [0, 0]]);
    expect(indexAdd(ones([2, 3]), [0, 0, 1], 1, 2).toArray()).toEqual([[2, 1], [2, 1]]);
  });

  it('checks indices, axis and size', () => {
    expect(() => indexAdd(ones([3, 2]), [0, 1], 0, 4)).toThrow(/indexAdd: indices \[2\] must be 1-D with dy's length 3 along axis 0/);
    expect(() => indexAdd(ones([3, 2]), [0, 1, 4], 0, 4)).toThrow(/indexAdd: index 4 is out of range for an output of size 4 along axis 0/);
    expect(() => indexAdd(ones([3, 2]), [0, 1, 2], 2, 4)).toThrow(/indexAdd: axis 2 is out of range for a tensor of rank 2/);
    expect(() => indexAdd(ones([3, 2]), [0, 1, 2], 0, -1)).toThrow(/indexAdd: size must be a non-negative integer, got -1/);
    expect(() => indexAdd(ones([3, 2]), tensor([0, 1, 2]), 0, 4)).toThrow(/indexAdd: argument 'indices' has dtype float32, expected int32 indices/);
  });
});
