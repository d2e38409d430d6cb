/**
 * Shape and indexing ops on any backend: reshape, flatten, squeeze/unsqueeze, transpose,
 * permute, expand, slice/narrow/select, concat/stack, split/chunk, pad, gather, indexSelect,
 * oneHot and scatterAdd. Values known by hand (PyTorch's results), round trips on random
 * shapes, the adjoint identity of the gradient kernels (SliceGrad, IndexAdd, ScatterAdd),
 * memory hygiene, and the error for each kind of bad argument.
 */
import {
  broadcastTo,
  cat,
  chunk,
  concat,
  expand,
  flatten,
  gather,
  gatherGrad,
  getGenerator,
  indexAdd,
  indexSelect,
  manualSeed,
  memory,
  mul,
  narrow,
  oneHot,
  pad,
  permute,
  randn,
  reshape,
  scatterAdd,
  select,
  slice,
  sliceGrad,
  split,
  squeeze,
  stack,
  sum,
  t,
  tensor,
  tidy,
  transpose,
  unsqueeze,
  engine,
  type SliceAttrs,
  type Tensor,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const int = (low: number, high: number): number => getGenerator().nextInt(low, high + 1);
const dot = (a: Tensor, b: Tensor): number => sum(mul(a, b)).item();
const arange = (n: number, shape: number[]): Tensor => tensor(Array.from({ length: n }, (_, i) => i), shape);
const zerosOf = (shape: number[]): Tensor => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
const values = (x: Tensor): number[] => Array.from(x.dataSync());

export function defineShapeSuite(backend: string): void {
  describe(`shape ops (${backend})`, () => {
    it('reshape, flatten, squeeze and unsqueeze change the shape, not the values', () => {
      const x = arange(24, [2, 3, 4]);
      expect(reshape(x, [4, -1]).shape).toEqual([4, 6]);
      expect(x.view([-1]).toArray()).toEqual(Array.from({ length: 24 }, (_, i) => i));
      expect(flatten(x).shape).toEqual([24]);
      expect(flatten(x, 1).shape).toEqual([2, 12]);
      expect(x.flatten(0, -2).shape).toEqual([6, 4]);
      expect(flatten(tensor(3)).shape).toEqual([1]);
      const y = zerosOf([1, 3, 1, 2]);
      expect(squeeze(y).shape).toEqual([3, 2]);
      expect(squeeze(y, 2).shape).toEqual([1, 3, 2]);
      expect(squeeze(y, [0, 1]).shape).toEqual([3, 1, 2]);
      expect(unsqueeze(tensor([1, 2]), 0).toArray()).toEqual([[1, 2]]);
      expect(unsqueeze(tensor([1, 2]), -1).toArray()).toEqual([[1], [2]]);
      expect(tensor(5).unsqueeze(0).shape).toEqual([1]);
    });

    it('transpose, permute and t move axes as PyTorch', () => {
      const x = arange(6, [2, 3]);
      expect(transpose(x, 0, 1).toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
      expect(t(x).toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
      expect(x.t().t().toArray()).toEqual(x.toArray());
      expect(t(tensor([1, 2])).toArray()).toEqual([1, 2]);
      const cube = arange(24, [2, 3, 4]);
      expect(cube.permute(2, 0, 1).shape).toEqual([4, 2, 3]);
      expect(cube.permute([2, 0, 1]).toArray()).toEqual(permute(cube, [-1, 0, 1]).toArray());
      expect(values(permute(cube, [1, 0, 2])).slice(0, 8)).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
      expect(transpose(tensor([[true, false]]), 0, 1).toArray()).toEqual([[true], [false]]);
    });

    it('round-trips permute/inverse and reshape/back on random shapes', () => {
      manualSeed(17);
      for (let trial = 0; trial < 40; trial++) {
        tidy(() => {
          const shape = Array.from({ length: int(0, 5) }, () => int(1, 4));
          const x = randn(shape);
          const perm = shape.map((_, i) => i).sort(() => getGenerator().nextFloat() - 0.5);
          const inverse = perm.map((_, i) => perm.indexOf(i));
          expect(values(permute(permute(x, perm), inverse))).toEqual(values(x));
          const flat = reshape(x, [-1]);
          expect(reshape(flat, shape).shape).toEqual(shape);
          expect(values(reshape(flat, shape))).toEqual(values(x));
          // A permute then reshape agrees with reading the permuted values flat.
          expect(values(reshape(permute(x, perm), [-1]))).toEqual(values(permute(x, perm)));
        });
      }
    });

    it('expand and broadcastTo repeat size-1 axes; -1 keeps a size', () => {
      const col = tensor([[1], [2]]);
      expect(expand(col, [2, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
      expect(col.expand(3, -1, 2).shape).toEqual([3, 2, 2]);
      expect(broadcastTo(tensor([1, 2]), [2, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
      expect(tensor(4).expandAs(col).toArray()).toEqual([[4], [4]]);
    });

    it('slice follows Python slicing: negative indices, clamping, steps, open ends', () => {
      const x = arange(10, [10]);
      expect(slice(x, [2], [5]).toArray()).toEqual([2, 3, 4]);
      expect(slice(x, [-3]).toArray()).toEqual([7, 8, 9]);
      expect(slice(x, [1], [-1], [3]).toArray()).toEqual([1, 4, 7]);
      expect(slice(x, [-100], [100], [4]).toArray()).toEqual([0, 4, 8]);
      expect(slice(x, [6], [2]).shape).toEqual([0]);
      const m = arange(12, [3, 4]);
      expect(m.slice([0, 1], [null, 4], [2, 2]).toArray()).toEqual([[1, 3], [9, 11]]);
      expect(narrow(m, 1, -2, 2).toArray()).toEqual([[2, 3], [6, 7], [10, 11]]);
      expect(select(m, 0, -1).toArray()).toEqual([8, 9, 10, 11]);
      expect(m.select(1, 2).toArray()).toEqual([2, 6, 10]);
    });

    it('concat (cat) joins along an axis and stack along a new one, promoting dtypes', () => {
      const a = tensor([[1, 2]]);
      const b = tensor([[3, 4], [5, 6]]);
      expect(concat([a, b]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
      expect(cat([b, b], -1).toArray()).toEqual([[3, 4, 3, 4], [5, 6, 5, 6]]);
      expect(a.concat(b).shape).toEqual([3, 2]);
      expect(concat([tensor([1], undefined, 'int32'), tensor([true])]).dtype).toBe('int32');
      expect(concat([zerosOf([0, 2]), a]).toArray()).toEqual([[1, 2]]);
      expect(stack([tensor([1, 2]), tensor([3, 4])]).toArray()).toEqual([[1, 2], [3, 4]]);
      expect(stack([tensor([1, 2]), tensor([3, 4])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
      expect(a.stack([a, a], 1).shape).toEqual([1, 3, 2]);
    });

    it('split and chunk cut as torch.split and torch.chunk', () => {
      const x = arange(7, [7]);
      expect(split(x, 3).map((p) => p.toArray())).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
      expect(split(x, [2, 0, 5]).map((p) => p.shape[0])).toEqual([2, 0, 5]);
      expect(chunk(x, 3).map((p) => p.shape[0])).toEqual([3, 3, 1]);
      expect(chunk(arange(6, [6]), 4).map((p) => p.shape[0])).toEqual([2, 2, 2]);
      expect(arange(6, [2, 3]).split(1, 1).map((p) => p.toArray())).toEqual([[[0], [3]], [[1], [4]], [[2], [5]]]);
      expect(chunk(zerosOf([0]), 2).length).toBe(2);
    });

    it('pad takes F.pad pairs from the last dimension; constant, cropping and reflect', () => {
      const x = arange(6, [2, 3]);
      expect(pad(x, [1, 1]).toArray()).toEqual([[0, 0, 1, 2, 0], [0, 3, 4, 5, 0]]);
      expect(pad(x, [0, 0, 1, 0], { mode: 'constant', value: -1 }).toArray()).toEqual([[-1, -1, -1], [0, 1, 2], [3, 4, 5]]);
      expect(pad(x, [-1, 0]).toArray()).toEqual([[1, 2], [4, 5]]);
      expect(pad(x, [2, 1], { mode: 'reflect' }).toArray()).toEqual([[2, 1, 0, 1, 2, 1], [5, 4, 3, 4, 5, 4]]);
      expect(x.pad([1, 1, 1, 1], { mode: 'reflect' }).toArray()).toEqual([
        [4, 3, 4, 5, 4],
        [1, 0, 1, 2, 1],
        [4, 3, 4, 5, 4],
        [1, 0, 1, 2, 1],
      ]);
    });

    it('gather, indexSelect, oneHot and scatterAdd index as PyTorch', () => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      expect(gather(x, 1, tensor([[2, 0], [1, 1]], undefined, 'int32')).toArray()).toEqual([[3, 1], [5, 5]]);
      expect(x.gather(0, [[1, 0, 1]]).toArray()).toEqual([[4, 2, 6]]);
      expect(indexSelect(x, 1, [2, 2, 0]).toArray()).toEqual([[3, 3, 1], [6, 6, 4]]);
      expect(x.indexSelect(0, tensor(1, [], 'int32')).toArray()).toEqual([[4, 5, 6]]);
      const hot = oneHot([2, 0]);
      expect(hot.dtype).toBe('int32');
      expect(hot.toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
      expect(oneHot(tensor([[1]], undefined, 'int32'), 4).toArray()).toEqual([[[0, 1, 0, 0]]]);
      expect(scatterAdd(tensor([0, 0, 0]), 0, [2, 2, 0], tensor([1, 2, 3])).toArray()).toEqual([3, 0, 3]);
    });

    it('gradient kernels are the adjoints of slice, indexSelect and gather: <op(x), dy> = <x, grad(dy)>', () => {
      manualSeed(23);
      for (let trial = 0; trial < 20; trial++) {
        tidy(() => {
          const shape = Array.from({ length: int(1, 3) }, () => int(1, 5));
          const x = randn(shape);
          const axis = int(0, shape.length - 1);
          // slice / SliceGrad, with the attrs the kernel ran with (what autograd sees).
          let attrs: SliceAttrs | undefined;
          const stop = engine().onKernelRun((run) => {
            if (run.kernelName === 'Slice') attrs = run.attrs as unknown as SliceAttrs;
          });
          const begin = shape.map((d) => int(-d, d - 1));
          const y = slice(x, begin, undefined, shape.map(() => int(1, 2)));
          stop();
          const dy = randn(y.shape);
          expect(dot(y, dy)).toBeCloseTo(dot(x, sliceGrad(dy, shape, attrs!)), 4);
          // indexSelect / IndexAdd, with repeats.
          const idx = Array.from({ length: int(1, 4) }, () => int(0, shape[axis] - 1));
          const picked = indexSelect(x, axis, idx);
          const dp = randn(picked.shape);
          expect(dot(picked, dp)).toBeCloseTo(dot(x, indexAdd(dp, tensor(idx, undefined, 'int32'), axis, shape[axis])), 4);
          // gather / ScatterAdd.
          const indexShape = shape.map((d, i) => (i === axis ? int(1, 4) : int(1, d)));
          const index = tensor(Array.from({ length: indexShape.reduce((a, b) => a * b, 1) }, () => int(0, shape[axis] - 1)), indexShape, 'int32');
          const g = gather(x, axis, index);
          const dg = randn(indexShape);
          expect(dot(g, dg)).toBeCloseTo(dot(x, gatherGrad(dg, axis, index, shape)), 4);
        });
      }
    });

    it('free their intermediates', () => {
      const x = randn([3, 4]);
      const cases: (() => Tensor)[] = [
        () => stack([x, x], 1),
        () => select(x, 1, 2),
        () => concat([x, [[1, 2, 3, 4]]]),
        () => indexSelect(x, 0, [0, 2]),
        () => gather(x, 1, [[0], [1], [3]]),
        () => oneHot([1, 2, 3]),
        () => scatterAdd(x, 0, [[0, 1, 2, 0]], x),
      ];
      for (const run of cases) {
        const before = memory().numTensors;
        const y = run();
        expect(memory().numTensors).toBe(before + 1);
        y.dispose();
      }
    });

    it('reject bad shapes, axes, indices and dtypes with messages naming the op and the shapes', () => {
      const x = arange(24, [2, 3, 4]);
      expect(() => reshape(x, [5, -1])).toThrow(/reshape: cannot reshape \[2,3,4\] \(24 elements\) into \[5,-1\]/);
      expect(() => reshape(x, [-1, -1])).toThrow(/reshape: only one dimension can be -1/);
      expect(() => flatten(x, 2, 1)).toThrow(/flatten: startDim 2 comes after endDim 1/);
      expect(() => squeeze(x, 3)).toThrow(/squeeze: axis 3 is out of range for a tensor of rank 3/);
      expect(() => unsqueeze(x, 4)).toThrow(/unsqueeze: axis 4 is out of range for a tensor of rank 4/);
      expect(() => transpose(x, 0, 3)).toThrow(/transpose: axis 3 is out of range for a tensor of rank 3/);
      expect(() => permute(x, [0, 1])).toThrow(/permute: dims \[0,1\] must list all 3 axes of a tensor of shape \[2,3,4\]/);
      expect(() => permute(x, [0, 1, 1])).toThrow(/permute: dims \[0,1,1\] repeat an axis/);
      expect(() => t(x)).toThrow(/t: expects a tensor of rank at most 2, got shape \[2,3,4\]/);
      expect(() => expand(x, [2, 5, 4])).toThrow(/^expand: dimension 1 has size 3, which can only expand from 1, not to 5: \[2,3,4\] → \[2,5,4\]$/);
      expect(() => expand(x, [3, 4])).toThrow(/expand: the target shape \[3,4\] has fewer dimensions than the input \[2,3,4\]/);
      expect(() => broadcastTo(x, [-1, 2, 3, 4])).toThrow(/broadcastTo: -1 is not allowed for the new leading dimension 0/);
      expect(() => slice(x, [0], [1], [0])).toThrow(/slice: step must be a positive integer, got 0 for axis 0/);
      expect(() => slice(x, [0, 0, 0, 0])).toThrow(/slice: begin has 4 entries but the tensor has rank 3/);
      expect(() => slice(x, [0.5])).toThrow(/slice: begin must hold integers, got 0.5/);
      expect(() => narrow(x, 2, 1, 4)).toThrow(/narrow: start 1 \+ length 4 exceeds size 4 of axis 2 \(shape \[2,3,4\]\)/);
      expect(() => narrow(x, 1, 5, 0)).toThrow(/narrow: start 5 is out of range \[-3, 3\] for axis 1/);
      expect(() => select(x, 0, 2)).toThrow(/select: index 2 is out of range for axis 0 of size 2/);
      expect(() => concat([x, arange(30, [2, 3, 5]), x], 1)).toThrow(/^concat: tensors 0 and 1 differ in dimension 2: \[2,3,4\] vs \[2,3,5\]$/);
      expect(() => concat([x, arange(6, [2, 3])])).toThrow(/concat: tensors 0 and 1 differ in rank: \[2,3,4\] vs \[2,3\]/);
      expect(() => concat([])).toThrow(/concat: expected a non-empty list of tensors/);
      expect(() => concat([tensor(1), tensor(2)])).toThrow(/concat: zero-dimensional tensor/);
      expect(() => concat([x], 3)).toThrow(/concat: axis 3 is out of range for a tensor of rank 3/);
      expect(() => stack([x, arange(24, [2, 4, 3])])).toThrow(/stack: tensors 0 and 1 differ in shape: \[2,3,4\] vs \[2,4,3\]/);
      expect(() => split(x, [1, 1], 1)).toThrow(/split: sizes \[1,1\] add up to 2 but axis 1 of \[2,3,4\] has size 3/);
      expect(() => split(x, 0)).toThrow(/split: split size must be a positive integer, got 0/);
      expect(() => chunk(x, 0)).toThrow(/chunk: chunks must be a positive integer, got 0/);
      expect(() => pad(x, [1])).toThrow(/pad: pads must hold \(before, after\) pairs, got 1 values/);
      expect(() => pad(x, [0, 0, 0, 0, 0, 0, 0, 0])).toThrow(/pad: pads \[0,0,0,0,0,0,0,0\] cover 4 dimensions but the input \[2,3,4\] has 3/);
      expect(() => pad(x, [4, 0], { mode: 'reflect' })).toThrow(/pad: reflect padding \(4, 0\) of axis 2 must be less than its size 4 \(input \[2,3,4\]\)/);
      expect(() => pad(x, [0, 0, -2, -2])).toThrow(/pad: padding \(-2, -2\) of axis 1 of size 3 gives a negative size/);
      expect(() => pad(x, [1, 1], { mode: 'edge' as 'reflect' })).toThrow(/pad: mode must be 'constant' or 'reflect', got 'edge'/);
      const m = arange(10, [2, 5]);
      expect(() => gather(m, 1, [[7], [0]])).toThrow(/^gather: index 7 is out of range for axis 1 of size 5$/);
      expect(() => gather(m, 1, [[-1], [0]])).toThrow(/gather: index -1 is out of range for axis 1 of size 5/);
      expect(() => gather(m, 1, [0, 1])).toThrow(/gather: index \[2\] must have the same rank as x \[2,5\]/);
      expect(() => gather(m, 1, [[0], [1], [2]])).toThrow(/gather: index \[3,1\] is larger than x \[2,5\] in dimension 0/);
      expect(() => gather(m, 1, tensor([[1], [0]]))).toThrow(/gather: argument 'index' has dtype float32, expected int32 indices/);
      expect(() => gather(m, 1, [[1.5], [0]])).toThrow(/gather: argument 'index' must hold integers, got 1.5/);
      expect(() => gather(m, 2, [[0], [0]])).toThrow(/gather: axis 2 is out of range for a tensor of rank 2/);
      expect(() => indexSelect(m, 0, [0, 2])).toThrow(/indexSelect: index 2 is out of range for axis 0 of size 2/);
      expect(() => indexSelect(m, 1, [[0]])).toThrow(/indexSelect: indices must be 0-d or 1-d, got shape \[1,1\]/);
      expect(() => oneHot([0, 3], 3)).toThrow(/oneHot: index 3 is out of range for numClasses 3/);
      expect(() => oneHot([-1, 0])).toThrow(/oneHot: index -1 is out of range/);
      expect(() => oneHot(tensor([1, 2]))).toThrow(/oneHot: argument 'indices' has dtype float32, expected int32 indices/);
      expect(() => oneHot([], -1)).toThrow(/oneHot: cannot infer numClasses from empty indices/);
      expect(() => scatterAdd(m, 1, [[9]], m)).toThrow(/scatterAdd: index 9 is out of range for axis 1 of size 5/);
    });
  });
}
