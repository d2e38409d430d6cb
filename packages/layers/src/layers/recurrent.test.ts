import '@nn/backend-cpu';
import { requiresGrad, vjp } from '@nn/autograd';
import { concat, manualSeed, memory, narrow, randn, select, sigmoid, tanh, tensor, tidy, type Tensor } from '@nn/tensor';
import { CrossEntropyLoss } from '../losses/modules.js';
import { Linear } from './linear.js';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { GRU, LSTM, paddingMask, RNN } from './recurrent.js';

/** torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True).state_dict(): names and shapes, in order. */
const TORCH_LSTM_2_BIDIR: [string, number[]][] = [
  ['weight_ih_l0', [80, 10]],
  ['weight_hh_l0', [80, 20]],
  ['bias_ih_l0', [80]],
  ['bias_hh_l0', [80]],
  ['weight_ih_l0_reverse', [80, 10]],
  ['weight_hh_l0_reverse', [80, 20]],
  ['bias_ih_l0_reverse', [80]],
  ['bias_hh_l0_reverse', [80]],
  ['weight_ih_l1', [80, 40]],
  ['weight_hh_l1', [80, 20]],
  ['bias_ih_l1', [80]],
  ['bias_hh_l1', [80]],
  ['weight_ih_l1_reverse', [80, 40]],
  ['weight_hh_l1_reverse', [80, 20]],
  ['bias_ih_l1_reverse', [80]],
  ['bias_hh_l1_reverse', [80]],
];

const states = (layer: RNN | LSTM | GRU, x: Tensor, options = {}): Tensor[] => {
  if (layer instanceof LSTM) {
    const [out, [h, c]] = layer.forward(x, null, options);
    return [out, h, c];
  }
  const [out, h] = layer.forward(x, null, options);
  return [out, h];
};

describe('RNN, LSTM, GRU: parameters', () => {
  it("a 2-layer bidirectional LSTM has PyTorch's state-dict keys and shapes, in order", () => {
    const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true });
    expect(Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.shape])).toEqual(TORCH_LSTM_2_BIDIR);
  });

  it('GRU has 3 gates, RNN 1, and bias: false drops both biases', () => {
    expect(Object.entries(new GRU(3, 5, { bias: false }).stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ['weight_ih_l0', [15, 3]],
      ['weight_hh_l0', [15, 5]],
    ]);
    expect(Object.keys(new RNN(3, 5, { numLayers: 2 }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1']);
  });

  it("a projected LSTM (projSize) has PyTorch's weight_hr and shapes", () => {
    const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true, projSize: 5 });
    const entries = Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.shape]);
    const layer = (l: number, input: number, suffix: string): [string, number[]][] => [
      [`weight_ih_l${l}${suffix}`, [80, input]],
      [`weight_hh_l${l}${suffix}`, [80, 5]],
      [`bias_ih_l${l}${suffix}`, [80]],
      [`bias_hh_l${l}${suffix}`, [80]],
      [`weight_hr_l${l}${suffix}`, [5, 20]],
    ];
    expect(entries).toEqual([...layer(0, 10, ''), ...layer(0, 10, '_reverse'), ...layer(1, 10, ''), ...layer(1, 10, '_reverse')]);
    expect(() => new LSTM(10, 20, { projSize: 20 })).toThrow(/LSTM: projSize must be an integer in \[0, hiddenSize=20\)/);
    expect(() => new GRU(10, 20, { projSize: 5 } as object)).toThrow(/GRU: projSize is for LSTM only/);
  });

  it('initialises every parameter from U(±1/√hiddenSize)', () => {
    manualSeed(1);
    const values = new LSTM(8, 16).parameters().flatMap((p) => Array.from(p.dataSync()));
    const bound = 1 / Math.sqrt(16);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...values)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...values)).toBeLessThan(-0.9 * bound);
  });

  it('loads a state dict and reads replaced parameters at the next call', () => {
    manualSeed(2);
    const a = new GRU(3, 4);
    const b = new GRU(3, 4);
    b.loadStateDict(a.stateDict());
    const x = randn([5, 2, 3]);
    expectClose(b.forward(x)[0], a.forward(x)[0], 0, 0);
  });
});

describe('RNN, LSTM, GRU: semantics', () => {
  for (const [name, make] of [
    ['LSTM', (batchFirst = false) => new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst })],
    ['GRU', (batchFirst = false) => new GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst })],
    ['RNN relu', (batchFirst = false) => new RNN(3, 4, { numLayers: 2, bidirectional: true, nonlinearity: 'relu', batchFirst })],
  ] as const) {
    it(`${name}: batchFirst equals the transposed run`, () => {
      manualSeed(3);
      const seqFirst = make();
      const batchFirst = make(true);
      batchFirst.loadStateDict(seqFirst.stateDict());
      const x = randn([5, 2, 3]);
      const a = states(seqFirst, x);
      const b = states(batchFirst, x.transpose(0, 1));
      expectClose(b[0].transpose(0, 1), a[0], 1e-6, 1e-5, 'output');
      for (let i = 1; i < a.length; i++) expectClose(b[i], a[i], 1e-6, 1e-5, 'final state');
    });

    it(`${name}: lengths give each sequence what it gets alone, zero outputs past its end`, () => {
      manualSeed(4);
      const layer = make();
      const T = 6;
      const lengths = [6, 2, 4];
      const x = randn([T, 3, 3]);
      const batched = states(layer, x, { lengths });
      lengths.forEach((len, n) => {
        const alone = states(layer, narrow(narrow(x, 1, n, 1), 0, 0, len));
        expectClose(narrow(narrow(batched[0], 1, n, 1), 0, 0, len), alone[0], 1e-5, 1e-4, `output of sequence ${n}`);
        if (len < T) expect(Array.from(narrow(narrow(batched[0], 1, n, 1), 0, len, T - len).dataSync())).toEqual(new Array((T - len) * 8).fill(0));
        for (let i = 1; i < batched.length; i++) expectClose(narrow(batched[i], 1, n, 1), alone[i], 1e-5, 1e-4, `final state ${i} of sequence ${n}`);
      });
    });
  }

  it('padding never reaches h_n or the valid outputs: it gets no gradient', () => {
    manualSeed(5);
    const lstm = new LSTM(2, 3, { bidirectional: true });
    const x = requiresGrad(randn([4, 2, 2]));
    const [out, [h]] = lstm.forward(x, null, { lengths: [4, 1] });
    const [dx] = vjp(h, [x], randn(h.shape), { retainGraph: true });
    const allZero = (t: Tensor): boolean => t.dataSync().every((v) => v === 0);
    expect(allZero(narrow(narrow(dx, 1, 1, 1), 0, 1, 3))).toBe(true);
    expect(Array.from(narrow(narrow(dx, 1, 1, 1), 0, 0, 1).dataSync()).some((v) => v !== 0)).toBe(true);
    const [dxOut] = vjp(out, [x], randn(out.shape));
    expect(allZero(narrow(narrow(dxOut, 1, 1, 1), 0, 1, 3))).toBe(true);
  });

  it('takes lengths as a tensor, and h0 with lengths keeps h0 for a sequence of length 0', () => {
    manualSeed(6);
    const gru = new GRU(2, 3);
    const x = randn([3, 2, 2]);
    const h0 = randn([1, 2, 3]);
    const [out, h] = gru.forward(x, h0, { lengths: tensor([3, 0], [2], 'int32') });
    expectClose(select(h, 1, 1), select(h0, 1, 1), 0, 0, 'h_n of the empty sequence');
    expectClose(select(h, 1, 0), gru.forward(narrow(x, 1, 0, 1), narrow(h0, 1, 0, 1))[1].reshape([1, 3]), 1e-6, 1e-5, 'h_n of the full one');
    expect(Array.from(select(out, 1, 1).dataSync())).toEqual(new Array(9).fill(0));
  });

  it('projSize: h = W_hr (o ⊙ tanh c) at every step, as a loop of the equations gives', () => {
    manualSeed(10);
    const lstm = new LSTM(3, 6, { projSize: 2 });
    const x = randn([4, 2, 3]);
    const h0 = randn([1, 2, 2]);
    const c0 = randn([1, 2, 6]);
    const [out, [hN, cN]] = lstm.forward(x, [h0, c0]);
    expect([out.shape, hN.shape, cN.shape]).toEqual([
      [4, 2, 2],
      [1, 2, 2],
      [1, 2, 6],
    ]);
    const p = lstm.stateDict();
    let h = select(h0, 0, 0);
    let c = select(c0, 0, 0);
    for (let t = 0; t < 4; t++) {
      const gates = select(x, 0, t).matmul(p.weight_ih_l0.transpose(0, 1)).add(p.bias_ih_l0).add(h.matmul(p.weight_hh_l0.transpose(0, 1))).add(p.bias_hh_l0);
      const [i, f, g, o] = [0, 1, 2, 3].map((k) => narrow(gates, 1, 6 * k, 6));
      c = sigmoid(f).mul(c).add(sigmoid(i).mul(tanh(g)));
      h = sigmoid(o).mul(tanh(c)).matmul(p.weight_hr_l0.transpose(0, 1));
      expectClose(select(out, 0, t), h, 1e-6, 1e-5, `output at ${t}`);
    }
    expectClose(select(cN, 0, 0), c, 1e-6, 1e-5, 'c_n');
  });

  it('an unbatched input equals a batch of one', () => {
    manualSeed(7);
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const x = randn([5, 3]);
    const [out, [h, c]] = lstm.forward(x);
    const [out1, [h1, c1]] = lstm.forward(x.reshape([5, 1, 3]));
    expect(out.shape).toEqual([5, 4]);
    expect(h.shape).toEqual([2, 4]);
    expectClose(out, out1.reshape([5, 4]), 0, 0);
    expectClose(h, h1.reshape([2, 4]), 0, 0);
    expectClose(c, c1.reshape([2, 4]), 0, 0);
  });

  it('applies dropout between layers in training only', () => {
    manualSeed(8);
    const rnn = new RNN(3, 16, { numLayers: 2, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    const a = rnn.forward(x)[0].dataSync();
    const b = rnn.forward(x)[0].dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    rnn.eval();
    expect(Array.from(rnn.forward(x)[0].dataSync())).toEqual(Array.from(rnn.forward(x)[0].dataSync()));
  });

  it('frees every temporary: training steps in tidy keep the tensor count flat', () => {
    manualSeed(9);
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const x = randn([5, 2, 3]);
    const step = (): void =>
      tidy(() => {
        lstm.zeroGrad();
        const [out, [h, c]] = lstm.forward(x, null, { lengths: [5, 3] });
        out.sum().add(h.sum()).add(c.sum()).backward();
      });
    step();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(before);
  });

  it('paddingMask marks the steps at or past each length, batch-first by default', () => {
    expect(paddingMask([3, 1], 3).toArray()).toEqual([
      [false, false, false],
      [false, true, true],
    ]);
    expect(paddingMask([3, 1], 3, { batchFirst: false }).shape).toEqual([3, 2]);
  });

  it('names the layer and the problem in its errors', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(randn([5, 2, 4]))).toThrow(/LSTM: input's last dimension must be inputSize=3/);
    expect(() => lstm.forward(randn([5, 2, 3]), [randn([1, 2, 4]), randn([2, 2, 4])])).toThrow(/LSTM: h0 must be \[2, 2, 4\]/);
    expect(() => lstm.forward(randn([5, 2, 3]), null, { lengths: [5, 6] })).toThrow(/LSTM: each length must be an integer in \[0, 5\]/);
    expect(() => new GRU(3, 4).forward(randn([5, 2, 3]), null, { lengths: [5] })).toThrow(/GRU: lengths has 1 entries for a batch of 2/);
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(/RNN: nonlinearity must be 'tanh' or 'relu'/);
    expect(() => new GRU(3, 4).forward(randn([0, 2, 3]))).toThrow(/GRU: input must have at least one time step and one sequence, got \[0,2,3\]/);
    expect(() => new RNN(3, 0)).toThrow(/RNN: hiddenSize must be a positive integer/);
  });
});

describe('the README example (Recurrent layers)', () => {
  it('runs: shapes, a loss through hN with lengths, gradients on every parameter', () => {
    manualSeed(0);
    const lstm = new LSTM(8, 16, { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.1 });
    const head = new Linear(2 * 16, 3);
    const x = randn([4, 10, 8]);
    const lengths = [10, 7, 3, 1];
    const [output, [hN, cN]] = lstm.forward(x, null, { lengths });
    expect([output.shape, hN.shape, cN.shape]).toEqual([
      [4, 10, 32],
      [4, 4, 16],
      [4, 4, 16],
    ]);
    const logits = head.forward(concat([select(hN, 0, 2), select(hN, 0, 3)], 1));
    new CrossEntropyLoss().forward(logits, tensor([0, 2, 1, 0], undefined, 'int32')).backward();
    for (const [name, p] of lstm.namedParameters()) expect(p.grad?.shape, name).toEqual(p.shape);
    expect(paddingMask(lengths, 10).shape).toEqual([4, 10]);
  });
});
