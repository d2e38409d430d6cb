/**
 * Property tests: ops on random shapes and attribute combinations (seeded with manualSeed,
 * so every run draws the same ones) against the naive loops of reference.ts, computed in
 * plain JavaScript from dataSync() values, so they hold on any backend.
 */
import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  add,
  addmm,
  avgPool2d,
  conv2d,
  convTranspose2d,
  div,
  eq,
  full,
  ge,
  getGenerator,
  linear,
  lt,
  manualSeed,
  matmul,
  maximum,
  maxPool2d,
  minimum,
  mul,
  ones,
  permute,
  pow,
  rand,
  randint,
  randn,
  reshape,
  sub,
  tidy,
  transpose,
  type Tensor,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { ACCUMULATING_TOLERANCE, compareValues, DEFAULT_TOLERANCE, type Expected, type Tolerance } from '../compare.js';
import {
  adaptivePool2dRef,
  avgPool2dRef,
  broadcastBinary,
  conv2dRef,
  convTranspose2dRef,
  matmulRef,
  maxPool2dRef,
  permuteRef,
  poolOutputSize,
  type ConvParams,
} from '../reference.js';

/** Uniform integer in [low, high], from the seeded generator. */
const int = (low: number, high: number): number => getGenerator().nextInt(low, high + 1);
const chance = (p: number): boolean => getGenerator().nextFloat() < p;
const shuffled = <T>(items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};
const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** Collects every mismatch of a test, so one run reports them all (up to a screenful). */
class Failures {
  private readonly messages: string[] = [];

  check(label: string, actual: Tensor, expected: Expected, tolerance: Tolerance = DEFAULT_TOLERANCE): void {
    const result = compareValues(label, { shape: actual.shape, dtype: actual.dtype, values: actual.dataSync() }, expected, tolerance);
    if (!result.ok) this.messages.push(result.message);
  }

  /** Runs one trial in a tidy scope; an exception counts as a failure of that trial. */
  trial(label: string, fn: () => void): void {
    try {
      tidy(fn);
    } catch (error) {
      this.messages.push(`${label}: threw ${(error as Error).message}`);
    }
  }

  done(): void {
    if (this.messages.length > 0) {
      throw new Error(`${this.messages.length} failure(s):\n${this.messages.slice(0, 10).join('\n')}`);
    }
  }
}

/** Two shapes that broadcast: suffixes of one output shape with some axes set to 1. */
function broadcastPair(): [number[], number[]] {
  const rank = int(0, 4);
  const out = Array.from({ length: rank }, () => int(1, 4));
  const operand = (): number[] => out.slice(rank - int(0, rank)).map((d) => (chance(0.35) ? 1 : d));
  return [operand(), operand()];
}

function randomConvCase(): { xShape: number[]; wShape: number[]; params: ConvParams; bias: boolean } | null {
  const groups = int(1, 3);
  const cin = groups * int(1, 3);
  const cout = groups * int(1, 3);
  const k: [number, number] = [int(1, 4), int(1, 4)];
  const stride: [number, number] = [int(1, 3), int(1, 3)];
  const dilation: [number, number] = [int(1, 3), int(1, 3)];
  const pad: [number, number] = [int(0, 2), int(0, 2)];
  const h = int(1, 9);
  const w = int(1, 9);
  if (h + 2 * pad[0] < dilation[0] * (k[0] - 1) + 1 || w + 2 * pad[1] < dilation[1] * (k[1] - 1) + 1) return null;
  return {
    xShape: [int(1, 2), cin, h, w],
    wShape: [cout, cin / groups, k[0], k[1]],
    params: { stride, padding: [pad[0], pad[0], pad[1], pad[1]], dilation, groups },
    bias: chance(0.5),
  };
}

export function definePropertySuite(backend: string): void {
  describe(`properties on random shapes (${backend})`, () => {
    it('broadcasts binary ops like a naive loop', () => {
      manualSeed(101);
      const f = new Failures();
      const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
        ['add', add, (x, y) => x + y],
        ['sub', sub, (x, y) => x - y],
        ['mul', mul, (x, y) => x * y],
        ['div', div, (x, y) => x / y],
        ['maximum', maximum, Math.max],
        ['minimum', minimum, Math.min],
        ['pow', pow, Math.pow],
      ];
      for (let trial = 0; trial < 40; trial++) {
        const [aShape, bShape] = broadcastPair();
        for (const [name, fn, ref] of ops) {
          f.trial(`${name} ${fmt(aShape)} ${fmt(bShape)}`, () => {
            // Positive operands away from zero keep div and pow well defined.
            const a = add(rand(aShape), 0.5);
            const b = name === 'pow' ? mul(randn(bShape), 2) : add(rand(bShape), 0.5);
            const expected = broadcastBinary(aShape, a.dataSync(), bShape, b.dataSync(), ref);
            f.check(`${name} ${fmt(aShape)} ${fmt(bShape)}`, fn(a, b), expected);
          });
        }
        const comparisons: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => boolean][] = [
          ['eq', eq, (x, y) => x === y],
          ['lt', lt, (x, y) => x < y],
          ['ge', ge, (x, y) => x >= y],
        ];
        for (const [name, fn, ref] of comparisons) {
          f.trial(`${name} ${fmt(aShape)} ${fmt(bShape)}`, () => {
            // Small integers, so that equality happens often.
            const a = randint(-2, 3, aShape).cast('float32');
            const b = randint(-2, 3, bShape).cast('float32');
            const expected = broadcastBinary(aShape, a.dataSync(), bShape, b.dataSync(), (x, y) => (ref(x, y) ? 1 : 0));
            f.check(`${name} ${fmt(aShape)} ${fmt(bShape)}`, fn(a, b), { ...expected, dtype: 'bool' });
          });
        }
      }
      f.done();
      tidy(() => {
        expect(() => add(rand([2, 3]), rand([4]))).toThrow(/add: .*\[2,3\].*\[4\]/);
        expect(() => mul(rand([2, 1, 3]), rand([4, 2]))).toThrow(/mul: .*\[2,1,3\].*\[4,2\]/);
      });
    });

    it('permutes, transposes and reshapes like index arithmetic, and round-trips', () => {
      manualSeed(202);
      const f = new Failures();
      for (let trial = 0; trial < 40; trial++) {
        const shape = Array.from({ length: int(1, 5) }, () => int(1, 4));
        const perm = shuffled(shape.map((_, i) => i));
        const label = `${fmt(shape)} perm ${fmt(perm)}`;
        f.trial(label, () => {
          const x = randn(shape);
          const values = x.dataSync();
          const y = permute(x, perm);
          f.check(`permute ${label}`, y, permuteRef(shape, values, perm), DEFAULT_TOLERANCE);
          const inverse = perm.map((_, i) => perm.indexOf(i));
          f.check(`permute back ${label}`, permute(y, inverse), { shape, data: values }, { atol: 0, rtol: 0 });
          const d0 = int(0, shape.length - 1);
          const d1 = int(0, shape.length - 1);
          const swap = shape.map((_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
          const t = transpose(x, d0 - shape.length * int(0, 1), d1);
          f.check(`transpose(${d0},${d1}) ${fmt(shape)}`, t, permuteRef(shape, values, swap), { atol: 0, rtol: 0 });
          f.check(`transpose twice ${fmt(shape)}`, transpose(t, d0, d1), { shape, data: values }, { atol: 0, rtol: 0 });
          // A reshape into the same factors in another order, with one axis inferred, keeps row-major order.
          const target = shuffled(shape);
          const inferred = target.map((d, i) => (i === 0 ? -1 : d));
          const r = reshape(y, inferred);
          f.check(`reshape ${fmt(y.shape)} -> ${fmt(inferred)}`, r, { shape: target, data: y.dataSync() }, { atol: 0, rtol: 0 });
          f.check(`reshape back ${fmt(target)} -> ${fmt(y.shape)}`, reshape(r, y.shape), { shape: [...y.shape], data: y.dataSync() }, { atol: 0, rtol: 0 });
        });
      }
      f.done();
    });

    it('multiplies matrices like a naive loop: 1-D operands, broadcast batches, size-1 axes, odd sizes', () => {
      manualSeed(303);
      const shapes: [number[], number[]][] = [
        [[4], [4]],
        [[1], [1]],
        [[3], [3, 5]],
        [[3, 5], [5]],
        [[4], [2, 4, 3]],
        [[2, 3, 4], [4]],
        [[1, 1], [1, 1]],
        [[7, 1], [1, 9]],
        [[1, 6], [6, 1]],
        [[2, 3, 4], [4, 5]],
        [[3, 4], [2, 4, 5]],
        [[2, 1, 3, 4], [5, 4, 2]],
        [[1, 5, 6], [3, 6, 1]],
        [[17, 33], [33, 65]],
        [[2, 31, 70], [70, 37]],
        [[65, 130], [130, 67]],
      ];
      for (let trial = 0; trial < 12; trial++) {
        const m = int(1, 40);
        const k = int(1, 40);
        const n = int(1, 40);
        const batch = Array.from({ length: int(0, 2) }, () => int(1, 3));
        const batchA = batch.slice(int(0, batch.length)).map((d) => (chance(0.3) ? 1 : d));
        const batchB = batch.slice(int(0, batch.length)).map((d) => (chance(0.3) ? 1 : d));
        shapes.push([[...batchA, m, k], [...batchB, k, n]]);
      }
      const f = new Failures();
      for (const [aShape, bShape] of shapes) {
        const label = `matmul ${fmt(aShape)} @ ${fmt(bShape)}`;
        f.trial(label, () => {
          const a = randn(aShape);
          const b = randn(bShape);
          f.check(label, matmul(a, b), matmulRef(aShape, a.dataSync(), bShape, b.dataSync()), ACCUMULATING_TOLERANCE);
        });
      }
      f.done();
      tidy(() => {
        expect(() => matmul(rand([2, 3]), rand([4, 5]))).toThrow(/matmul: .*\[2,3\].*\[4,5\]/);
      });
    });

    it('addmm and linear add their addend to the product, for every addend shape that broadcasts, with beta and alpha', () => {
      manualSeed(405);
      // [m, k, n, addend shape]: narrow products over many rows (a small layer over a grid),
      // one row, wide ones, and every way an addend broadcasts to [m, n].
      const cases: [number, number, number, number[]][] = [
        [10_000, 6, 8, [8]], [300, 8, 1, [1]], [40, 8, 2, [1, 2]], [17, 3, 5, [17, 5]], [33, 70, 37, [37]],
        [1, 4, 3, [3]], [5, 4, 3, [5, 1]], [5, 4, 3, []], [6, 2, 7, [1, 1]], [20, 16, 8, [8]],
      ];
      for (let trial = 0; trial < 6; trial++) cases.push([int(1, 60), int(1, 20), int(1, 12), chance(0.5) ? [0] : [0, 0]]);
      const f = new Failures();
      for (const [m, k, n, given] of cases) {
        const biasShape = given.length > 0 && given[0] === 0 ? (given.length === 1 ? [n] : [m, n]) : given;
        const product = (a: Tensor, w: Tensor): Expected => matmulRef([m, k], a.dataSync(), [k, n], w.dataSync());
        const plus = (p: Expected, bias: Tensor, beta = 1, alpha = 1): Expected => {
          const values = Float64Array.from(p.data, (v) => v * alpha);
          const scaled = Float64Array.from(bias.dataSync(), (v) => v * beta);
          return broadcastBinary([m, n], values, biasShape, scaled, (x, y) => x + y);
        };
        const label = `addmm ${fmt(biasShape)} + [${m},${k}] @ [${k},${n}]`;
        f.trial(label, () => {
          const a = randn([m, k]);
          const b = randn([k, n]);
          const bias = randn(biasShape);
          f.check(label, addmm(bias, a, b), plus(product(a, b), bias), ACCUMULATING_TOLERANCE);
          f.check(`${label} beta 0.5 alpha -2`, addmm(bias, a, b, { beta: 0.5, alpha: -2 }), plus(product(a, b), bias, 0.5, -2), ACCUMULATING_TOLERANCE);
          if (biasShape.length === 1 && biasShape[0] === n) {
            // linear(x, W, b) = x·Wᵀ + b, with the same numbers: W = bᵀ of the product.
            f.check(`linear ${label}`, linear(a, transpose(b, 0, 1), bias), plus(product(a, b), bias), ACCUMULATING_TOLERANCE);
          }
        });
      }
      f.done();
      tidy(() => {
        expect(() => addmm(rand([3]), rand([2, 4]), rand([4, 5]))).toThrow(/addmm: input of shape \[3\] cannot be broadcast to the product's shape \[2,5\]/);
        expect(() => addmm(rand([5]), rand([2, 4]), rand([3, 5]))).toThrow(/addmm: inner dimensions differ: \[2,4\] @ \[3,5\]/);
        expect(() => addmm(rand([5]), rand([2, 2, 4]), rand([4, 5]))).toThrow(/addmm: mat1 and mat2 must be 2-D/);
        // beta = 0 ignores the addend, NaN included, as torch.addmm.
        expect([...addmm(full([2], NaN), ones([1, 3]), ones([3, 2]), { beta: 0 }).dataSync()]).toEqual([3, 3]);
      });
    });

    it('convolves like the 7-loop definition over stride, padding, dilation and groups', () => {
      manualSeed(404);
      const f = new Failures();
      const cases: { xShape: number[]; wShape: number[]; params: ConvParams; bias: boolean; padding?: 'same' }[] = [
        // Big enough for a blocked or im2col path.
        { xShape: [2, 8, 12, 12], wShape: [16, 8, 3, 3], params: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 }, bias: true },
        { xShape: [1, 6, 15, 13], wShape: [6, 1, 3, 3], params: { stride: [2, 2], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 6 }, bias: false },
        { xShape: [2, 4, 9, 9], wShape: [8, 2, 5, 5], params: { stride: [1, 1], padding: [4, 4, 4, 4], dilation: [2, 2], groups: 2 }, bias: true },
        { xShape: [1, 3, 16, 16], wShape: [5, 3, 7, 7], params: { stride: [2, 2], padding: [3, 3, 3, 3], dilation: [1, 1], groups: 1 }, bias: true },
        // 'same' with an even kernel pads one more at the bottom/right, as PyTorch does.
        { xShape: [1, 2, 6, 7], wShape: [3, 2, 4, 2], params: { stride: [1, 1], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 1 }, bias: false, padding: 'same' },
        { xShape: [1, 2, 8, 8], wShape: [2, 2, 3, 3], params: { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [2, 2], groups: 1 }, bias: true, padding: 'same' },
      ];
      while (cases.length < 40) {
        const c = randomConvCase();
        if (c) cases.push(c);
      }
      for (const c of cases) {
        const { stride, padding, dilation, groups } = c.params;
        const label = `conv2d x ${fmt(c.xShape)} w ${fmt(c.wShape)} stride ${fmt(stride)} padding ${c.padding ?? fmt(padding)} dilation ${fmt(dilation)} groups ${groups}${c.bias ? ' bias' : ''}`;
        f.trial(label, () => {
          const x = randn(c.xShape);
          const w = randn(c.wShape);
          const b = c.bias ? randn([c.wShape[0]]) : null;
          const y = conv2d(x, w, b, { stride, padding: c.padding ?? [padding[0], padding[2]], dilation, groups });
          f.check(label, y, conv2dRef(c.xShape, x.dataSync(), c.wShape, w.dataSync(), b?.dataSync() ?? null, c.params), ACCUMULATING_TOLERANCE);
        });
      }
      f.done();
    });

    it('transposed-convolves like the scatter definition, with output padding and groups', () => {
      manualSeed(505);
      const f = new Failures();
      let trials = 0;
      while (trials < 30) {
        const groups = int(1, 3);
        const cin = groups * int(1, 3);
        const coutPerGroup = int(1, 3);
        const k: [number, number] = [int(1, 4), int(1, 4)];
        const stride: [number, number] = [int(1, 3), int(1, 3)];
        const dilation: [number, number] = [int(1, 2), int(1, 2)];
        const padding: [number, number] = [int(0, 2), int(0, 2)];
        const outputPadding: [number, number] = [int(0, Math.max(stride[0], dilation[0]) - 1), int(0, Math.max(stride[1], dilation[1]) - 1)];
        const xShape = [int(1, 2), cin, int(1, 6), int(1, 6)];
        const outH = (xShape[2] - 1) * stride[0] - 2 * padding[0] + dilation[0] * (k[0] - 1) + outputPadding[0] + 1;
        const outW = (xShape[3] - 1) * stride[1] - 2 * padding[1] + dilation[1] * (k[1] - 1) + outputPadding[1] + 1;
        if (outH < 1 || outW < 1) continue;
        trials++;
        const wShape = [cin, coutPerGroup, k[0], k[1]];
        const bias = chance(0.5);
        const params = { stride, padding, outputPadding, dilation, groups };
        const label = `convTranspose2d x ${fmt(xShape)} w ${fmt(wShape)} stride ${fmt(stride)} padding ${fmt(padding)} outputPadding ${fmt(outputPadding)} dilation ${fmt(dilation)} groups ${groups}${bias ? ' bias' : ''}`;
        f.trial(label, () => {
          const x = randn(xShape);
          const w = randn(wShape);
          const b = bias ? randn([coutPerGroup * groups]) : null;
          const y = convTranspose2d(x, w, b, params);
          f.check(label, y, convTranspose2dRef(xShape, x.dataSync(), wShape, w.dataSync(), b?.dataSync() ?? null, params), ACCUMULATING_TOLERANCE);
        });
      }
      f.done();
    });

    it('pools like naive window loops: max with indices, average, adaptive', () => {
      manualSeed(606);
      const f = new Failures();
      let trials = 0;
      while (trials < 40) {
        const shape = [int(1, 2), int(1, 3), int(1, 10), int(1, 10)];
        const kernelSize: [number, number] = [int(1, 4), int(1, 4)];
        const stride: [number, number] = [int(1, 3), int(1, 3)];
        const dilation: [number, number] = [int(1, 2), int(1, 2)];
        // PyTorch allows padding up to half the (effective) window.
        const padding: [number, number] = [int(0, Math.floor(kernelSize[0] / 2)), int(0, Math.floor(kernelSize[1] / 2))];
        const ceilMode = chance(0.5);
        const outMax = [0, 1].map((a) => poolOutputSize(shape[2 + a], kernelSize[a], stride[a], padding[a], dilation[a], ceilMode));
        const outAvg = [0, 1].map((a) => poolOutputSize(shape[2 + a], kernelSize[a], stride[a], padding[a], 1, ceilMode));
        if (Math.min(...outMax, ...outAvg) < 1) continue;
        trials++;
        const windowText = `k ${fmt(kernelSize)} s ${fmt(stride)} p ${fmt(padding)}${ceilMode ? ' ceil' : ''}`;
        f.trial(`maxPool2d ${fmt(shape)} ${windowText} d ${fmt(dilation)}`, () => {
          const x = randn(shape);
          const params = { kernelSize, stride, padding, dilation, ceilMode };
          const { values, indices } = maxPool2d(x, kernelSize, { stride, padding, dilation, ceilMode, returnIndices: true });
          const ref = maxPool2dRef(shape, x.dataSync(), params);
          // A dilated window can fall entirely into the padding; PyTorch's index there is arbitrary.
          if (ref.indices.data.includes(-1)) return;
          f.check(`maxPool2d ${fmt(shape)} ${windowText} d ${fmt(dilation)}`, values, ref.values);
          f.check(`maxPool2d indices ${fmt(shape)} ${windowText} d ${fmt(dilation)}`, indices, { ...ref.indices, integer: true });
        });
        const countIncludePad = chance(0.5);
        const divisorOverride = chance(0.2) ? int(1, 5) : null;
        const avgText = `${windowText}${countIncludePad ? ' countIncludePad' : ''}${divisorOverride ? ` divisor ${divisorOverride}` : ''}`;
        f.trial(`avgPool2d ${fmt(shape)} ${avgText}`, () => {
          const x = randn(shape);
          const params = { kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride };
          f.check(`avgPool2d ${fmt(shape)} ${avgText}`, avgPool2d(x, kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride }), avgPool2dRef(shape, x.dataSync(), params));
        });
        const outputSize: [number, number] = [int(1, shape[2] + 2), int(1, shape[3] + 2)];
        f.trial(`adaptive pools ${fmt(shape)} -> ${fmt(outputSize)}`, () => {
          const x = randn(shape);
          const avg = adaptivePool2dRef(shape, x.dataSync(), outputSize[0], outputSize[1], 'avg');
          f.check(`adaptiveAvgPool2d ${fmt(shape)} -> ${fmt(outputSize)}`, adaptiveAvgPool2d(x, outputSize), avg.values);
          const max = adaptivePool2dRef(shape, x.dataSync(), outputSize[0], outputSize[1], 'max');
          const { values, indices } = adaptiveMaxPool2d(x, outputSize, { returnIndices: true });
          f.check(`adaptiveMaxPool2d ${fmt(shape)} -> ${fmt(outputSize)}`, values, max.values);
          f.check(`adaptiveMaxPool2d indices ${fmt(shape)} -> ${fmt(outputSize)}`, indices, { ...max.indices, integer: true });
        });
      }
      f.done();
    });
  });
}
