import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import '@nn/autograd';
import { manualSeed, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { MultiheadAttention } from './attention.js';

interface T {
  shape: number[];
  data: number[];
}
const ref = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/attention_reference.json'), 'utf8')) as Record<string, T> & {
  embedDim: number;
  numHeads: number;
  cases: (Record<string, T> & { name: string; batchFirst: boolean; average?: boolean })[];
};
const t = (x: T): Tensor => tensor(x.data, x.shape);
const bool = (x: T): Tensor => tensor(x.data.map((v) => v !== 0), x.shape);

describe('MultiheadAttention', () => {
  it("has PyTorch's parameter names and initialisation", () => {
    manualSeed(0);
    const mha = new MultiheadAttention(16, 4);
    expect(Object.keys(mha.stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(mha.inProjWeight!.shape).toEqual([48, 16]);
    const bound = Math.sqrt(6 / (16 + 48));
    const w = Array.from(mha.inProjWeight!.dataSync(), Math.abs);
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.max(...w)).toBeGreaterThan(0.95 * bound);
    expect(mha.inProjBias!.toArray()).toEqual(new Array(48).fill(0));
    expect(mha.outProj.bias!.toArray()).toEqual(new Array(16).fill(0));
    expect(Math.max(...Array.from(mha.outProj.weight.dataSync(), Math.abs))).toBeLessThanOrEqual(1 / 4);
    expect(Object.keys(new MultiheadAttention(4, 2, { bias: false }).stateDict())).toEqual(['in_proj_weight', 'out_proj.weight']);
  });

  for (const c of ref.cases) {
    it(`matches a float64 reference: ${c.name}`, () => {
      const mha = new MultiheadAttention(ref.embedDim, ref.numHeads, { batchFirst: c.batchFirst });
      mha.loadStateDict({
        in_proj_weight: t(ref.in_proj_weight),
        in_proj_bias: t(ref.in_proj_bias),
        'out_proj.weight': t(ref['out_proj.weight']),
        'out_proj.bias': t(ref['out_proj.bias']),
      });
      const [out, weights] = mha.forward(t(c.query), t(c.key), t(c.value), {
        keyPaddingMask: c.keyPaddingMask ? bool(c.keyPaddingMask) : null,
        attnMask: c.attnMask ? bool(c.attnMask) : null,
        averageAttnWeights: c.average ?? true,
      });
      expectClose(out, t(c.output), 1e-5, 1e-4, 'output');
      expectClose(weights!, t(c.weights), 1e-6, 1e-4, 'weights');
    });
  }

  it('handles unbatched input, needWeights false, float masks, causal masking and gradients', () => {
    const mha = new MultiheadAttention(6, 3);
    const x = randn([4, 6]);
    const [out, w] = mha.forward(x, x, x);
    expect(out.shape).toEqual([4, 6]);
    expect(w!.shape).toEqual([4, 4]);
    expect(mha.forward(x, x, x, { needWeights: false })[1]).toBeNull();
    const [, causal] = mha.forward(x, x, x, { isCausal: true });
    const cw = causal!.toArray() as number[][];
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(cw[i][j]).toBe(0);
    const floatMask = tensor([[0, -Infinity, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect((mha.forward(x, x, x, { attnMask: floatMask })[1]!.toArray() as number[][])[0][1]).toBe(0);
    const xb = randn([2, 3, 6]);
    mha.forward(xb, xb, xb)[0].sum().backward();
    expect(mha.inProjWeight!.grad!.shape).toEqual([18, 6]);
    expect(mha.outProj.weight.grad!.shape).toEqual([6, 6]);
  });

  it('checks its settings and inputs', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(/embedDim \(10\) must be divisible by numHeads \(3\)/);
    const mha = new MultiheadAttention(4, 2);
    expect(() => mha.forward(randn([3, 2, 5]), randn([3, 2, 5]), randn([3, 2, 5]))).toThrow(/query must have embedDim=4 features/);
    expect(() => mha.forward(randn([3, 2, 4]), randn([5, 1, 4]), randn([5, 1, 4]))).toThrow(/key and value must have the same length and batch/);
    expect(() => mha.forward(randn([3, 2, 4]), randn([5, 2, 4]), randn([5, 2, 4]), { attnMask: tensor([[true]]) })).toThrow(/attnMask must be \[3, 5\] or \[4, 3, 5\]/);
    expect(() => mha.forward(randn([3, 2, 4]), randn([5, 2, 4]), randn([5, 2, 4]), { keyPaddingMask: tensor([[true]]) })).toThrow(/keyPaddingMask must be \[2, 5\]/);
    expect(mha.toString()).toMatch(/^MultiheadAttention\(\n {2}embedDim=4, numHeads=2, dropout=0, batchFirst=false\n {2}\(out_proj\): Linear/);
  });
});
