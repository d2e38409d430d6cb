import { describe, expect, it } from 'vitest';
import { linear, matmul, memory, tensor, tidy, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { makeRng, randInt } from './test-utils/nd_reference.js';

function randomTensor(rng: () => number, shape: number[]): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return tensor(Float32Array.from({ length: size }, () => rng() * 2 - 1), shape);
}

/**
 * torch.matmul by definition, in float64: promote 1-D operands, broadcast the batch, one
 * triple loop per output matrix, then drop the promoted axes.
 */
function referenceMatmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): { shape: number[]; data: number[] } {
  const av = a.dataSync();
  const bv = b.dataSync();
  const aShape = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const ta = a.rank >= 2 && transposeA;
  const tb = b.rank >= 2 && transposeB;
  const [aR, aC] = aShape.slice(-2);
  const [bR, bC] = bShape.slice(-2);
  const [m, k, n] = [ta ? aC : aR, ta ? aR : aC, tb ? bR : bC];
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const pad = (s: number[]): number[] => [...new Array<number>(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(batchA), pad(batchB)];
  const batch = pa.map((d, i) => (d === 1 ? pb[i] : d));
  const data: number[] = [];
  const count = batch.reduce((p, d) => p * d, 1);
  for (let t = 0; t < count; t++) {
    // Index of this output matrix in each operand's own batch.
    let rest = t;
    let ia = 0;
    let ib = 0;
    let strideA = 1;
    let strideB = 1;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const coord = rest % batch[axis];
      rest = Math.floor(rest / batch[axis]);
      ia += (pa[axis] === 1 ? 0 : coord) * strideA;
      ib += (pb[axis] === 1 ? 0 : coord) * strideB;
      strideA *= pa[axis];
      strideB *= pb[axis];
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const x = av[ia * aR * aC + (ta ? p * aC + i : i * aC + p)];
          const y = bv[ib * bR * bC + (tb ? j * bC + p : p * bC + j)];
          sum += x * y;
        }
        data.push(sum);
      }
    }
  }
  const shape = [...batch];
  if (a.rank > 1) shape.push(m);
  if (b.rank > 1) shape.push(n);
  return { shape, data };
}

function expectClose(actual: Tensor, expected: { shape: number[]; data: number[] }): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe('float32');
  const values = actual.dataSync();
  expect(values.length).toBe(expected.data.length);
  for (let i = 0; i < values.length; i++) expect(Math.abs(values[i] - expected.data[i])).toBeLessThan(1e-4 * (1 + Math.abs(expected.data[i])));
}

describe('matmul', () => {
  it('multiplies 2-D matrices (exact small case)', () => {
    const y = matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[7, 8], [9, 10], [11, 12]]));
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([[58, 64], [139, 154]]);
  });

  it('follows torch.matmul for 1-D operands: dot, vector·matrix, matrix·vector, batched', () => {
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.dataSync()[0]).toBe(32);
    const rng = makeRng(1);
    const cases: [number[], number[]][] = [[[4], [4, 3]], [[3, 4], [4]], [[4], [2, 4, 5]], [[2, 3, 4], [4]], [[1], [1]]];
    for (const [sa, sb] of cases) {
      const a = randomTensor(rng, sa);
      const b = randomTensor(rng, sb);
      expectClose(matmul(a, b), referenceMatmul(a, b));
    }
  });

  it('broadcasts batch dimensions (different ranks, size-1 axes on either side)', () => {
    const rng = makeRng(2);
    const cases: [number[], number[]][] = [
      [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]], [[2, 1, 3, 4], [5, 4, 2]], [[1, 3, 4], [6, 4, 2]],
      [[7, 2, 3], [7, 3, 2]], [[2, 1, 2, 3], [1, 3, 3, 4]], [[0, 3, 4], [4, 2]], [[3, 0], [0, 4]],
    ];
    for (const [sa, sb] of cases) {
      const a = randomTensor(rng, sa);
      const b = randomTensor(rng, sb);
      expectClose(matmul(a, b), referenceMatmul(a, b));
    }
  });

  it('matches the definition on 80 random shapes with every transpose combination', () => {
    const rng = makeRng(3);
    for (let trial = 0; trial < 80; trial++) {
      const [m, k, n] = [randInt(rng, 1, 40), randInt(rng, 1, 40), randInt(rng, 1, 40)];
      const batchRank = randInt(rng, 0, 2);
      const batch = Array.from({ length: batchRank }, () => randInt(rng, 1, 3));
      const batchB = batch.map((d) => (rng() < 0.3 ? 1 : d)).slice(randInt(rng, 0, batchRank));
      const transposeA = (trial & 1) === 1;
      const transposeB = (trial & 2) === 2;
      const a = randomTensor(rng, [...batch, ...(transposeA ? [k, m] : [m, k])]);
      const b = randomTensor(rng, [...batchB, ...(transposeB ? [n, k] : [k, n])]);
      expectClose(matmul(a, b, { transposeA, transposeB }), referenceMatmul(a, b, transposeA, transposeB));
    }
  });

  it('runs large products through the blocked GEMM correctly', () => {
    const rng = makeRng(4);
    const a = randomTensor(rng, [2, 131, 300]);
    const b = randomTensor(rng, [300, 97]);
    expectClose(a.matmul(b), referenceMatmul(a, b));
  });

  it('keeps int32 operands int32, as PyTorch (see int32.test.ts)', () => {
    const y = matmul(tensor([[1, 2], [3, 4]], undefined, 'int32'), tensor([[1], [1]], undefined, 'int32'));
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[3], [7]]);
  });

  it('frees everything it makes inside tidy', () => {
    const before = memory().numTensors;
    tidy(() => {
      matmul(tensor([1, 2]), tensor([[1, 2], [3, 4]], undefined, 'int32'));
      matmul(tensor([[1, 2]]), tensor([3, 4]));
    });
    expect(memory().numTensors).toBe(before);
  });

  it('names the op and the shapes when the arguments are wrong', () => {
    expect(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor(new Float32Array(20), [4, 5]))).toThrow(/^matmul: inner dimensions differ: \[2,3\] @ \[4,5\]$/);
    expect(() => matmul(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/matmul: inner dimensions differ: \[3\] @ \[2\]/);
    expect(() => matmul(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [3, 2]), { transposeA: true })).toThrow(/matmul: inner dimensions differ: \[2,3\]ᵀ @ \[3,2\]/);
    expect(() => matmul(tensor(new Float32Array(24), [2, 3, 4]), tensor(new Float32Array(60), [3, 4, 5]))).toThrow(/matmul: batch dimensions \[2\] and \[3\] cannot be broadcast: \[2,3,4\] @ \[3,4,5\]/);
    expect(() => matmul(tensor(3), tensor([1, 2]))).toThrow(/matmul: both arguments need at least one dimension, got shapes \[\] and \[2\]/);
    expect(() => matmul(tensor([true, false]), tensor([1, 2]))).toThrow(/matmul: argument 'a' has dtype bool/);
  });
});

describe('linear', () => {
  it('computes x·Wᵀ + b with PyTorch weight layout [out, in]', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const w = tensor([[1, 0], [0, 1], [1, 1]]);
    expect(linear(x, w, tensor([10, 20, 30])).toArray()).toEqual([[11, 22, 33], [13, 24, 37], [15, 26, 41]]);
    expect(linear(x, w).toArray()).toEqual([[1, 2, 3], [3, 4, 7], [5, 6, 11]]);
    expect(x.linear(w, null).shape).toEqual([3, 3]);
  });

  it('accepts 1-D and batched inputs', () => {
    const rng = makeRng(5);
    const w = randomTensor(rng, [6, 5]);
    const bias = randomTensor(rng, [6]);
    for (const shape of [[5], [4, 5], [2, 3, 5], [0, 5]]) {
      const x = randomTensor(rng, shape);
      const expected = referenceMatmul(x, w, false, true);
      const bv = bias.dataSync();
      expectClose(linear(x, w, bias), { shape: expected.shape, data: expected.data.map((v, i) => v + bv[i % 6]) });
    }
  });

  it('names the op and the shapes when the arguments are wrong', () => {
    const w = tensor(new Float32Array(12), [3, 4]);
    expect(() => linear(tensor(new Float32Array(10), [2, 5]), w)).toThrow(/^linear: input has 5 features but weight expects 4: input \[2,5\], weight \[3,4\]$/);
    expect(() => linear(tensor([1, 2, 3, 4]), tensor([1, 2, 3, 4]))).toThrow(/linear: weight must be 2-D \[out, in\], got shape \[4\]/);
    expect(() => linear(tensor(new Float32Array(8), [2, 4]), w, tensor([1, 2]))).toThrow(/linear: bias must have shape \[3\] to match weight \[3,4\], got \[2\]/);
    expect(() => linear(tensor(2), w)).toThrow(/linear: input must have at least one dimension, got shape \[\]/);
    expect(() => linear(tensor([[true, false, true, true]]), w)).toThrow(/linear: argument 'x' has dtype bool/);
  });
});
