/**
 * The image ops other than convolution, on any backend: pools, batchNorm, layerNorm,
 * localResponseNorm, upsample and dropout. The PyTorch vectors' gradients are checked here
 * through the gradient kernels (MaxPool2DGrad, AvgPool2DGrad, LRNGrad, ...) with the vectors'
 * G as dy, so that every backend proves its gradient kernels before autograd uses them;
 * then results known by hand, PyTorch's argument forms (unbatched input, ceilMode, scale
 * factors), the adjoint identity of every linear gradient kernel, and the error for each
 * kind of bad argument, thrown before any kernel runs. Random-shape pool checks are in
 * properties.ts; the forward outputs of the vectors in vectors.ts.
 */
import {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dGrad,
  adaptiveMaxPool2d,
  avgPool2d,
  avgPool2dAttrs,
  avgPool2dGrad,
  batchNorm,
  dropout,
  dropout2d,
  engine,
  Generator,
  layerNorm,
  localResponseNorm,
  lrnGrad,
  manualSeed,
  maxPool2d,
  maxPool2dGrad,
  memory,
  ones,
  randn,
  resizeBilinearGrad,
  resizeNearestGrad,
  tensor,
  tidy,
  upsample,
  upsampleAttrs,
  zeros,
  type AvgPool2DOptions,
  type Tensor,
  type UpsampleOptions,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { ACCUMULATING_TOLERANCE, compareTensor, compareValues, DEFAULT_TOLERANCE, type Tolerance } from '../compare.js';
import { caseInputs, loadVectorCases, type VectorCase, type VectorTensor } from '../vectors.js';

export interface ImageSuiteOptions {
  /** Parsed cases (browsers import the files); the repo's vectors/ folder by default. */
  vectors?: readonly VectorCase[];
}

function expectMatches(label: string, actual: Tensor, expected: VectorTensor, tolerance: Tolerance = ACCUMULATING_TOLERANCE): void {
  const result = compareTensor(label, actual, expected, tolerance);
  expect(result.ok, result.message).toBe(true);
}

function expectClose(actual: Tensor, shape: readonly number[], data: ArrayLike<number>, tolerance: Tolerance = DEFAULT_TOLERANCE): void {
  const result = compareValues('result', { shape: actual.shape, dtype: actual.dtype, values: actual.dataSync() }, { shape, data }, tolerance);
  expect(result.ok, result.message).toBe(true);
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

function pairAttr(c: VectorCase, name: string, fallback?: [number, number]): [number, number] {
  const v = c.attrs[name] ?? fallback;
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  throw new Error(`${c.name}: attribute ${name} is not an int or a pair`);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** <dy, f(x)> = <f^T(dy), x> for a linear f and its gradient kernel f^T. */
function expectAdjoint(x: Tensor, y: Tensor, dy: Tensor, dx: Tensor): void {
  expect(dx.shape).toEqual(x.shape);
  const lhs = dot(dy.dataSync(), y.dataSync());
  const rhs = dot(dx.dataSync(), x.dataSync());
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(lhs)));
}

/** The vectors' gradients, reproduced with the gradient kernels and G as dy. */
const GRADIENT_CASES: Record<string, (c: VectorCase, x: Record<string, Tensor>, G: Tensor) => Tensor> = {
  max_pool2d: (c, { x }, G) => {
    const kernelSize = pairAttr(c, 'kernel_size');
    const options = { stride: pairAttr(c, 'stride', kernelSize), padding: pairAttr(c, 'padding', [0, 0]), ceilMode: c.attrs.ceil_mode === true };
    const { indices } = maxPool2d(x, kernelSize, { ...options, returnIndices: true });
    return maxPool2dGrad(G, indices, x.shape);
  },
  avg_pool2d: (c, { x }, G) => {
    const kernelSize = pairAttr(c, 'kernel_size');
    const options: AvgPool2DOptions = {
      stride: pairAttr(c, 'stride', kernelSize),
      padding: pairAttr(c, 'padding', [0, 0]),
      ceilMode: c.attrs.ceil_mode === true,
      countIncludePad: c.attrs.count_include_pad !== false,
    };
    return avgPool2dGrad(G, x.shape, avgPool2dAttrs('avgPool2d', x.shape, kernelSize, options));
  },
  adaptive_avg_pool2d: (_c, { x }, G) => adaptiveAvgPool2dGrad(G, x.shape),
  local_response_norm: (c, { x }, G) => {
    const attrs = { size: c.attrs.size as number, alpha: c.attrs.alpha as number, beta: c.attrs.beta as number, k: c.attrs.k as number };
    const y = localResponseNorm(x, attrs.size, { alpha: attrs.alpha, beta: attrs.beta, k: attrs.k });
    return lrnGrad(x, y, G, attrs);
  },
  upsample_nearest2d: (c, { x }, G) => {
    const options: UpsampleOptions = { scaleFactor: pairAttr(c, 'scale_factor') };
    return resizeNearestGrad(G, x.shape, upsampleAttrs('upsample', x.shape, options));
  },
};

export function defineImageSuite(backend: string, options: ImageSuiteOptions = {}): void {
  describe(`image ops (${backend})`, () => {
    describe('PyTorch vectors: gradients through the gradient kernels', () => {
      const cases = (options.vectors ?? loadVectorCases()).filter((c) => c.op in GRADIENT_CASES);
      it('finds the image vectors', () => expect(cases.length).toBeGreaterThanOrEqual(8));
      for (const c of cases) {
        it(c.name, () => {
          tidy(() => {
            const inputs = caseInputs(c);
            const G = tensor(Float32Array.from(c.G.data), c.G.shape);
            expectMatches(`${c.name} grads.x`, GRADIENT_CASES[c.op](c, inputs, G), c.grads.x);
          });
        });
      }
    });

    describe('pools', () => {
      it('max-pools by hand, with torch-style indices', () => {
        tidy(() => {
          const x = tensor([[[[1, 2, 5, 0], [3, 4, 1, 1], [0, 0, 7, 2], [9, 1, 2, 7]]]]);
          const { values, indices } = maxPool2d(x, 2, { returnIndices: true });
          expect(values.toArray()).toEqual([[[[4, 5], [9, 7]]]]);
          expect(indices.dtype).toBe('int32');
          // Ties keep the first maximum: 7 at (2,2) before 7 at (3,3).
          expect(indices.toArray()).toEqual([[[[5, 2], [12, 10]]]]);
        });
      });

      it('rounds up with ceilMode but drops a window that would start in the right padding', () => {
        tidy(() => {
          const x = randn([1, 1, 6, 6]);
          expect(maxPool2d(x, 2, { stride: 2, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
          expect(maxPool2d(x, 3, { stride: 2, ceilMode: false }).shape).toEqual([1, 1, 2, 2]);
          expect(maxPool2d(x, 3, { stride: 2, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
          // 6 with k 2, s 4, p 1: ceil gives 3 windows but the third starts at 7 >= 6 + 1.
          expect(avgPool2d(x, 2, { stride: 4, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 2, 2]);
        });
      });

      it('divides average windows as PyTorch: countIncludePad, its ceilMode clipping, divisorOverride', () => {
        tidy(() => {
          const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
          // k 2, s 2, p 1: windows of 1, 2, 2 and 4 pixels of the image.
          expect(avgPool2d(x, 2, { padding: 1 }).toArray()).toEqual([[[[0.25, 1.25], [2.75, 7]]]]);
          expect(avgPool2d(x, 2, { padding: 1, countIncludePad: false }).toArray()).toEqual([[[[1, 2.5], [5.5, 7]]]]);
          expect(avgPool2d(x, 2, { padding: 1, divisorOverride: 2 }).toArray()).toEqual([[[[0.5, 2.5], [5.5, 14]]]]);
          // ceilMode, no padding: the last window holds one column and divides by 1, not 2.
          expect(avgPool2d(tensor([[[[1, 2, 3, 4, 10]]]]), [1, 2], { ceilMode: true }).toArray()).toEqual([[[[1.5, 3.5, 10]]]]);
        });
      });

      it('accepts unbatched [C, H, W] input and gives unbatched results', () => {
        manualSeed(31);
        tidy(() => {
          const x = randn([3, 7, 6]);
          const x4 = x.reshape([1, 3, 7, 6]);
          const strip = (t: Tensor): number[] => Array.from(t.dataSync());
          const max3 = maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
          const max4 = maxPool2d(x4, 3, { stride: 2, padding: 1, returnIndices: true });
          expect(max3.values.shape).toEqual([3, 4, 3]);
          expect(max3.indices.shape).toEqual([3, 4, 3]);
          expect(strip(max3.values)).toEqual(strip(max4.values));
          expect(strip(max3.indices)).toEqual(strip(max4.indices));
          expect(strip(avgPool2d(x, 2))).toEqual(strip(avgPool2d(x4, 2)));
          expect(adaptiveAvgPool2d(x, [2, 5]).shape).toEqual([3, 2, 5]);
          expect(strip(adaptiveMaxPool2d(x, 4))).toEqual(strip(adaptiveMaxPool2d(x4, 4)));
        });
      });

      it('adaptive pools keep an axis given as null, and use overlapping windows', () => {
        tidy(() => {
          const x = tensor([[[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]]]);
          expect(adaptiveAvgPool2d(x, [1, null]).toArray()).toEqual([[[[3.5, 4.5, 5.5, 6.5, 7.5]]]]);
          // 5 -> 3: windows [0,2), [1,4), [3,5).
          expect(adaptiveAvgPool2d(x, [2, 3]).toArray()).toEqual([[[[1.5, 3, 4.5], [6.5, 8, 9.5]]]]);
          const { values, indices } = adaptiveMaxPool2d(x, [1, 3], { returnIndices: true });
          expect(values.toArray()).toEqual([[[[7, 9, 10]]]]);
          expect(indices.toArray()).toEqual([[[[6, 8, 9]]]]);
        });
      });

      it('gradient kernels are the adjoints of the pools', () => {
        manualSeed(32);
        tidy(() => {
          const x = randn([2, 3, 9, 8]);
          const avgOptions: AvgPool2DOptions = { stride: 2, padding: 1, ceilMode: true, countIncludePad: false };
          const avg = avgPool2d(x, 3, avgOptions);
          const dAvg = randn(avg.shape);
          expectAdjoint(x, avg, dAvg, avgPool2dGrad(dAvg, x.shape, avgPool2dAttrs('avgPool2d', x.shape, 3, avgOptions)));
          const adaptive = adaptiveAvgPool2d(x, [4, 5]);
          const dAdaptive = randn(adaptive.shape);
          expectAdjoint(x, adaptive, dAdaptive, adaptiveAvgPool2dGrad(dAdaptive, x.shape));
          // Max pooling is linear once the indices are fixed; overlapping windows accumulate.
          const { values, indices } = maxPool2d(x, 3, { stride: 1, padding: 1, returnIndices: true });
          const dMax = randn(values.shape);
          expectAdjoint(x, values, dMax, maxPool2dGrad(dMax, indices, x.shape));
          const adaptiveMax = adaptiveMaxPool2d(x, [3, 3], { returnIndices: true });
          const dAdaptiveMax = randn(adaptiveMax.values.shape);
          expectAdjoint(x, adaptiveMax.values, dAdaptiveMax, maxPool2dGrad(dAdaptiveMax, adaptiveMax.indices, x.shape));
        });
      });

      it('rejects bad input, windows and sizes', () => {
        tidy(() => {
          const x = zeros([2, 3, 6, 6]);
          expectRejected(() => maxPool2d(zeros([3, 6]), 2), /maxPool2d: input must be 4-D \[N, C, H, W\] or 3-D \[C, H, W\], got shape \[3,6\]/);
          expectRejected(() => maxPool2d(zeros([2, 3, 6, 6], { dtype: 'int32' }), 2), /maxPool2d: argument 'input' has dtype int32, expected float32/);
          expectRejected(() => maxPool2d(x, 0), /maxPool2d: kernelSize must be a positive integer or a pair of them, got 0/);
          expectRejected(() => maxPool2d(x, 2, { stride: [1, 0] }), /maxPool2d: stride must be a positive integer/);
          expectRejected(() => maxPool2d(x, 2, { dilation: 0 }), /maxPool2d: dilation must be a positive integer/);
          expectRejected(() => maxPool2d(x, 2, { padding: -1 }), /maxPool2d: padding must be a non-negative integer/);
          expectRejected(() => maxPool2d(x, 3, { padding: 2 }), /maxPool2d: padding \[2,2\] must be at most half the kernel size \[3,3\]/);
          expectRejected(() => maxPool2d(x, 7), /maxPool2d: output size 0x0 is too small: input \[2,3,6,6\], kernel \[7,7\]/);
          expectRejected(() => maxPool2d(x, 2, { ceilMode: 1 as unknown as boolean }), /maxPool2d: ceilMode must be a boolean/);
          expectRejected(() => maxPool2d(zeros([2, 0, 6, 6]), 2), /maxPool2d: input has an empty channel or spatial axis: shape \[2,0,6,6\]/);
          expectRejected(() => avgPool2d(x, 2, { padding: 2 }), /avgPool2d: padding \[2,2\] must be at most half the kernel size \[2,2\]/);
          expectRejected(() => avgPool2d(x, 2, { divisorOverride: 0 }), /avgPool2d: divisorOverride must be a non-zero integer, got 0/);
          expectRejected(() => avgPool2d(zeros([6]), 2), /avgPool2d: input must be 4-D/);
          expectRejected(() => adaptiveAvgPool2d(x, [0, 2]), /adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them .*got \[0,2\] for input \[2,3,6,6\]/);
          expectRejected(() => adaptiveMaxPool2d(x, 1.5), /adaptiveMaxPool2d: outputSize must be a positive integer/);
          expectRejected(() => adaptiveMaxPool2d(zeros([2, 6]), 2), /adaptiveMaxPool2d: input must be 4-D/);
          const indices = zeros([2, 3, 3, 3], { dtype: 'int32' });
          expectRejected(() => maxPool2dGrad(zeros([2, 3, 3, 3]), zeros([2, 3, 3, 3]), x.shape), /maxPool2dGrad: argument 'indices' has dtype float32, expected int32/);
          expectRejected(() => maxPool2dGrad(zeros([2, 4, 3, 3]), indices, x.shape), /maxPool2dGrad: dy of shape \[2,4,3,3\] does not match/);
          expectRejected(() => adaptiveAvgPool2dGrad(zeros([2, 3, 3, 3]), [2, 3, 6]), /adaptiveAvgPool2dGrad: inputShape must be 4-D/);
        });
      });
    });

    describe('normalisation', () => {
      it('batchNorm in training normalises with batch statistics and moves the running ones (unbiased variance)', () => {
        tidy(() => {
          // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1 holds 10, 10, 10, 14 (11, 3, 4).
          const x = tensor([[[1, 2], [10, 10]], [[3, 4], [10, 14]]]);
          const { output, runningMean, runningVar } = batchNorm(x, [0, 1], [1, 2], [2, 1], [0, -1], { training: true, momentum: 0.5, eps: 0 });
          const s0 = 1 / Math.sqrt(1.25);
          const s1 = 1 / Math.sqrt(3);
          expectClose(output, [2, 2, 2], [-3 * s0, -s0, -s1 - 1, -s1 - 1, s0, 3 * s0, -s1 - 1, 3 * s1 - 1]);
          expectClose(runningMean, [2], [0.5 * 0 + 0.5 * 2.5, 0.5 * 1 + 0.5 * 11]);
          expectClose(runningVar, [2], [0.5 * 1 + 0.5 * (5 / 3), 0.5 * 2 + 0.5 * 4]);
        });
      });

      it('batchNorm in evaluation uses the running statistics and returns them unchanged', () => {
        tidy(() => {
          const x = tensor([[1, 2, 3], [4, 5, 6]]);
          const rm = tensor([1, 2, 3]);
          const rv = tensor([4, 1, 0.25]);
          const result = batchNorm(x, rm, rv, null, [0, 0, 1], { eps: 0 });
          expectClose(result.output, [2, 3], [0, 0, 1, 1.5, 3, 7]);
          expect(result.runningMean).toBe(rm);
          expect(result.runningVar).toBe(rv);
          // [N, C, L] input: statistics per channel over N and L.
          const seq = batchNorm(ones([2, 3, 5]), null, null, null, null, { training: true });
          expect(seq.output.shape).toEqual([2, 3, 5]);
          expect(Array.from(seq.output.dataSync()).every((v) => v === 0)).toBe(true);
          expect(seq.runningMean).toBeNull();
        });
      });

      it('layerNorm normalises each sample over the trailing axes, then scales and shifts', () => {
        tidy(() => {
          const x = tensor([[[1, 2], [3, 4]], [[0, 2], [0, 8]]]);
          // Sample means 2.5 and 2.5; biased variances 1.25 and 10.75.
          const s1 = 1 / Math.sqrt(1.25);
          const s2 = 1 / Math.sqrt(10.75);
          expectClose(layerNorm(x, [2, 2], { weight: null, bias: null, eps: 0 }), [2, 2, 2], [-1.5 * s1, -0.5 * s1, 0.5 * s1, 1.5 * s1, -2.5 * s2, -0.5 * s2, -2.5 * s2, 5.5 * s2]);
          // Over the last axis every pair normalises to (-1, 1), then * [1, 2] + [0, 10].
          expectClose(layerNorm(x, 2, { weight: [1, 2], bias: [0, 10], eps: 0 }), [2, 2, 2], [-1, 12, -1, 12, -1, 12, -1, 12]);
        });
      });

      it('localResponseNorm follows PyTorch: alpha/size and a lopsided window for even sizes', () => {
        tidy(() => {
          // One position, 4 channels, size 2: channel c sums squares of c-1 and c.
          const x = tensor([1, 2, 3, 4]).reshape([1, 4, 1]);
          const y = localResponseNorm(x, 2, { alpha: 1, beta: 1, k: 1 });
          const sums = [1, 1 + 4, 4 + 9, 9 + 16];
          expectClose(y, [1, 4, 1], [1, 2, 3, 4].map((v, c) => v / (1 + sums[c] / 2)));
        });
      });

      it('rejects bad normalisation arguments', () => {
        tidy(() => {
          const x = zeros([4, 3, 2, 2]);
          expectRejected(() => batchNorm(zeros([4]), [0], [1]), /batchNorm: input must be \[N, C, \.\.\.\] with at least 2 dimensions, got shape \[4\]/);
          expectRejected(() => batchNorm(x, [0, 0], [1, 1, 1]), /batchNorm: runningMean must have shape \[3\] \(one value per channel\), got \[2\] \(input \[4,3,2,2\]\)/);
          expectRejected(() => batchNorm(x, [0, 0, 0], [1, 1, 1], ones([3, 1])), /batchNorm: weight must have shape \[3\]/);
          expectRejected(() => batchNorm(zeros([1, 3]), [0, 0, 0], [1, 1, 1], null, null, { training: true }), /batchNorm: expected more than 1 value per channel when training, got input \[1,3\]/);
          expectRejected(() => batchNorm(x, null, null), /batchNorm: runningMean and runningVar are required when not training/);
          expectRejected(() => batchNorm(zeros([2, 3], { dtype: 'int32' }), null, null, null, null, { training: true }), /batchNorm: argument 'input' has dtype int32/);
          expectRejected(() => batchNorm(x, [0, 0, 0], [1, 1, 1], null, null, { eps: NaN }), /batchNorm: eps must be a finite number/);
          expectRejected(() => layerNorm(x, [3, 2]), /layerNorm: input shape \[4,3,2,2\] does not end with normalizedShape \[3,2\]/);
          expectRejected(() => layerNorm(x, [2, 2], { weight: ones([4]) }), /layerNorm: weight must have shape \[2,2\] \(normalizedShape\), got \[4\]/);
          expectRejected(() => layerNorm(x, []), /layerNorm: normalizedShape must be a positive integer or a non-empty list/);
          expectRejected(() => localResponseNorm(zeros([4, 3]), 2), /localResponseNorm: input must have 3 or more dimensions \[N, C, \.\.\.\], got shape \[4,3\]/);
          expectRejected(() => localResponseNorm(x, 0), /localResponseNorm: size must be a positive integer, got 0/);
          expectRejected(() => localResponseNorm(x, 3, { alpha: Infinity }), /localResponseNorm: alpha must be a finite number/);
        });
      });
    });

    describe('upsample', () => {
      it('nearest takes floor(dst * scale), with scale = 1/scaleFactor when given', () => {
        tidy(() => {
          const x = tensor([[[[0, 1, 2, 3, 4]]]]);
          expect(upsample(x, { size: [1, 8] }).toArray()).toEqual([[[[0, 0, 1, 1, 2, 3, 3, 4]]]]);
          expect(upsample(x, { scaleFactor: [1, 1.7] }).toArray()).toEqual([[[[0, 0, 1, 1, 2, 2, 3, 4]]]]);
          expect(upsample(x, { size: [2, 2] }).toArray()).toEqual([[[[0, 2], [0, 2]]]]);
        });
      });

      it('bilinear matches PyTorch with and without alignCorners', () => {
        tidy(() => {
          const x = tensor([[[[1, 2], [3, 4]]]]);
          expectClose(upsample(x, { size: 4, mode: 'bilinear' }), [1, 1, 4, 4], [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
          const third = 1 / 3;
          expectClose(upsample(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }), [1, 1, 4, 4], [
            1, 1 + third, 2 - third, 2, 1 + 2 * third, 2, 2 + third, 3 - third, 2 + third, 3 - third, 3, 3 + third, 3, 3 + third, 4 - third, 4,
          ]);
          // Downsampling by 2 without alignCorners averages each 2x2 block's centre.
          expectClose(upsample(tensor([[[[0, 2, 4, 6], [2, 4, 6, 8]]]]), { size: [1, 2], mode: 'bilinear' }), [1, 1, 1, 2], [2, 6]);
        });
      });

      it('gradient kernels are the adjoints of the resizes', () => {
        manualSeed(33);
        tidy(() => {
          const x = randn([2, 3, 5, 6]);
          const cases: UpsampleOptions[] = [
            { scaleFactor: 2 },
            { size: [7, 4] },
            { scaleFactor: [0.6, 1.7] },
            { size: [9, 3], mode: 'bilinear' },
            { size: [4, 11], mode: 'bilinear', alignCorners: true },
            { scaleFactor: 1.5, mode: 'bilinear' },
          ];
          for (const options of cases) {
            const y = upsample(x, options);
            const dy = randn(y.shape);
            const attrs = upsampleAttrs('upsample', x.shape, options);
            const dx = options.mode === 'bilinear' ? resizeBilinearGrad(dy, x.shape, attrs) : resizeNearestGrad(dy, x.shape, attrs);
            expectAdjoint(x, y, dy, dx);
          }
        });
      });

      it('rejects bad sizes, modes and inputs', () => {
        tidy(() => {
          const x = zeros([1, 2, 3, 3]);
          expectRejected(() => upsample(zeros([2, 3, 3]), { scaleFactor: 2 }), /upsample: input must be 4-D \[N, C, H, W\], got shape \[2,3,3\]/);
          expectRejected(() => upsample(x, {}), /upsample: give exactly one of size and scaleFactor \(got neither\)/);
          expectRejected(() => upsample(x, { size: 4, scaleFactor: 2 }), /upsample: give exactly one of size and scaleFactor \(got both\)/);
          expectRejected(() => upsample(x, { size: [4, 0] }), /upsample: size must be a positive integer or a pair of them, got \[4,0\]/);
          expectRejected(() => upsample(x, { scaleFactor: -1 }), /upsample: scaleFactor must be a positive number/);
          expectRejected(() => upsample(x, { scaleFactor: 0.2 }), /upsample: input and output sizes must be positive, got input \[1,2,3,3\] and output 0x0/);
          expectRejected(() => upsample(x, { size: 4, mode: 'bicubic' as 'bilinear' }), /upsample: mode must be 'nearest' or 'bilinear', got 'bicubic'/);
          expectRejected(() => upsample(x, { size: 4, alignCorners: true }), /upsample: alignCorners can only be used with mode 'bilinear', not 'nearest'/);
          expectRejected(() => upsample(zeros([1, 2, 3, 3], { dtype: 'int32' }), { size: 4 }), /upsample: argument 'input' has dtype int32, expected float32/);
        });
      });
    });

    describe('dropout', () => {
      it('zeroes with probability p and scales survivors by 1/(1-p), repeatably under a seed', () => {
        tidy(() => {
          const x = ones([100, 100]);
          manualSeed(5);
          const a = Array.from(dropout(x, { p: 0.3 }).dataSync());
          manualSeed(5);
          const b = Array.from(dropout(x, { p: 0.3 }).dataSync());
          expect(a).toEqual(b);
          const kept = a.filter((v) => v !== 0);
          expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
          // 10,000 draws: the kept fraction is 0.7 within about 5 standard deviations (0.0046 each).
          expect(Math.abs(kept.length / a.length - 0.7)).toBeLessThan(0.025);
          const gen = new Generator(9);
          const c = Array.from(dropout(x, { p: 0.3, training: true, generator: gen }).dataSync());
          const d = Array.from(dropout(x, { p: 0.3, training: true, generator: new Generator(9) }).dataSync());
          expect(c).toEqual(d);
        });
      });

      it('is the identity when not training or when p = 0, and zero when p = 1', () => {
        tidy(() => {
          const x = randn([4, 5]);
          expect(dropout(x, { p: 0.5, training: false })).toBe(x);
          expect(Array.from(dropout(x, { p: 0 }).dataSync())).toEqual(Array.from(x.dataSync()));
          expect(Array.from(dropout(x, { p: 1 }).dataSync()).every((v) => v === 0)).toBe(true);
          expect(dropout2d(randn([2, 3, 4, 4]), { p: 1 }).dataSync().every((v) => v === 0)).toBe(true);
        });
      });

      it('dropout2d drops whole channels', () => {
        manualSeed(6);
        tidy(() => {
          const x = ones([8, 16, 3, 3]);
          const y = dropout2d(x, { p: 0.5 }).dataSync();
          let dropped = 0;
          for (let plane = 0; plane < 8 * 16; plane++) {
            const values = Array.from(y.subarray(plane * 9, plane * 9 + 9));
            expect(new Set(values).size).toBe(1);
            expect([0, 2]).toContain(values[0]);
            if (values[0] === 0) dropped++;
          }
          expect(dropped).toBeGreaterThan(30);
          expect(dropped).toBeLessThan(98);
          expect(dropout2d(ones([4, 3, 3]), { p: 0.5 }).shape).toEqual([4, 3, 3]);
        });
      });

      it('rejects bad probabilities and inputs', () => {
        tidy(() => {
          const x = ones([2, 3, 4, 4]);
          expectRejected(() => dropout(x, { p: 1.5 }), /dropout: probability p must be in \[0, 1\], got 1.5/);
          expectRejected(() => dropout(x, { p: -0.1 }), /dropout: probability p must be in \[0, 1\], got -0.1/);
          expectRejected(() => dropout(x, { p: NaN }), /dropout: probability p must be in \[0, 1\], got NaN/);
          expectRejected(() => dropout(ones([3], { dtype: 'int32' })), /dropout: argument 'input' has dtype int32, expected float32/);
          expectRejected(() => dropout2d(ones([3, 4])), /dropout2d: input must be 4-D \[N, C, H, W\] or 3-D \[C, H, W\], got shape \[3,4\]/);
          expectRejected(() => dropout2d(x, { p: 2 }), /dropout2d: probability p must be in \[0, 1\], got 2/);
        });
      });
    });

    it('frees every intermediate tensor inside tidy', () => {
      const before = memory();
      tidy(() => {
        const x = randn([2, 3, 6, 6]);
        maxPool2d(x.reshape([3 * 2, 6, 6]), 2, { returnIndices: true });
        avgPool2d(x, 3);
        adaptiveMaxPool2d(x, 2);
        batchNorm(x, zeros([3]), ones([3]), ones([3]), zeros([3]), { training: true });
        layerNorm(x, [6, 6]);
        localResponseNorm(x, 3);
        upsample(x, { scaleFactor: 2, mode: 'bilinear' });
        dropout2d(x, { p: 0.5 });
      });
      const after = memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
    });
  });
}
