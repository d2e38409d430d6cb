import '@nn/backend-cpu';
import { manualSeed, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding } from './embedding.js';

describe('Embedding', () => {
  it('looks rows up for int32 indices of any shape; initialised N(0, 1)', () => {
    manualSeed(0);
    const emb = new Embedding(1000, 64);
    const w = Array.from(emb.weight.dataSync());
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeCloseTo(1, 1);
    const idx = tensor([[1, 2], [999, 1]], undefined, 'int32');
    const y = emb.forward(idx);
    expect(y.shape).toEqual([2, 2, 64]);
    const rows = emb.weight.toArray() as number[][];
    expect((y.toArray() as number[][][])[1][0]).toEqual(rows[999]);
  });

  it('starts the padding row at zero and sends it no gradient, but shows its value', () => {
    const emb = new Embedding(4, 3, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(3);
    expect((emb.weight.toArray() as number[][])[3]).toEqual([0, 0, 0]);
    const idx = tensor([3, 1, 3], undefined, 'int32');
    const y = emb.forward(idx);
    y.mul(tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).sum().backward();
    const grad = emb.weight.grad!.toArray() as number[][];
    expect(grad[3]).toEqual([0, 0, 0]);
    expect(grad[1]).toEqual([4, 5, 6]);
    expect(grad[0]).toEqual([0, 0, 0]);
  });

  it('checks indices and settings', () => {
    const emb = new Embedding(4, 3);
    expect(() => emb.forward(tensor([1, 2]))).toThrow(/Embedding: indices must be int32, got float32/);
    expect(() => emb.forward(tensor([4], undefined, 'int32'))).toThrow(/indexSelect/);
    expect(() => new Embedding(4, 3, { paddingIdx: 4 })).toThrow(/paddingIdx must be within \[-4, 3\], got 4/);
    expect(() => new Embedding(0, 3)).toThrow(/numEmbeddings must be a positive integer/);
    expect(emb.toString()).toBe('Embedding(4, 3)');
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
  });
});
