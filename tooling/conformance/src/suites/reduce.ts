/**
 * Reductions on any backend: sum, mean, prod, max, min, argmax/argmin, logsumexp, variance,
 * std, softmax and logSoftmax. Values known by hand, PyTorch's conventions (dtypes, empty
 * axes, ties, NaN), a random-shape check of every reduction against one naive loop, memory
 * hygiene of the composed ones, and the error for each kind of bad argument.
 */
import {
  argmax,
  argmin,
  getGenerator,
  logSoftmax,
  logsumexp,
  manualSeed,
  max,
  maxWithIndices,
  mean,
  memory,
  min,
  minWithIndices,
  prod,
  randn,
  softmax,
  std,
  sum,
  tensor,
  tidy,
  variance,
  zeros,
  type Tensor,
  type TensorLike,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectClose(t: Tensor, expected: readonly number[], tol = 1e-5): void {
  const got = values(t);
  expect(got.length, `length of ${JSON.stringify(got)}`).toBe(expected.length);
  got.forEach((v, i) => {
    const e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) expect(v, `element ${i}`).toBe(e);
    else expect(Math.abs(v - e), `element ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(tol + tol * Math.abs(e));
  });
}

type Fold = 'sum' | 'prod' | 'max' | 'min' | 'mean' | 'var' | 'logsumexp';

/** Each reduction by definition: collect the values of every output position, then fold them in float64. */
function referenceReduce(kind: Fold, data: ArrayLike<number>, shape: readonly number[], axes: readonly number[]): number[] {
  const keptShape = shape.filter((_, i) => !axes.includes(i));
  const groups: number[][] = Array.from({ length: keptShape.reduce((a, b) => a * b, 1) }, () => []);
  for (let flat = 0; flat < data.length; flat++) {
    let rest = flat;
    let key = 0;
    let scale = 1;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const i = rest % shape[axis];
      rest = Math.floor(rest / shape[axis]);
      if (!axes.includes(axis)) {
        key += i * scale;
        scale *= shape[axis];
      }
    }
    groups[key].push(data[flat]);
  }
  return groups.map((g) => {
    const total = g.reduce((a, b) => a + b, 0);
    const m = total / g.length;
    switch (kind) {
      case 'sum': return total;
      case 'prod': return g.reduce((a, b) => a * b, 1);
      case 'max': return Math.max(...g);
      case 'min': return Math.min(...g);
      case 'mean': return m;
      case 'var': return g.reduce((a, b) => a + (b - m) ** 2, 0) / (g.length - 1);
      case 'logsumexp': return Math.log(g.reduce((a, b) => a + Math.exp(b), 0));
    }
  });
}

export function defineReduceSuite(backend: string): void {
  describe(`reductions (${backend})`, () => {
    const x = (): Tensor => tensor([[1, 2, 3], [4, 5, 6]]);

    it('reduce one axis, several, negative axes or all, with keepDim', () => {
      expect(sum(x()).toArray()).toBe(21);
      expect(sum(x(), 0).toArray()).toEqual([5, 7, 9]);
      expect(sum(x(), -1, { keepDim: true }).toArray()).toEqual([[6], [15]]);
      expect(x().sum([0, 1], { keepDim: true }).shape).toEqual([1, 1]);
      expect(mean(x(), 1).toArray()).toEqual([2, 5]);
      expect(prod(x(), 0).toArray()).toEqual([4, 10, 18]);
      expect(max(x(), 1).toArray()).toEqual([3, 6]);
      expect(min(x(), [0, 1]).toArray()).toBe(1);
      expect(x().max(0, { keepDim: true }).toArray()).toEqual([[4, 5, 6]]);
      const cube = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
      expect(sum(cube, [0, 2]).toArray()).toEqual([14, 22]);
      expect(max(cube, [2, 0], { keepDim: true }).toArray()).toEqual([[[6], [8]]]);
      expect(sum(tensor(4)).toArray()).toBe(4);
    });

    it('match the definition on random shapes and axis sets', () => {
      manualSeed(7);
      const g = getGenerator();
      const kinds: [Fold, (t: Tensor, axes: number[]) => Tensor, number][] = [
        ['sum', (t, a) => sum(t, a), 1e-5],
        ['prod', (t, a) => prod(t, a), 1e-5],
        ['max', (t, a) => max(t, a), 0],
        ['min', (t, a) => min(t, a), 0],
        ['mean', (t, a) => mean(t, a), 1e-5],
        ['var', (t, a) => variance(t, a), 1e-4],
        ['logsumexp', (t, a) => logsumexp(t, a), 1e-5],
      ];
      for (let trial = 0; trial < 60; trial++) {
        tidy(() => {
          const shape = Array.from({ length: g.nextInt(1, 5) }, () => g.nextInt(1, 6));
          const axes = shape.map((_, i) => i).filter(() => g.nextFloat() < 0.5);
          if (axes.length === 0) axes.push(shape.length - 1);
          const t = randn(shape);
          const data = t.dataSync();
          for (const [kind, run, tol] of kinds) {
            if (kind === 'var' && axes.reduce((n, a) => n * shape[a], 1) < 2) continue;
            const label = `${kind} of [${shape.join(',')}] over [${axes.join(',')}]`;
            const y = run(t, axes);
            expect(y.shape, label).toEqual(shape.filter((_, i) => !axes.includes(i)));
            const want = referenceReduce(kind, data, shape, axes);
            values(y).forEach((v, i) => expect(Math.abs(v - want[i]), label).toBeLessThanOrEqual(tol + tol * Math.abs(want[i])));
          }
        });
      }
    });

    it('follow PyTorch on dtypes: bool sums count in int32, integer means are float32, max keeps the dtype', () => {
      const flags = tensor([[true, false, true], [false, false, true]]);
      expect(sum(flags).dtype).toBe('int32');
      expect(sum(flags, 1).toArray()).toEqual([2, 1]);
      const ints = tensor([[1, 2], [3, 5]], undefined, 'int32');
      expect(sum(ints).dtype).toBe('int32');
      expect(mean(ints).dtype).toBe('float32');
      expect(mean(ints).item()).toBe(2.75);
      expect(max(ints, 1).dtype).toBe('int32');
      expect(max(flags, 1).toArray()).toEqual([true, true]);
    });

    it('give identities over empty axes: sum 0, prod 1, mean NaN, logsumexp -inf', () => {
      const empty = zeros([2, 0]);
      expect(sum(empty, 1).toArray()).toEqual([0, 0]);
      expect(prod(empty, 1).toArray()).toEqual([1, 1]);
      expect(values(mean(empty, 1)).every(Number.isNaN)).toBe(true);
      expect(logsumexp(empty, 1).toArray()).toEqual([-Infinity, -Infinity]);
      expect(sum(empty, 0).shape).toEqual([0]);
    });

    it('propagate NaN through max and min', () => {
      const t = tensor([[1, NaN], [3, 4]]);
      expect(values(max(t, 1))[0]).toBeNaN();
      expect(values(min(t, 1))[1]).toBe(3);
      expect(max(t).item()).toBeNaN();
    });

    it('argmax / argmin: int32, first occurrence on ties, NaN as the extreme, flat without an axis', () => {
      const t = tensor([[3, 7, 7], [2, 2, 1]]);
      expect(argmax(t, 1).dtype).toBe('int32');
      expect(argmax(t, 1).toArray()).toEqual([1, 0]);
      expect(argmin(t, 1).toArray()).toEqual([0, 2]);
      expect(argmax(t, 0, { keepDim: true }).toArray()).toEqual([[0, 0, 0]]);
      expect(argmax(t).toArray()).toBe(1);
      expect(argmin(t).toArray()).toBe(5);
      expect(argmax(t, undefined, { keepDim: true }).shape).toEqual([1, 1]);
      expect(t.argmax(-2).toArray()).toEqual([0, 0, 0]);
      expect(argmax(tensor([1, NaN, 5, NaN])).item()).toBe(1);
      expect(argmin(tensor([1, NaN, -5])).item()).toBe(1);
    });

    it('maxWithIndices / minWithIndices give torch.max(x, dim) values and indices', () => {
      const { values: v, indices } = maxWithIndices(tensor([[1, 9, 9], [4, 0, 2]]), 1, { keepDim: true });
      expect(v.toArray()).toEqual([[9], [4]]);
      expect(indices.toArray()).toEqual([[1], [0]]);
      const low = minWithIndices(tensor([[1, 9, 9], [4, 0, 2]]), 0);
      expect(low.values.toArray()).toEqual([1, 0, 2]);
      expect(low.indices.toArray()).toEqual([0, 1, 1]);
    });

    it('logsumexp is stable for large inputs and exact at infinities', () => {
      expectClose(logsumexp(tensor([1, 2, 3])), [3.4076059644]);
      expectClose(logsumexp(tensor([[1000, 1000], [-1000, -1000]]), 1), [1000 + Math.LN2, -1000 + Math.LN2]);
      expect(logsumexp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
      expect(logsumexp(tensor([Infinity, 1])).item()).toBe(Infinity);
      expect(logsumexp(tensor([[1, 2]]), 1, { keepDim: true }).shape).toEqual([1, 1]);
    });

    it('variance and std with correction, as torch.var(correction=)', () => {
      const t = tensor([[1, 2, 3, 4], [2, 2, 2, 2]]);
      expectClose(variance(t, 1), [5 / 3, 0]);
      expectClose(variance(t, 1, { correction: 0 }), [1.25, 0]);
      expectClose(std(t, 1), [Math.sqrt(5 / 3), 0]);
      expectClose(t.var(undefined, { correction: 0 }), [0.6875]);
      expect(std(t, 0, { keepDim: true }).shape).toEqual([1, 4]);
      // One value with Bessel's correction divides 0 by 0.
      expect(variance(tensor([5])).item()).toBeNaN();
    });

    it('softmax and logSoftmax: known values, last axis by default, stable, rows sum to one', () => {
      expectClose(softmax(tensor([1, 2, 3])), [0.09003057, 0.24472847, 0.66524096]);
      expectClose(logSoftmax(tensor([[1, 2, 3]])), [-2.40760596, -1.40760596, -0.40760596]);
      expectClose(softmax(tensor([[1000, 0], [1001, 0]]), 0), [0.26894142, 0.5, 0.73105858, 0.5]);
      expectClose(logSoftmax(tensor([-1000, 0])), [-1000, 0]);
      manualSeed(3);
      const y = softmax(randn([3, 4, 5]), 1);
      expectClose(sum(y, 1), new Array<number>(15).fill(1));
      expect(softmax(tensor([1, 2], undefined, 'int32')).dtype).toBe('float32');
    });

    it('free the intermediates of composed reductions', () => {
      const t = randn([4, 5]);
      const flags = tensor([true, false, true]);
      for (const run of [() => mean(t, 1), () => variance(t), () => std(t, 0), () => logsumexp(t, 1), () => argmax(t, undefined, { keepDim: true }), () => sum(flags)]) {
        const before = memory().numTensors;
        const y = run();
        expect(memory().numTensors).toBe(before + 1);
        y.dispose();
      }
    });

    it('reject bad arguments with the op, the axes and the shapes in the message', () => {
      const t = x();
      expect(() => sum(t, 2)).toThrow(/^sum: axis 2 is out of range for a tensor of rank 2$/);
      expect(() => mean(t, [0, -2])).toThrow(/mean: axis \[0,-2\] repeats an axis/);
      expect(() => prod(t, 1.5)).toThrow(/prod: axis 1.5 is out of range/);
      expect(() => sum(t, 0, { keepDim: 'yes' as unknown as boolean })).toThrow(/sum: keepDim must be a boolean/);
      expect(() => max(zeros([2, 0]), 1)).toThrow(/max: cannot reduce over axis 1 of size 0 \(shape \[2,0\]\)/);
      expect(() => min(zeros([0]))).toThrow(/min: cannot reduce over axis 0 of size 0/);
      expect(() => argmax(zeros([0, 3]))).toThrow(/argmax: cannot take the argmax of an empty tensor \(shape \[0,3\]\)/);
      expect(() => argmin(zeros([3, 0]), 1)).toThrow(/argmin: cannot reduce over axis 1 of size 0/);
      expect(() => argmax(t, [0, 1] as unknown as number)).toThrow(/argmax: axis must be a single integer, got \[0,1\]/);
      expect(() => argmin(t, -3)).toThrow(/argmin: axis -3 is out of range for a tensor of rank 2/);
      expect(() => maxWithIndices(t, 2)).toThrow(/maxWithIndices: axis 2 is out of range/);
      expect(() => softmax(t, 2)).toThrow(/softmax: axis 2 is out of range for a tensor of rank 2/);
      expect(() => logSoftmax(t, [0] as unknown as number)).toThrow(/logSoftmax: axis must be a single integer/);
      expect(() => variance(t, 0, { correction: NaN })).toThrow(/variance: correction must be a finite number/);
      expect(() => std(t, 5)).toThrow(/std: axis 5 is out of range/);
      expect(() => logsumexp(t, -3)).toThrow(/logsumexp: axis -3 is out of range/);
      expect(() => sum('abc' as unknown as TensorLike)).toThrow(/sum: argument 'x' must be a Tensor/);
      expect(() => mean([[1, 2], [3]])).toThrow(/mean: argument 'x': .*ragged/);
    });
  });
}
