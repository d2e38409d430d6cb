import '@nn/backend-cpu';
import '@nn/autograd';
import { concat, eye, manualSeed, matmul, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { MultiheadAttention } from './attention.js';

describe('MultiheadAttention with kdim/vdim', () => {
  it("has PyTorch's separate projection weights, names, order and initialisation", () => {
    manualSeed(21);
    const mha = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5 });
    const dict = mha.stateDict();
    expect(Object.keys(dict)).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect([dict.q_proj_weight.shape, dict.k_proj_weight.shape, dict.v_proj_weight.shape, dict.in_proj_bias.shape]).toEqual([[8, 8], [8, 3], [8, 5], [24]]);
    expect(mha.inProjWeight).toBeNull();
    // xavier_uniform_ on each: bound sqrt(6 / (fan_in + fan_out)).
    for (const [name, fanIn] of [['k_proj_weight', 3], ['v_proj_weight', 5]] as const) {
      const w = Array.from(dict[name].dataSync(), Math.abs);
      expect(Math.max(...w), name).toBeLessThanOrEqual(Math.sqrt(6 / (fanIn + 8)));
      expect(Math.max(...w), name).toBeGreaterThan(0.5 * Math.sqrt(6 / (fanIn + 8)));
    }
    expect(Array.from(dict.in_proj_bias.dataSync())).toEqual(new Array(24).fill(0));
    // kdim = vdim = embedDim keeps the packed weight.
    expect(Object.keys(new MultiheadAttention(8, 2, { kdim: 8, vdim: 8 }).stateDict())[0]).toBe('in_proj_weight');
  });

  it('equals the packed layer on keys and values already projected to embedDim', () => {
    manualSeed(22);
    const E = 4;
    const separate = new MultiheadAttention(E, 2, { kdim: 3, vdim: 5, batchFirst: true });
    // A packed layer whose key and value blocks are the identity and whose biases and output are the same.
    const packed = new MultiheadAttention(E, 2, { batchFirst: true });
    packed.loadStateDict({
      in_proj_weight: concat([separate.qProjWeight!, eye(E), eye(E)], 0),
      in_proj_bias: separate.inProjBias!,
      'out_proj.weight': separate.outProj.weight,
      'out_proj.bias': separate.outProj.bias!,
    });
    const q = randn([2, 3, E]);
    const k = randn([2, 6, 3]);
    const v = randn([2, 6, 5]);
    const project = (x: Tensor, w: Tensor): Tensor => matmul(x, w.transpose(0, 1));
    const [a, wa] = separate.forward(q, k, v, { averageAttnWeights: false });
    const [b, wb] = packed.forward(q, project(k, separate.kProjWeight!), project(v, separate.vProjWeight!), { averageAttnWeights: false });
    expectClose(a, b, 1e-6, 1e-5, 'output');
    expect(wa!.shape).toEqual([2, 2, 3, 6]); // per-head weights [N, heads, L, S]
    expectClose(wa!, wb!, 1e-6, 1e-5, 'per-head weights');
    expectClose(separate.forward(q, k, v)[1]!, wa!.mean(1), 1e-6, 1e-6, 'averaged weights');
  });

  it('sends gradients to the separate weights', () => {
    manualSeed(23);
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5 });
    mha.forward(randn([3, 2, 4]), randn([6, 2, 3]), randn([6, 2, 5]))[0].square().sum().backward();
    for (const [name, p] of mha.namedParameters()) expect(Array.from(p.grad!.dataSync()).some((g) => g !== 0), name).toBe(true);
  });

  it('checks the key and value widths', () => {
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5 });
    expect(() => mha.forward(randn([3, 2, 4]), randn([6, 2, 4]), randn([6, 2, 5]))).toThrow('MultiheadAttention: key must have kdim=3 features, got [6,2,4]');
    expect(() => new MultiheadAttention(4, 2, { vdim: 0 })).toThrow('MultiheadAttention: vdim must be a positive integer, got 0');
  });
});
