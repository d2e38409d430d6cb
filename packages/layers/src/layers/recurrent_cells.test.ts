import '@nn/backend-cpu';
import { requiresGrad, vjp } from '@nn/autograd';
import { manualSeed, randn, select, stack, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { GRU, LSTM, RNN } from './recurrent.js';
import { GRUCell, LSTMCell, RNNCell } from './recurrent_cells.js';

/** The cell's parameters set from layer 0 of a one-layer module (weight_ih_l0 → weight_ih, ...). */
function copyInto(cell: RNNCell | LSTMCell | GRUCell, layer: RNN | LSTM | GRU): void {
  const dict = Object.fromEntries(Object.entries(layer.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v]));
  cell.loadStateDict(dict);
}

describe('RNNCell, LSTMCell, GRUCell', () => {
  it("have PyTorch's parameter names and shapes", () => {
    const shapes = (m: RNNCell | LSTMCell | GRUCell): [string, readonly number[]][] => Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]);
    expect(shapes(new LSTMCell(3, 5))).toEqual([
      ['weight_ih', [20, 3]],
      ['weight_hh', [20, 5]],
      ['bias_ih', [20]],
      ['bias_hh', [20]],
    ]);
    expect(shapes(new GRUCell(3, 5, { bias: false }))).toEqual([
      ['weight_ih', [15, 3]],
      ['weight_hh', [15, 5]],
    ]);
    expect(shapes(new RNNCell(3, 5)).map(([k]) => k)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  });

  it('LSTMCell unrolled over time equals LSTM, values and gradients', () => {
    manualSeed(11);
    const lstm = new LSTM(3, 4);
    const cell = new LSTMCell(3, 4);
    copyInto(cell, lstm);
    const x = requiresGrad(randn([5, 2, 3]));
    const h0 = randn([2, 4]);
    const c0 = randn([2, 4]);
    const [out, [hN, cN]] = lstm.forward(x, [h0.reshape([1, 2, 4]), c0.reshape([1, 2, 4])]);
    let state: [Tensor, Tensor] = [h0, c0];
    const hs: Tensor[] = [];
    for (let t = 0; t < 5; t++) {
      state = cell.forward(select(x, 0, t), state);
      hs.push(state[0]);
    }
    const unrolled = stack(hs, 0);
    expectClose(unrolled, out, 1e-6, 1e-5, 'output');
    expectClose(state[0], hN.reshape([2, 4]), 1e-6, 1e-5, 'h');
    expectClose(state[1], cN.reshape([2, 4]), 1e-6, 1e-5, 'c');
    const g = randn(out.shape);
    const [dLayer] = vjp(out, [x], g);
    const [dCell] = vjp(unrolled, [x], g);
    expectClose(dCell, dLayer, 1e-5, 1e-4, 'input gradient');
  });

  for (const [name, makeLayer, makeCell] of [
    ['GRUCell', () => new GRU(3, 4), () => new GRUCell(3, 4)],
    ['RNNCell relu', () => new RNN(3, 4, { nonlinearity: 'relu' }), () => new RNNCell(3, 4, { nonlinearity: 'relu' })],
    ['RNNCell tanh, no bias', () => new RNN(3, 4, { bias: false }), () => new RNNCell(3, 4, { bias: false })],
  ] as const) {
    it(`${name} steps as its layer does`, () => {
      manualSeed(12);
      const layer = makeLayer();
      const cell = makeCell();
      copyInto(cell, layer);
      const x = randn([3, 2, 3]);
      const h0 = randn([1, 2, 4]);
      const [out, hN] = layer.forward(x, h0);
      let h = h0.reshape([2, 4]);
      for (let t = 0; t < 3; t++) {
        h = cell.forward(select(x, 0, t), h);
        expectClose(h, select(out, 0, t), 1e-6, 1e-5, `step ${t}`);
      }
      expectClose(h, hN.reshape([2, 4]), 1e-6, 1e-5, 'h_n');
    });
  }

  it('take unbatched input and a missing state as zeros', () => {
    manualSeed(13);
    const cell = new GRUCell(3, 4);
    const x = randn([3]);
    const h = cell.forward(x);
    expect(h.shape).toEqual([4]);
    expectClose(h, cell.forward(x.reshape([1, 3]), randn([1, 4]).mul(0)).reshape([4]), 1e-7, 1e-6);
    const [h2, c2] = new LSTMCell(3, 4).forward(x);
    expect([h2.shape, c2.shape]).toEqual([[4], [4]]);
  });

  it('name the cell and the problem in errors', () => {
    expect(() => new LSTMCell(3, 4).forward(randn([2, 5]))).toThrow(/LSTMCell: input must be \[N, 3\]/);
    expect(() => new LSTMCell(3, 4).forward(randn([2, 3]), [randn([2, 4]), randn([2, 5])])).toThrow(/LSTMCell: c must be \[2, 4\]/);
    expect(() => new GRUCell(3, 4).forward(randn([2, 3]), randn([3, 4]))).toThrow(/GRUCell: hx must be \[2, 4\]/);
  });
});
