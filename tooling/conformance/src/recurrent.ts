/**
 * The recurrent module cases (rnn, lstm, gru, and rnn_cell, lstm_cell, gru_cell): the vector's inputs are the data (`input`,
 * optional `h0`, `c0`) and every parameter under its PyTorch state-dict name. The case builds
 * our layer from the constructor attrs, sets each parameter property by that name to the
 * vector's tensor (so the gradient reaches it), and returns the output `selected_output`
 * names, the other results as extra outputs.
 */
import { GRU, GRUCell, isParameter, LSTM, LSTMCell, RNN, RNNCell, stateKey, type Module } from '@nn/layers';
import { narrow, type Tensor } from '@nn/tensor';
import { op, type AttrReader, type Inputs, type OpRun } from './attrs.js';

type Recurrent = RNN | LSTM | GRU;

function build(name: 'rnn' | 'lstm' | 'gru', a: AttrReader): Recurrent {
  const inputSize = a.int('input_size');
  const hiddenSize = a.int('hidden_size');
  const options = {
    numLayers: a.int('num_layers', 1),
    bias: a.bool('bias', true),
    batchFirst: a.bool('batch_first', false),
    bidirectional: a.bool('bidirectional', false),
    dropout: a.number('dropout', 0),
  };
  if (name === 'rnn') return new RNN(inputSize, hiddenSize, { ...options, nonlinearity: a.string('nonlinearity', ['tanh', 'relu'] as const, 'tanh') });
  if (name === 'lstm') return new LSTM(inputSize, hiddenSize, { ...options, projSize: a.int('proj_size', 0) });
  return new GRU(inputSize, hiddenSize, options);
}

/** Replaces every parameter property by the input named as its state-dict key (weightIh → weight_ih); each must be given. */
function useParameters(layer: Module<never[], unknown>, x: Inputs, opName: string): void {
  const own = layer as unknown as Record<string, unknown>;
  for (const [property, value] of Object.entries(own)) {
    if (!isParameter(value)) continue;
    const key = stateKey(property);
    const given = x.optional(key);
    if (given === null) throw new Error(`cases: ${opName}: no input for parameter '${key}'`);
    own[property] = given;
  }
}

/**
 * Sequence lengths, if the case has them (an int64 input or an attribute `lengths`): the
 * output is then cut to the longest, as pad_packed_sequence returns it.
 */
function lengthsOf(x: Inputs, a: AttrReader): number[] | null {
  const input = x.optional('lengths');
  if (input !== null) return Array.from(input.dataSync());
  return a.has('lengths') ? a.ints('lengths') : null;
}

const recurrentCase = (name: 'rnn' | 'lstm' | 'gru'): OpRun =>
  op(name, (x, a) => {
    const layer = build(name, a);
    layer.eval();
    useParameters(layer, x, name);
    const input = x.get('input', 0);
    const h0 = x.optional('h0') ?? x.optional('hx');
    const lengths = lengthsOf(x, a);
    let results: Record<string, Tensor>;
    if (layer instanceof LSTM) {
      const c0 = x.optional('c0') ?? x.optional('cx');
      const [output, [hN, cN]] = layer.forward(input, h0 === null || c0 === null ? null : [h0, c0], { lengths });
      results = { output, h_n: hN, c_n: cN };
    } else {
      const [output, hN] = layer.forward(input, h0, { lengths });
      results = { output, h_n: hN };
    }
    if (lengths !== null && input.rank === 3) {
      const longest = Math.max(...lengths);
      results.output = narrow(results.output, layer.batchFirst ? 1 : 0, 0, longest);
    }
    const selected = a.string('selected_output', ['output', 'h_n', 'c_n'] as const, 'output');
    const { [selected]: output, ...extra } = results;
    if (output === undefined) throw new Error(`cases: ${name}: selected_output '${selected}' is not a result of this layer`);
    return { output, extra };
  });

/** The cells (one step): inputs `input`, optional `hx` (`h0`) and `cx` (`c0`), parameters `weight_ih`, ... */
const cellCase = (name: 'rnn_cell' | 'lstm_cell' | 'gru_cell'): OpRun =>
  op(name, (x, a) => {
    const inputSize = a.int('input_size');
    const hiddenSize = a.int('hidden_size');
    const bias = a.bool('bias', true);
    const cell =
      name === 'rnn_cell'
        ? new RNNCell(inputSize, hiddenSize, { bias, nonlinearity: a.string('nonlinearity', ['tanh', 'relu'] as const, 'tanh') })
        : name === 'lstm_cell'
          ? new LSTMCell(inputSize, hiddenSize, { bias })
          : new GRUCell(inputSize, hiddenSize, { bias });
    useParameters(cell, x, name);
    const input = x.get('input', 0);
    const h = x.optional('hx') ?? x.optional('h0') ?? x.optional('h');
    const selected = a.string('selected_output', ['output', 'h', 'h_1', 'hy', 'c', 'c_1', 'cy'] as const, 'output');
    if (cell instanceof LSTMCell) {
      const c = x.optional('cx') ?? x.optional('c0') ?? x.optional('c');
      const [h1, c1] = cell.forward(input, h === null || c === null ? null : [h, c]);
      const wantsC = selected.startsWith('c');
      const named = { h: h1, h_1: h1, hy: h1, h_n: h1, c: c1, c_1: c1, cy: c1, c_n: c1 };
      return { output: wantsC ? c1 : h1, extra: { ...named, output: h1 } };
    }
    return cell.forward(input, h);
  });

export const recurrentCases: Readonly<Record<string, OpRun>> = {
  rnn: recurrentCase('rnn'),
  lstm: recurrentCase('lstm'),
  gru: recurrentCase('gru'),
  rnn_cell: cellCase('rnn_cell'),
  lstm_cell: cellCase('lstm_cell'),
  gru_cell: cellCase('gru_cell'),
};
