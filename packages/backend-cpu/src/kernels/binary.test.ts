import * as nn from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import {
  broadcastShapes,
  firstMismatch,
  makeRng,
  mixedValues,
  randomInts,
  referenceBroadcast,
  sizeOf,
} from './test-utils/elementwise_reference.js';

type BinaryOp = (a: nn.Tensor, b: nn.Tensor) => nn.Tensor;
const cPow = (a: number, b: number): number => (a === 1 || (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) ? 1 : a ** b);
const maxNaN = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const minNaN = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
const bit = (v: boolean): number => (v ? 1 : 0);

/** Each op beside its textbook definition; `dtypes` lists the input dtypes it is tried on. */
const OPS: [string, BinaryOp, (a: number, b: number) => number, nn.DType[]][] = [
  ['add', nn.add, (a, b) => a + b, ['float32', 'int32']],
  ['sub', nn.sub, (a, b) => a - b, ['float32', 'int32']],
  ['mul', nn.mul, (a, b) => a * b, ['float32', 'int32']],
  ['div', nn.div, (a, b) => a / b, ['float32', 'int32']],
  ['pow', nn.pow, cPow, ['float32']],
  ['maximum', nn.maximum, maxNaN, ['float32', 'int32', 'bool']],
  ['minimum', nn.minimum, minNaN, ['float32', 'int32', 'bool']],
  ['eq', nn.eq, (a, b) => bit(a === b), ['float32', 'int32', 'bool']],
  ['ne', nn.ne, (a, b) => bit(a !== b), ['float32', 'int32', 'bool']],
  ['lt', nn.lt, (a, b) => bit(a < b), ['float32', 'int32']],
  ['le', nn.le, (a, b) => bit(a <= b), ['float32', 'int32']],
  ['gt', nn.gt, (a, b) => bit(a > b), ['float32', 'int32']],
  ['ge', nn.ge, (a, b) => bit(a >= b), ['float32', 'int32']],
  ['logicalAnd', nn.logicalAnd, (a, b) => bit(a !== 0 && b !== 0), ['float32', 'int32', 'bool']],
  ['logicalOr', nn.logicalOr, (a, b) => bit(a !== 0 || b !== 0), ['float32', 'int32', 'bool']],
  ['logicalXor', nn.logicalXor, (a, b) => bit((a !== 0) !== (b !== 0)), ['float32', 'int32', 'bool']],
];

function randomTensor(rng: () => number, shape: number[], dtype: nn.DType): nn.Tensor {
  const size = sizeOf(shape);
  if (dtype === 'float32') return nn.tensor(mixedValues(rng, size, 4), shape);
  if (dtype === 'int32') return nn.tensor(randomInts(rng, size, -6, 6), shape);
  return nn.tensor(Uint8Array.from({ length: size }, () => (rng() < 0.5 ? 1 : 0)), shape, 'bool');
}

describe('binary kernels on random broadcast shapes', () => {
  for (const [name, op, reference, dtypes] of OPS) {
    for (const dtype of dtypes) {
      it(`${name} on ${dtype} matches a naive index loop`, () => {
        const rng = makeRng(name.length * 31 + dtype.length);
        for (let trial = 0; trial < 40; trial++) {
          const { out, operands } = broadcastShapes(rng, 2);
          const [a, b] = operands.map((shape) => randomTensor(rng, shape, dtype));
          const y = op(a, b);
          expect(y.shape).toEqual(out);
          const expected = referenceBroadcast(out, [a, b].map((t) => ({ shape: t.shape, values: t.dataSync() })), reference);
          const context = `${name} ${dtype} [${a.shape.join(',')}] with [${b.shape.join(',')}]`;
          expect(firstMismatch(y.dataSync(), Float32Array.from(expected), 2e-7), context).toBeNull();
        }
      });
    }
  }
});

describe('binary kernel paths', () => {
  const rng = makeRng(5);
  const cases: [string, number[], number[]][] = [
    ['same shape', [37, 29], [37, 29]],
    ['scalar right', [37, 29], []],
    ['scalar left', [], [37, 29]],
    ['row bias', [37, 29], [29]],
    ['row bias over two axes, leading 1', [2, 3, 4], [1, 3, 4]],
    ['column on the last axes, not a row', [2, 3, 4], [3, 1]],
    ['row over a middle size-1 axis', [6, 1, 5], [1, 5]],
    ['channel over NCHW', [2, 3, 5, 7], [3, 1, 1]],
    ['column times row', [37, 1], [1, 29]],
    ['size-1 run inside', [4, 1, 6], [4, 5, 6]],
  ];
  for (const [label, aShape, bShape] of cases) {
    it(`${label}: every hot loop agrees with the reference`, () => {
      const a = nn.tensor(mixedValues(rng, sizeOf(aShape)), aShape);
      const b = nn.tensor(mixedValues(rng, sizeOf(bShape)), bShape);
      for (const [name, op, reference] of OPS.slice(0, 7)) {
        const y = op(a, b);
        const expected = referenceBroadcast(y.shape, [a, b].map((t) => ({ shape: t.shape, values: t.dataSync() })), reference);
        expect(firstMismatch(y.dataSync(), Float32Array.from(expected), 2e-7), name).toBeNull();
      }
    });
  }

  it('gives bool outputs for comparisons and float32 for div of ints', () => {
    const i = nn.tensor([1, 2, 3], undefined, 'int32');
    expect(nn.lt(i, 2).dtype).toBe('bool');
    expect(nn.div(i, 2).toArray()).toEqual([0.5, 1, 1.5]);
  });

  it('mul of int32 wraps like int32 arithmetic', () => {
    const a = nn.tensor([46341, 65536, -65536], undefined, 'int32');
    expect(Array.from(nn.mul(a, a).dataSync())).toEqual([-2147479015, 0, 0]);
    expect(Array.from(nn.add(nn.tensor([2147483647], undefined, 'int32'), 1).dataSync())).toEqual([-2147483648]);
  });

  it('pow squares exactly and follows C at the edges', () => {
    expect(nn.pow(nn.tensor([3, -1.5, NaN]), 2).toArray()).toEqual([9, 2.25, NaN]);
    expect(nn.pow(nn.tensor([1, -1, -1]), nn.tensor([NaN, Infinity, -Infinity])).toArray()).toEqual([1, 1, 1]);
    expect(nn.pow(nn.tensor([2, 3], undefined, 'int32'), 3).toArray()).toEqual([8, 27]);
  });

  it('handles empty outputs', () => {
    expect(nn.add(nn.zeros([0, 3]), nn.ones([3])).shape).toEqual([0, 3]);
    expect(nn.eq(nn.zeros([2, 0]), nn.zeros([1, 1])).shape).toEqual([2, 0]);
  });
});
