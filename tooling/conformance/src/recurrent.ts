/**
 * The recurrent module cases (rnn, lstm, gru): the vector's inputs are the data (`input`,
 * optional `h0`, `c0`) and every parameter under its PyTorch state-dict name. The case builds
 * our layer from the constructor attrs, sets each parameter property by that name to the
 * vector's tensor (so the gradient reaches it), and returns the output `selected_output`
 * names, the other results as extra outputs.
 */
import { GRU, LSTM, RNN, type Module } from '@nn/layers';
import type { Tensor } from '@nn/tensor';
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
  return name === 'lstm' ? new LSTM(inputSize, hiddenSize, options) : new GRU(inputSize, hiddenSize, options);
}

/** Replaces every parameter by the input of the same state-dict name; each must be given. */
function useParameters(layer: Module<never[], unknown>, x: Inputs, opName: string): void {
  const own = layer as unknown as Record<string, Tensor>;
  for (const [key] of layer.namedParameters()) {
    const given = x.optional(key);
    if (given === null) throw new Error(`cases: ${opName}: no input for parameter '${key}'`);
    own[key] = given;
  }
}

const recurrentCase = (name: 'rnn' | 'lstm' | 'gru'): OpRun =>
  op(name, (x, a) => {
    const layer = build(name, a);
    layer.eval();
    useParameters(layer, x, name);
    const input = x.get('input', 0);
    const h0 = x.optional('h0');
    let results: Record<string, Tensor>;
    if (layer instanceof LSTM) {
      const c0 = x.optional('c0');
      const [output, [hN, cN]] = layer.forward(input, h0 === null || c0 === null ? null : [h0, c0]);
      results = { output, h_n: hN, c_n: cN };
    } else {
      const [output, hN] = layer.forward(input, h0);
      results = { output, h_n: hN };
    }
    const selected = a.string('selected_output', ['output', 'h_n', 'c_n'] as const, 'output');
    const { [selected]: output, ...extra } = results;
    if (output === undefined) throw new Error(`cases: ${name}: selected_output '${selected}' is not a result of this layer`);
    return { output, extra };
  });

export const recurrentCases: Readonly<Record<string, OpRun>> = {
  rnn: recurrentCase('rnn'),
  lstm: recurrentCase('lstm'),
  gru: recurrentCase('gru'),
};
