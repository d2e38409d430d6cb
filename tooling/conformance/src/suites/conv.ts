/**
 * Convolution semantics on any backend: the argument forms PyTorch accepts (ints or pairs,
 * 'valid' and 'same', unbatched input, bias), a few results small enough to know by hand,
 * conv1d and convTranspose2d, memory hygiene, and the error for each kind of bad argument,
 * which must be thrown before any kernel runs. Random shapes are in properties.ts.
 */
import { conv1d, conv2d, convTranspose2d, engine, manualSeed, memory, ones, rand, randn, reshape, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { ACCUMULATING_TOLERANCE, compareValues } from '../compare.js';
import { conv2dRef, type ConvParams } from '../reference.js';

function expectClose(actual: Tensor, expected: { shape: number[]; data: ArrayLike<number> }): void {
  const result = compareValues('conv', { shape: actual.shape, dtype: actual.dtype, values: actual.dataSync() }, expected, ACCUMULATING_TOLERANCE);
  expect(result.ok, result.ok ? '' : result.message).toBe(true);
}

/** The reference for x and w with explicit [top, bottom, left, right] padding. */
function reference(x: Tensor, w: Tensor, bias: Tensor | null, params: Partial<ConvParams>): { shape: number[]; data: Float64Array } {
  const full: ConvParams = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1, ...params };
  return conv2dRef(x.shape, x.dataSync(), w.shape, w.dataSync(), bias?.dataSync() ?? null, full);
}

/** Runs fn, expecting it to throw `pattern` without running a single kernel. */
function expectRejected(fn: () => unknown, pattern: RegExp): void {
  let kernels = 0;
  const stop = engine().onKernelRun(() => kernels++);
  try {
    expect(fn).toThrow(pattern);
  } finally {
    stop();
  }
  expect(kernels, `a kernel ran before the check that throws ${String(pattern)}`).toBe(0);
}

export function defineConvSuite(backend: string): void {
  describe(`convolution semantics (${backend})`, () => {
    it('computes a 2×2 box sum by hand', () => {
      tidy(() => {
        const y = conv2d(tensor([[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]), ones([1, 1, 2, 2]));
        expect(y.toArray()).toEqual([[[[8, 12], [20, 24]]]]);
      });
    });

    it('accepts ints, pairs, [top, bottom, left, right], valid and same, and adds bias per channel', () => {
      manualSeed(11);
      tidy(() => {
        const x = randn([2, 4, 7, 6]);
        const w = randn([6, 2, 3, 2]);
        const b = randn([6]);
        expectClose(conv2d(x, w, b, { stride: 2, padding: 1, dilation: 1, groups: 2 }), reference(x, w, b, { stride: [2, 2], padding: [1, 1, 1, 1], groups: 2 }));
        expectClose(conv2d(x, w, null, { stride: [1, 2], padding: [2, 0], dilation: [2, 1], groups: 2 }), reference(x, w, null, { stride: [1, 2], padding: [2, 2, 0, 0], dilation: [2, 1], groups: 2 }));
        expectClose(conv2d(x, w, b, { padding: [0, 2, 1, 0], groups: 2 }), reference(x, w, b, { padding: [0, 2, 1, 0], groups: 2 }));
        expectClose(conv2d(x, w, null, { padding: 'valid', groups: 2 }), reference(x, w, null, { groups: 2 }));
        // PyTorch's 'same': total padding dilation*(k-1), the odd unit at the bottom/right.
        const same = conv2d(x, w, b, { padding: 'same', dilation: [2, 3], groups: 2 });
        expect(same.shape).toEqual([2, 6, 7, 6]);
        expectClose(same, reference(x, w, b, { padding: [2, 2, 1, 2], dilation: [2, 3], groups: 2 }));
      });
    });

    it('takes unbatched [C, H, W] input, and is a Tensor method too', () => {
      manualSeed(12);
      tidy(() => {
        const x = randn([3, 5, 5]);
        const w = randn([2, 3, 3, 3]);
        const y = conv2d(x, w, null, { padding: 1 });
        expect(y.shape).toEqual([2, 5, 5]);
        expectClose(y, { shape: [2, 5, 5], data: reference(reshape(x, [1, 3, 5, 5]), w, null, { padding: [1, 1, 1, 1] }).data });
        expect(x.conv2d(w, null, { padding: 1 }).dataSync()).toEqual(y.dataSync());
      });
    });

    it('conv1d slides over the last axis', () => {
      tidy(() => {
        const y = conv1d(tensor([[[1, 2, 3, 4, 5]]]), tensor([[[1, 0, -1]]]), tensor([10]), { padding: 1 });
        expect(y.toArray()).toEqual([[[8, 8, 8, 8, 14]]]);
        expect(conv1d(tensor([[1, 2, 3, 4, 5]]), tensor([[[1, 1]]]), null, { stride: 2 }).toArray()).toEqual([[3, 7]]);
        expect(tensor([[[1, 2, 3, 4, 5]]]).conv1d(tensor([[[1, 1]]]), null, { padding: 'same' }).toArray()).toEqual([[[3, 5, 7, 9, 5]]]);
      });
    });

    it('convTranspose2d scatters each input pixel times the kernel', () => {
      tidy(() => {
        const x = tensor([[[[1, 2], [3, 4]]]]);
        const y = convTranspose2d(x, ones([1, 1, 2, 2]), null, { stride: 2 });
        expect(y.toArray()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
        const overlapping = convTranspose2d(x, ones([1, 2, 2, 2]), tensor([0, 100]), { stride: 1 });
        expect(overlapping.toArray()).toEqual([
          [
            [[1, 3, 2], [4, 10, 6], [3, 7, 4]],
            [[101, 103, 102], [104, 110, 106], [103, 107, 104]],
          ],
        ]);
        // outputPadding grows the bottom/right; padding trims every side.
        expect(convTranspose2d(x, ones([1, 1, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape).toEqual([1, 1, 4, 4]);
        expect(convTranspose2d(tensor([[[1, 2], [3, 4]]]), ones([1, 1, 2, 2]), null, { stride: 2 }).shape).toEqual([1, 4, 4]);
      });
    });

    it('leaves nothing behind but its result, even with bias and unbatched input', () => {
      const x = rand([1, 2, 5, 5]);
      const unbatchedX = rand([2, 5, 5]);
      const w = rand([3, 2, 3, 3]);
      const wt = rand([2, 3, 3, 3]);
      const x1 = rand([1, 2, 25]);
      const w1 = rand([3, 2, 9]);
      const b = rand([3]);
      const before = memory();
      const results = [
        conv2d(x, w, b, { padding: 'same' }),
        conv2d(unbatchedX, w, b),
        convTranspose2d(x, wt, b),
        convTranspose2d(unbatchedX, wt, b),
        conv1d(x1, w1, b),
      ];
      expect(memory().numTensors).toBe(before.numTensors + results.length);
      for (const t of [x, unbatchedX, w, wt, x1, w1, b, ...results]) t.dispose();
    });

    describe('errors name the op and the shapes, before any kernel runs', () => {
      it('conv2d', () => {
        tidy(() => {
          const x = rand([2, 3, 7, 7]);
          const w = rand([8, 3, 3, 3]);
          expectRejected(() => conv2d(x, rand([8, 4, 3, 3])), /^conv2d: input has 3 channels but weight expects 4: input \[2,3,7,7\], weight \[8,4,3,3\]$/);
          expectRejected(() => conv2d(rand([3, 7]), w), /conv2d: input must be 4-D \[N, C, H, W\] or 3-D \[C, H, W\], got shape \[3,7\]/);
          expectRejected(() => conv2d(rand([1, 2, 3, 7, 7]), w), /conv2d: input must be 4-D .*\[1,2,3,7,7\]/);
          expectRejected(() => conv2d(x, rand([8, 3, 3])), /conv2d: weight must be 4-D \[outChannels, inChannels\/groups, kH, kW\], got shape \[8,3,3\]/);
          expectRejected(() => conv2d(tensor([1, 2, 3, 4], [1, 1, 2, 2], 'int32'), rand([1, 1, 1, 1])), /conv2d: argument 'input' has dtype int32, expected float32/);
          expectRejected(() => conv2d(x, tensor(new Array<number>(8 * 27).fill(1), [8, 3, 3, 3], 'int32')), /conv2d: argument 'weight' has dtype int32/);
          expectRejected(() => conv2d(x, rand([8, 1, 3, 3]), null, { groups: 2 }), /conv2d: groups=2 does not divide the 3 input channels: input \[2,3,7,7\], weight \[8,1,3,3\]/);
          expectRejected(() => conv2d(rand([1, 4, 5, 5]), rand([5, 2, 3, 3]), null, { groups: 2 }), /conv2d: groups=2 does not divide the 5 output channels of the weight: input \[1,4,5,5\], weight \[5,2,3,3\]/);
          expectRejected(() => conv2d(rand([1, 4, 5, 5]), rand([4, 1, 3, 3]), null, { groups: 2 }), /conv2d: input has 4 channels but weight expects 2 \(1 per group × 2 groups\)/);
          for (const groups of [0, -1, 1.5]) expectRejected(() => conv2d(x, w, null, { groups }), /conv2d: groups must be a positive integer/);
          for (const stride of [0, -1, 1.5, [1, 0], [1, 2, 3]]) expectRejected(() => conv2d(x, w, null, { stride }), /conv2d: stride must be a positive integer or a pair of them/);
          for (const dilation of [0, [2, 0]]) expectRejected(() => conv2d(x, w, null, { dilation }), /conv2d: dilation must be a positive integer/);
          for (const padding of [-1, [1, -1], [0, 0, 0, -1], [1, 1, 1]]) expectRejected(() => conv2d(x, w, null, { padding }), /conv2d: padding must/);
          expectRejected(() => conv2d(x, w, null, { padding: 'full' as 'same' }), /conv2d: padding must be 'valid', 'same', an integer or a list of integers, got 'full'/);
          expectRejected(() => conv2d(x, w, null, { padding: 'same', stride: 2 }), /conv2d: padding='same' is not supported for strided convolutions/);
          expectRejected(() => conv2d(rand([1, 1, 4, 4]), rand([1, 1, 5, 5])), /conv2d: kernel size 5x5 is larger than the padded input 4x4: input \[1,1,4,4\], weight \[1,1,5,5\]/);
          expectRejected(() => conv2d(rand([1, 1, 4, 4]), rand([1, 1, 3, 3]), null, { dilation: 2 }), /conv2d: kernel size 3x3 \(dilated 5x5\) is larger than the padded input 4x4/);
          expectRejected(() => conv2d(x, rand([8, 3, 0, 3])), /conv2d: weight has an empty kernel/);
          expectRejected(() => conv2d(x, w, rand([4])), /conv2d: bias must have shape \[8\] \(one value per output channel\), got \[4\]/);
          expectRejected(() => conv2d(x, w, rand([1, 8])), /conv2d: bias must have shape \[8\]/);
          expectRejected(() => conv2d(x, w, tensor(new Array<number>(8).fill(0), [8], 'int32')), /conv2d: argument 'bias' has dtype int32/);
        });
      });

      it('convTranspose2d', () => {
        tidy(() => {
          const x = rand([2, 4, 5, 5]);
          const w = rand([4, 3, 3, 3]);
          expectRejected(() => convTranspose2d(x, rand([3, 3, 3, 3])), /^convTranspose2d: input has 4 channels but weight expects 3: input \[2,4,5,5\], weight \[3,3,3,3\]$/);
          expectRejected(() => convTranspose2d(rand([4, 5]), w), /convTranspose2d: input must be 4-D .*got shape \[4,5\]/);
          expectRejected(() => convTranspose2d(x, rand([4, 3, 3])), /convTranspose2d: weight must be 4-D \[inChannels, outChannels\/groups, kH, kW\]/);
          expectRejected(() => convTranspose2d(x, w, null, { groups: 3 }), /convTranspose2d: groups=3 does not divide the 4 input channels/);
          expectRejected(() => convTranspose2d(x, w, null, { stride: 2, outputPadding: 2 }), /convTranspose2d: outputPadding must be smaller than either stride or dilation, got outputPadding \[2,2\], stride \[2,2\], dilation \[1,1\]/);
          expectRejected(() => convTranspose2d(x, w, null, { outputPadding: [0, 1] }), /convTranspose2d: outputPadding must be smaller/);
          expectRejected(() => convTranspose2d(x, w, null, { stride: 0 }), /convTranspose2d: stride must be a positive integer/);
          expectRejected(() => convTranspose2d(x, w, null, { padding: -1 }), /convTranspose2d: padding must be a non-negative integer/);
          expectRejected(() => convTranspose2d(x, w, null, { padding: 4 }), /convTranspose2d: padding \[4,4\] leaves an output of -1x-1, which is empty: input \[2,4,5,5\], weight \[4,3,3,3\]/);
          expectRejected(() => convTranspose2d(x, w, rand([4])), /convTranspose2d: bias must have shape \[3\]/);
          expectRejected(() => convTranspose2d(tensor([1, 2, 3, 4], [1, 1, 2, 2], 'int32'), rand([1, 1, 1, 1])), /convTranspose2d: argument 'input' has dtype int32/);
        });
      });

      it('conv1d', () => {
        tidy(() => {
          const x = rand([2, 3, 9]);
          expectRejected(() => conv1d(x, rand([4, 2, 3])), /^conv1d: input has 3 channels but weight expects 2: input \[2,3,9\], weight \[4,2,3\]$/);
          expectRejected(() => conv1d(rand([2, 3, 9, 9]), rand([4, 3, 3])), /conv1d: input must be 3-D \[N, C, L\] or 2-D \[C, L\], got shape \[2,3,9,9\]/);
          expectRejected(() => conv1d(x, rand([4, 3, 3, 3])), /conv1d: weight must be 3-D/);
          expectRejected(() => conv1d(x, rand([4, 3, 3]), null, { stride: [1, 2] }), /conv1d: stride must be an integer or a list of one integer, got \[1,2\]/);
          expectRejected(() => conv1d(x, rand([4, 3, 3]), null, { stride: 0 }), /conv1d: stride must be a positive integer/);
          expectRejected(() => conv1d(x, rand([4, 3, 11])), /conv1d: kernel size 1x11 is larger than the padded input 1x9/);
        });
      });
    });
  });
}
