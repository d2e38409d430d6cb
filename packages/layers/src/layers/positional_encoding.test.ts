import '@nn/backend-cpu';
import '@nn/autograd';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { LearnedPositionalEncoding, SinusoidalPositionalEncoding } from './positional_encoding.js';

describe('SinusoidalPositionalEncoding', () => {
  it('holds sin(pos / 10000^(2i/d)) and cos(...) in the buffer pe [maxLen, 1, dModel], as the PyTorch tutorial', () => {
    const pe = new SinusoidalPositionalEncoding(6, { maxLen: 10 });
    expect(Object.keys(pe.stateDict())).toEqual(['pe']);
    expect(pe.pe.shape).toEqual([10, 1, 6]);
    const table = pe.pe.toArray() as number[][][];
    expect(table[0][0]).toEqual([0, 1, 0, 1, 0, 1]);
    for (const pos of [1, 7]) {
      for (let i = 0; i < 3; i++) {
        const angle = pos / 10000 ** ((2 * i) / 6);
        expect(table[pos][0][2 * i]).toBeCloseTo(Math.sin(angle), 6);
        expect(table[pos][0][2 * i + 1]).toBeCloseTo(Math.cos(angle), 6);
      }
    }
    // An odd dModel ends on a sine column.
    const [a1, a2, a3] = [1, 1 / 10000 ** 0.4, 1 / 10000 ** 0.8];
    const odd = [0, 1, 0, 1, 0, Math.sin(a1), Math.cos(a1), Math.sin(a2), Math.cos(a2), Math.sin(a3)].map(Math.fround);
    expect(Array.from(new SinusoidalPositionalEncoding(5, { maxLen: 2 }).pe.dataSync())).toEqual(odd);
  });

  it('adds the first L rows in eval mode, the same for batchFirst, and drops out in training', () => {
    manualSeed(31);
    const seqFirst = new SinusoidalPositionalEncoding(4, { maxLen: 8 }).eval();
    const batchFirst = new SinusoidalPositionalEncoding(4, { maxLen: 8, batchFirst: true }).eval();
    const x = randn([5, 2, 4]); // [L, N, E]
    expectClose(seqFirst.forward(x), x.add(seqFirst.pe.slice([0], [5])), 0, 0, 'x + pe[:L]');
    expectClose(batchFirst.forward(x.transpose(0, 1)).transpose(0, 1), seqFirst.forward(x), 0, 0, 'batchFirst');
    const trained = new SinusoidalPositionalEncoding(4, { maxLen: 8, dropout: 0.5 }).forward(x);
    expect(Array.from(trained.dataSync()).filter((v) => v === 0).length).toBeGreaterThan(0);
  });

  it('checks the input', () => {
    const pe = new SinusoidalPositionalEncoding(4, { maxLen: 3 });
    expect(() => pe.forward(randn([4, 1, 4]))).toThrow('SinusoidalPositionalEncoding: sequence length 4 exceeds maxLen=3 (input [4,1,4])');
    expect(() => pe.forward(randn([2, 1, 5]))).toThrow('SinusoidalPositionalEncoding: input must be [L, N, dModel] with dModel=4, got [2,1,5]');
    expect(() => new SinusoidalPositionalEncoding(0)).toThrow('SinusoidalPositionalEncoding: dModel must be a positive integer, got 0');
  });
});

describe('LearnedPositionalEncoding', () => {
  it('adds embedding row t at position t and trains only the rows it used', () => {
    manualSeed(32);
    const pe = new LearnedPositionalEncoding(4, { maxLen: 6, batchFirst: true, dropout: 0 });
    expect(Object.keys(pe.stateDict())).toEqual(['embedding.weight']);
    const x = randn([2, 3, 4]); // [N, L, E]
    const out = pe.forward(x);
    const rows: Tensor = pe.embedding.weight.slice([0], [3]).reshape([1, 3, 4]);
    expectClose(out, x.add(rows), 0, 0, 'x + weight[:L]');
    out.sum().backward();
    const grad = pe.embedding.weight.grad!.toArray() as number[][];
    expect(grad.slice(0, 3)).toEqual(new Array(3).fill([2, 2, 2, 2])); // two batch entries each
    expect(grad.slice(3)).toEqual(new Array(3).fill([0, 0, 0, 0]));
    expect(() => pe.forward(randn([1, 7, 4]))).toThrow('LearnedPositionalEncoding: sequence length 7 exceeds maxLen=6 (input [1,7,4])');
  });
});
