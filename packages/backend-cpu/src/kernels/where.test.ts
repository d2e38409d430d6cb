import * as nn from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { broadcastShapes, firstMismatch, makeRng, mixedValues, randomInts, referenceBroadcast, sizeOf } from './test-utils/elementwise_reference.js';

describe('where kernel', () => {
  it('matches a naive index loop on random three-way broadcasts', () => {
    const rng = makeRng(17);
    for (let trial = 0; trial < 60; trial++) {
      const { out, operands } = broadcastShapes(rng, 3);
      const [cShape, aShape, bShape] = operands;
      const condition = nn.tensor(Uint8Array.from({ length: sizeOf(cShape) }, () => (rng() < 0.5 ? 1 : 0)), cShape, 'bool');
      const int = trial % 3 === 0;
      const a = int ? nn.tensor(randomInts(rng, sizeOf(aShape)), aShape) : nn.tensor(mixedValues(rng, sizeOf(aShape)), aShape);
      const b = int ? nn.tensor(randomInts(rng, sizeOf(bShape)), bShape) : nn.tensor(mixedValues(rng, sizeOf(bShape)), bShape);
      const y = nn.where(condition, a, b);
      expect(y.shape).toEqual(out);
      expect(y.dtype).toBe(int ? 'int32' : 'float32');
      const expected = referenceBroadcast(
        out,
        [condition, a, b].map((t) => ({ shape: t.shape, values: t.dataSync() })),
        (c, x, z) => (c ? x : z),
      );
      expect(firstMismatch(y.dataSync(), Float64Array.from(expected)), `[${cShape.join(',')}] [${aShape.join(',')}] [${bShape.join(',')}]`).toBeNull();
    }
  });

  it('selects per channel over NCHW', () => {
    const x = nn.arange(8).reshape([1, 2, 2, 2]);
    const y = nn.where(nn.tensor([[[true]], [[false]]]), x, nn.scalar(-1));
    expect(y.toArray()).toEqual([[[[0, 1], [2, 3]], [[-1, -1], [-1, -1]]]]);
  });
});
