// The cell and lengths entries of recurrent.ts, checked against the layer vectors: a cell's
// step from (h0, c0) is the layer's output at t = 0, and lengths of T change nothing.
import '@nn/backend-cpu';
import { narrow, select, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { compareTensor, ACCUMULATING_TOLERANCE } from './compare.js';
import { recurrentCases } from './recurrent.js';
import { caseInputs, loadVectorCases, type VectorCase } from './vectors.js';

const cases = new Map(loadVectorCases().map((c) => [c.name, c]));
const get = (name: string): VectorCase => cases.get(name)!;

/** The layer case's parameters renamed for a cell (weight_ih_l0 → weight_ih), its state at layer 0, input at t = 0. */
function cellInputs(c: VectorCase): Record<string, Tensor> {
  const inputs = caseInputs(c);
  const out: Record<string, Tensor> = { input: select(inputs.input, 0, 0) };
  if (inputs.h0) out.hx = select(inputs.h0, 0, 0);
  if (inputs.c0) out.cx = select(inputs.c0, 0, 0);
  for (const [k, v] of Object.entries(inputs)) if (k.endsWith('_l0')) out[k.replace('_l0', '')] = v;
  return out;
}

describe('recurrent cases: cells and lengths', () => {
  for (const [cell, layerCase, attrs] of [
    ['rnn_cell', 'rnn__tanh_h0', { nonlinearity: 'tanh' }],
    ['lstm_cell', 'lstm__h0_c0', {}],
    ['gru_cell', 'gru__h0', {}],
  ] as const) {
    it(`${cell} from (h0, c0) gives ${layerCase}'s output at t = 0`, () => {
      const c = get(layerCase);
      tidy(() => {
        const result = recurrentCases[cell](cellInputs(c), { input_size: 4, hidden_size: 6, bias: true, ...attrs });
        const comparison = compareTensor('h1', result.output, { ...c.output, shape: c.output.shape.slice(1), data: c.output.data.slice(0, 18) }, ACCUMULATING_TOLERANCE);
        expect(comparison.message).toBe('');
      });
    });
  }

  it('lengths equal to T leave the layer vector unchanged; shorter ones cut the output', () => {
    const c = get('lstm__bidir_l2');
    tidy(() => {
      const full = recurrentCases.lstm({ ...caseInputs(c) }, { ...c.attrs, lengths: [5, 5, 5] });
      expect(compareTensor('output', full.output, c.output, ACCUMULATING_TOLERANCE).message).toBe('');
      const cut = recurrentCases.lstm({ ...caseInputs(c) }, { ...c.attrs, lengths: [3, 2, 1] });
      expect(cut.output.shape).toEqual([3, 3, 12]);
      expect(narrow(cut.output, 1, 2, 1).dataSync().slice(12).every((v) => v === 0)).toBe(true);
    });
  });
});
