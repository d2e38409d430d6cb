/**
 * Elementwise ops on any backend: every unary op against its definition over awkward values
 * (±0, ±Infinity, NaN, halves, large magnitudes), results known by hand, PyTorch's dtype
 * rules (promotion, true division, bool arithmetic, comparisons giving bool), where and clip
 * in all their argument forms, and the error for each kind of bad argument, thrown before
 * any kernel runs. Binary ops on random broadcast shapes are in properties.ts.
 */
import * as nn from '@nn/tensor';
import type { Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { compareValues, DEFAULT_TOLERANCE, EXACT, type Tolerance } from '../compare.js';

type DType = 'float32' | 'int32' | 'bool';

/** Expects `actual` to have `dtype` and the values `data` (nested like toArray gives them, or flat with a shape). */
function expectValues(actual: Tensor, expected: nn.NestedNumbers, dtype: DType = 'float32', tolerance: Tolerance = DEFAULT_TOLERANCE): void {
  const reference = nn.tensor(expected, undefined, 'float32');
  const result = compareValues(
    'result',
    { shape: actual.shape, dtype: actual.dtype, values: actual.dataSync() },
    { shape: reference.shape, data: reference.dataSync(), dtype },
    dtype === 'float32' ? tolerance : EXACT,
  );
  reference.dispose();
  expect(result.ok, result.message).toBe(true);
}

/** Runs fn, expecting it to throw `pattern` without running a single kernel. */
function expectRejected(fn: () => unknown, pattern: RegExp): void {
  let kernels = 0;
  const stop = nn.engine().onKernelRun(() => kernels++);
  try {
    expect(fn).toThrow(pattern);
  } finally {
    stop();
  }
  expect(kernels, `a kernel ran before the check that throws ${String(pattern)}`).toBe(0);
}

/** erfc by its series (|x| < 2) and Laplace's continued fraction (beyond), for the gelu reference. */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = x;
  for (let k = 200; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

const AWKWARD = [0, -0, 1, -1, 0.5, -0.5, 1.5, -2.5, 2.5, 1e-6, -1e-6, 0.3, -0.7, 3.7, -4.2, 8, -8, 25, -25, 90, -90, Infinity, -Infinity, NaN];
const relu = (x: number): number => (Number.isNaN(x) ? NaN : Math.max(x, 0));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number, beta: number, threshold: number): number =>
  beta * x > threshold ? x : (Math.max(beta * x, 0) + Math.log1p(Math.exp(-Math.abs(beta * x)))) / beta;
const geluTanh = (x: number): number => x * sigmoid(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3));

/** Every unary op and its definition in double precision. */
const UNARY: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
  ['neg', nn.neg, (x) => -x],
  ['abs', nn.abs, Math.abs],
  ['exp', nn.exp, Math.exp],
  ['log', nn.log, Math.log],
  ['log1p', nn.log1p, Math.log1p],
  ['sqrt', nn.sqrt, Math.sqrt],
  ['rsqrt', nn.rsqrt, (x) => 1 / Math.sqrt(x)],
  ['square', nn.square, (x) => x * x],
  ['sin', nn.sin, Math.sin],
  ['cos', nn.cos, Math.cos],
  ['sign', nn.sign, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)],
  ['floor', nn.floor, Math.floor],
  ['ceil', nn.ceil, Math.ceil],
  ['round', nn.round, (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))],
  ['sigmoid', nn.sigmoid, sigmoid],
  ['tanh', nn.tanh, Math.tanh],
  ['relu', nn.relu, relu],
  ['leakyRelu', (x) => nn.leakyRelu(x), (x) => (x > 0 ? x : 0.01 * x)],
  ['leakyRelu(2)', (x) => x.leakyRelu({ negativeSlope: 2 }), (x) => (x > 0 ? x : 2 * x)],
  ['elu', (x) => nn.elu(x), (x) => (x > 0 ? x : Math.expm1(x))],
  ['elu(0.5)', (x) => x.elu({ alpha: 0.5 }), (x) => (x > 0 ? x : 0.5 * Math.expm1(x))],
  // gelu's limit at -Infinity is 0 (PyTorch gives NaN and calls that a bug, pytorch#187293).
  ['gelu', (x) => nn.gelu(x), (x) => (x === -Infinity ? 0 : 0.5 * x * erfc(-x / Math.SQRT2))],
  ['gelu(tanh)', (x) => x.gelu({ approximate: 'tanh' }), (x) => (x === -Infinity ? 0 : geluTanh(x))],
  ['softplus', (x) => nn.softplus(x), (x) => softplus(x, 1, 20)],
  ['softplus(0.5, 3)', (x) => x.softplus({ beta: 0.5, threshold: 3 }), (x) => softplus(x, 0.5, 3)],
  ['clip(-1, 2)', (x) => nn.clip(x, -1, 2), (x) => (Number.isNaN(x) ? NaN : Math.min(Math.max(x, -1), 2))],
];

export function defineElementwiseSuite(backend: string): void {
  describe(`elementwise semantics (${backend})`, () => {
    describe('unary ops', () => {
      for (const [name, op, reference] of UNARY) {
        it(`${name} follows its definition at ±0, ±Infinity, NaN, halves and large values`, () => {
          nn.tidy(() => {
            const x = nn.tensor(AWKWARD, [4, 6]);
            expectValues(op(x), nn.tensor(AWKWARD.map((v) => Math.fround(reference(v))), [4, 6]).toArray());
          });
        });
      }

      it('gives values known by hand', () => {
        nn.tidy(() => {
          expectValues(nn.round(nn.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6])), [0, 2, 2, -0, -2, -2, 2, -3]);
          expectValues(nn.gelu(nn.tensor([-3, -1, 0, 0.5, 3])), [-0.0040496940948902835, -0.15865525393145705, 0, 0.34573123063700656, 2.99595030590511]);
          expectValues(nn.gelu(nn.tensor([-3, -1, 0.5, 1, 2]), { approximate: 'tanh' }), [-0.003637392081773019, -0.1588080093917233, 0.3457140098251439, 0.8411919906082767, 1.954597694087775]);
          expectValues(nn.sigmoid(nn.tensor([-100, 0, 2, 100])), [3.720075976020836e-44, 0.5, 0.8807970779778824, 1]);
          expectValues(nn.softplus(nn.tensor([-2, 1, 2, 100, -100])), [0.1269280110429725, 1.3132616875182228, 2.1269280110429727, 100, 0]);
          expectValues(nn.softplus(nn.tensor([1, 30]), { beta: 2, threshold: 50 }), [1.0634640055214861, 30]);
          expectValues(nn.elu(nn.tensor([-1, 2])), [-0.6321205588285577, 2]);
          expectValues(nn.log(nn.tensor([0, -1])), [-Infinity, NaN]);
          expectValues(nn.rsqrt(nn.tensor([0, 4])), [Infinity, 0.5]);
          expectValues(nn.sign(nn.tensor([-3, -0, 2, NaN])), [-1, 0, 1, 0]);
        });
      });

      it('keeps int32 for neg, abs, square, sign, floor, ceil, round and relu; float ops give float32', () => {
        nn.tidy(() => {
          const i = nn.tensor([-3, 0, 2], undefined, 'int32');
          expectValues(nn.neg(i), [3, 0, -2], 'int32');
          expectValues(i.abs(), [3, 0, 2], 'int32');
          expectValues(i.square(), [9, 0, 4], 'int32');
          expectValues(i.sign(), [-1, 0, 1], 'int32');
          expectValues(i.floor(), [-3, 0, 2], 'int32');
          expectValues(i.round(), [-3, 0, 2], 'int32');
          expectValues(i.relu(), [0, 0, 2], 'int32');
          expectValues(i.exp(), [Math.exp(-3), 1, Math.exp(2)]);
          expectValues(i.sqrt(), [NaN, 0, Math.SQRT2]);
          expectValues(nn.tensor([true, false]).sigmoid(), [sigmoid(1), 0.5]);
          expectValues(nn.tensor([true, false]).abs(), [1, 0], 'int32');
        });
      });

      it('keeps 0-d and empty shapes', () => {
        nn.tidy(() => {
          for (const [, op] of UNARY) {
            expect(op(nn.scalar(0.25)).shape).toEqual([]);
            expect(op(nn.zeros([3, 0])).shape).toEqual([3, 0]);
          }
        });
      });
    });

    describe('clip', () => {
      it('clamps to either bound or both, lets NaN through and gives max where min > max', () => {
        nn.tidy(() => {
          const x = nn.tensor([-2, -0.5, 0.5, 2, NaN]);
          expectValues(nn.clip(x, -1, 1), [-1, -0.5, 0.5, 1, NaN]);
          expectValues(x.clamp(0), [0, 0, 0.5, 2, NaN]);
          expectValues(x.clip(undefined, 0), [-2, -0.5, 0, 0, NaN]);
          expectValues(x.clip(null, 0), [-2, -0.5, 0, 0, NaN]);
          expectValues(nn.clip(x, 1, -1), [-1, -1, -1, -1, NaN]);
        });
      });

      it('keeps int32 with integer bounds and gives float32 with a fractional one', () => {
        nn.tidy(() => {
          const i = nn.tensor([-5, 0, 5], undefined, 'int32');
          expectValues(i.clip(-2, 3), [-2, 0, 3], 'int32');
          expectValues(i.clip(-2.5), [-2.5, 0, 5]);
        });
      });

      it('broadcasts tensor bounds', () => {
        nn.tidy(() => {
          const x = nn.tensor([[-3, 0, 3], [-3, 0, 3]]);
          expectValues(x.clip(nn.tensor([[-1], [-4]]), nn.tensor([2, 2, 1])), [[-1, 0, 1], [-3, 0, 1]]);
        });
      });
    });

    describe('binary ops', () => {
      it('follow PyTorch type promotion: bool < int32 < float32, a JS number takes the tensor kind', () => {
        nn.tidy(() => {
          const i = nn.tensor([1, 2, 3], undefined, 'int32');
          const f = nn.tensor([0.5, 1, 1.5]);
          const b = nn.tensor([true, false, true]);
          expectValues(nn.add(i, i), [2, 4, 6], 'int32');
          expectValues(i.add(2), [3, 4, 5], 'int32');
          expectValues(i.add(0.5), [1.5, 2.5, 3.5]);
          expectValues(i.mul(f), [0.5, 2, 4.5]);
          expectValues(b.add(1), [2, 1, 2], 'int32');
          expectValues(b.add(0.5), [1.5, 0.5, 1.5]);
          expectValues(b.mul(i), [1, 0, 3], 'int32');
          expectValues(nn.sub(10, i), [9, 8, 7], 'int32');
          expectValues(nn.add(1, 2), 3);
        });
      });

      it('adds two bools as or, multiplies them as and', () => {
        nn.tidy(() => {
          const p = nn.tensor([true, true, false, false]);
          const q = nn.tensor([true, false, true, false]);
          expectValues(p.add(q), [1, 1, 1, 0], 'bool');
          expectValues(p.mul(q), [1, 0, 0, 0], 'bool');
        });
      });

      it('divides truly: int32 / int32 is float32', () => {
        nn.tidy(() => {
          expectValues(nn.div(nn.tensor([1, -7, 0], undefined, 'int32'), nn.tensor([2, 2, 0], undefined, 'int32')), [0.5, -3.5, NaN]);
          expectValues(nn.div(1, nn.tensor([0, -0, 4])), [Infinity, -Infinity, 0.25]);
        });
      });

      it('raises to scalar and tensor powers, on either side', () => {
        nn.tidy(() => {
          const x = nn.tensor([1, 4, 9]);
          expectValues(x.pow(0.5), [1, 2, 3]);
          expectValues(x.pow(-0.5), [1, 0.5, 1 / 3]);
          expectValues(x.pow(2.5), [1, 32, 243]);
          expectValues(nn.pow(2, nn.tensor([0, 3, -1])), [1, 8, 0.5]);
          expectValues(x.pow(nn.tensor([[0], [1]])), [[1, 1, 1], [1, 4, 9]]);
          expectValues(nn.pow(nn.tensor([2, 3], undefined, 'int32'), 2), [4, 9], 'int32');
          expectValues(nn.pow(nn.tensor([4], undefined, 'int32'), 0.5), [2]);
          expectValues(nn.pow(nn.tensor([-8, -1]), nn.tensor([1 / 3, Infinity])), [NaN, 1]);
        });
      });

      it('takes maximum and minimum with NaN propagating, on bools too', () => {
        nn.tidy(() => {
          const a = nn.tensor([1, NaN, 3, -0.5]);
          const b = nn.tensor([2, 0, NaN, -1]);
          expectValues(nn.maximum(a, b), [2, NaN, NaN, -0.5]);
          expectValues(a.minimum(b), [1, NaN, NaN, -1]);
          expectValues(nn.maximum(nn.tensor([true, false]), nn.tensor([false, false])), [1, 0], 'bool');
          expectValues(nn.minimum(nn.tensor([3, 1], undefined, 'int32'), 2), [2, 1], 'int32');
        });
      });

      it('compares into bool, with NaN unequal to everything', () => {
        nn.tidy(() => {
          const a = nn.tensor([1, 2, NaN]);
          expectValues(a.eq(2), [0, 1, 0], 'bool');
          expectValues(a.ne(2), [1, 0, 1], 'bool');
          expectValues(a.lt(2), [1, 0, 0], 'bool');
          expectValues(a.le(2), [1, 1, 0], 'bool');
          expectValues(a.gt(1), [0, 1, 0], 'bool');
          expectValues(a.ge(1), [1, 1, 0], 'bool');
          expectValues(nn.eq(nn.tensor([1, 2], undefined, 'int32'), 1.5), [0, 0], 'bool');
          expectValues(nn.lt(nn.tensor([1, 2], undefined, 'int32'), 1.5), [1, 0], 'bool');
          expectValues(nn.eq(nn.tensor([true, false]), 1), [1, 0], 'bool');
          expectValues(nn.gt(nn.tensor([[1], [3]]), nn.tensor([0, 2, 4])), [[1, 0, 0], [1, 1, 0]], 'bool');
        });
      });

      it('computes logical ops on any dtype, nonzero (and NaN) being true', () => {
        nn.tidy(() => {
          const a = nn.tensor([0, 1.5, NaN, 0]);
          const b = nn.tensor([1, 1, 1, 0], undefined, 'int32');
          expectValues(nn.logicalAnd(a, b), [0, 1, 1, 0], 'bool');
          expectValues(a.logicalOr(b), [1, 1, 1, 0], 'bool');
          expectValues(a.logicalXor(b), [1, 0, 0, 0], 'bool');
          expectValues(a.logicalNot(), [1, 0, 0, 1], 'bool');
          expectValues(nn.logicalNot(nn.tensor([true, false])), [0, 1], 'bool');
        });
      });

      it('keeps 0-d and empty shapes through broadcasting', () => {
        nn.tidy(() => {
          expect(nn.add(nn.scalar(1), nn.scalar(2)).shape).toEqual([]);
          expect(nn.mul(nn.zeros([0, 3]), nn.ones([3])).shape).toEqual([0, 3]);
          expect(nn.lt(nn.zeros([2, 1, 0]), nn.zeros([5, 1])).shape).toEqual([2, 5, 0]);
          expect(nn.where(nn.zeros([0], { dtype: 'bool' }), 1, 2).shape).toEqual([0]);
        });
      });
    });

    describe('where', () => {
      it('selects with three-way broadcasting', () => {
        nn.tidy(() => {
          const condition = nn.tensor([[true], [false], [true]]);
          const a = nn.tensor([1, 2, 3, 4]);
          expectValues(nn.where(condition, a, 0), [[1, 2, 3, 4], [0, 0, 0, 0], [1, 2, 3, 4]]);
          expectValues(nn.where(nn.tensor([true, false]), nn.tensor([[1], [2]]), nn.tensor([[10], [20]])), [[1, 10], [2, 20]]);
          expectValues(nn.where(true, 1, 2), 1);
          expectValues(a.where(a.gt(2), -1), [-1, -1, 3, 4]);
        });
      });

      it('promotes a and b together', () => {
        nn.tidy(() => {
          const c = nn.tensor([true, false]);
          expectValues(nn.where(c, nn.tensor([1, 2], undefined, 'int32'), 0), [1, 0], 'int32');
          expectValues(nn.where(c, nn.tensor([1, 2], undefined, 'int32'), 0.5), [1, 0.5]);
          expectValues(nn.where(c, nn.tensor([1, 2], undefined, 'int32'), nn.tensor([7, 8])), [1, 8]);
          expectValues(nn.where(c, nn.tensor([NaN, 1]), nn.tensor([2, NaN])), [NaN, NaN]);
        });
      });
    });

    describe('errors, thrown before any kernel runs', () => {
      const x = (): Tensor => nn.tensor([[1, 2, 3], [4, 5, 6]]);
      const BINARY: [string, (a: nn.TensorLike, b: nn.TensorLike) => Tensor][] = [
        ['add', nn.add],
        ['sub', nn.sub],
        ['mul', nn.mul],
        ['div', nn.div],
        ['maximum', nn.maximum],
        ['minimum', nn.minimum],
        ['eq', nn.eq],
        ['ne', nn.ne],
        ['lt', nn.lt],
        ['le', nn.le],
        ['gt', nn.gt],
        ['ge', nn.ge],
        ['logicalAnd', nn.logicalAnd],
        ['logicalOr', nn.logicalOr],
        ['logicalXor', nn.logicalXor],
      ];

      it('names the op and both shapes when shapes do not broadcast', () => {
        nn.tidy(() => {
          for (const [name, op] of BINARY) {
            expectRejected(() => op(x(), nn.ones([4])), new RegExp(`^${name}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast together$`));
          }
          expectRejected(() => nn.pow(nn.ones([2, 3]), nn.ones([2])), /^pow: shapes \[2,3\] and \[2\] cannot be broadcast together$/);
          expectRejected(() => nn.add(nn.tensor([1, 2], undefined, 'int32'), nn.ones([3])), /^add: shapes \[2\] and \[3\]/);
          expectRejected(
            () => nn.where(nn.ones([2, 1], { dtype: 'bool' }), nn.ones([3]), nn.ones([4])),
            /^where: shapes \[2,1\] \(condition\), \[3\] \(a\) and \[4\] \(b\) cannot be broadcast together$/,
          );
          expectRejected(() => nn.where(nn.ones([2], { dtype: 'bool' }), nn.ones([3]), 0), /^where: shapes \[2\] \(condition\), \[3\] \(a\) and \[\] \(b\)/);
          expectRejected(() => nn.clip(x(), nn.ones([4])), /^maximum: shapes \[2,3\] and \[4\]/);
        });
      });

      it('rejects arguments that are not tensors, numbers, booleans or arrays', () => {
        nn.tidy(() => {
          expectRejected(() => nn.add(x(), 'one' as unknown as number), /^add: argument 'b' must be a Tensor, number, boolean or array, got string$/);
          expectRejected(() => nn.mul(null as unknown as number, x()), /^mul: argument 'a' must be a Tensor, number, boolean or array, got null$/);
          expectRejected(() => nn.exp({} as unknown as number), /^exp: argument 'x' must be a Tensor/);
          expectRejected(() => nn.pow(x(), undefined as unknown as number), /^pow: argument 'exponent' must be a Tensor/);
          expectRejected(() => nn.where(nn.tensor([true]), 'a' as unknown as number, 1), /^where: argument 'a' must be a Tensor/);
          expectRejected(() => nn.add(nn.tensor([1]), [[1, 2], [3]]), /^add: argument 'b': .*ragged/);
        });
      });

      it('rejects disposed tensors', () => {
        const t = nn.tensor([1, 2]);
        t.dispose();
        expectRejected(() => nn.add(t, 1), /^add: argument 'a' is a disposed tensor$/);
        expectRejected(() => nn.relu(t), /^relu: argument 'x' is a disposed tensor$/);
        expectRejected(() => nn.where(nn.tensor([true]), 1, t), /^where: argument 'b' is a disposed tensor$/);
      });

      it('rejects dtypes PyTorch rejects', () => {
        nn.tidy(() => {
          const b = nn.tensor([true, false]);
          expectRejected(() => nn.neg(b), /^neg: not supported for bool tensors; use logicalNot$/);
          expectRejected(() => nn.sub(b, b), /^sub: subtracting two bool tensors is not supported; use logicalXor$/);
          expectRejected(() => nn.where(nn.tensor([1, 0]), 1, 2), /^where: condition must be a bool tensor, got float32/);
          expectRejected(() => nn.where(nn.tensor([1, 0], undefined, 'int32'), 1, 2), /^where: condition must be a bool tensor, got int32/);
          expectRejected(() => nn.pow(nn.tensor([2], undefined, 'int32'), -1), /^pow: integers to negative integer powers are not allowed \(exponent -1\)/);
          expectRejected(() => nn.cast(b, 'float64' as nn.DType), /^cast: unknown dtype 'float64', expected one of float32, int32, bool$/);
        });
      });

      it('rejects out-of-range attributes', () => {
        nn.tidy(() => {
          expectRejected(() => nn.leakyRelu(x(), { negativeSlope: NaN }), /^leakyRelu: negativeSlope must be a finite number, got NaN$/);
          expectRejected(() => nn.leakyRelu(x(), { negativeSlope: '0.1' as unknown as number }), /^leakyRelu: negativeSlope must be a finite number, got 0.1$/);
          expectRejected(() => nn.elu(x(), { alpha: Infinity }), /^elu: alpha must be a finite number, got Infinity$/);
          expectRejected(() => nn.gelu(x(), { approximate: 'fast' as 'tanh' }), /^gelu: approximate must be 'none' or 'tanh', got 'fast'$/);
          expectRejected(() => nn.softplus(x(), { beta: 0 }), /^softplus: beta must not be 0$/);
          expectRejected(() => nn.softplus(x(), { beta: NaN }), /^softplus: beta must be a finite number, got NaN$/);
          expectRejected(() => nn.softplus(x(), { beta: 1, threshold: NaN }), /^softplus: threshold must be a number, got NaN$/);
          expectRejected(() => nn.clip(x()), /^clip: at least one of min and max must be given$/);
          expectRejected(() => nn.clip(x(), NaN, 1), /^clip: min must be a number, a tensor or undefined, got NaN$/);
          expectRejected(() => nn.clip(x(), 0, '1' as unknown as number), /^clip: max must be a number, a tensor or undefined, got 1$/);
        });
      });
    });

    it('frees every intermediate inside tidy', () => {
      const before = nn.memory();
      nn.tidy(() => {
        const x = nn.randn([4, 5]);
        for (let i = 0; i < 50; i++) nn.where(x.gt(0), x.mul(2).add(1).gelu(), x.clip(-1, 1).sigmoid()).pow(2).logicalNot();
      });
      const after = nn.memory();
      expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    });
  });
}
