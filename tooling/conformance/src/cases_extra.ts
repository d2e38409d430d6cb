/**
 * Run functions for the round-2 vectors of issue 15: the 1-D convolutions, group and instance
 * norm, embedding, the extra activations and the losses. The losses and the
 * embedding call @nn/layers' functional forms, the code users call, so the vectors check it.
 */
import { binaryCrossEntropy, embedding, huberLoss, klDiv, nllLoss, smoothL1Loss, type Reduction } from '@nn/layers';
import { celu, conv1d, convTranspose1d, groupNorm, hardtanh, instanceNorm, logSigmoid, mish, prelu, selu, silu, softsign, type Tensor } from '@nn/tensor';
import { op, type AttrReader, type OpRun } from './attrs.js';

/** nn.Conv1d-style attributes: an int or a list of one int. */
const single = (a: AttrReader, name: string, fallback: number): number => a.pair(name, [fallback, fallback])[0];
const reduction = (a: AttrReader): Reduction => a.string('reduction', ['none', 'mean', 'sum'] as const, 'mean');
const unary = (name: string, fn: (x: Tensor) => Tensor): OpRun => op(name, (x) => fn(x.get('x', 0)));

export const EXTRA_CASES: Readonly<Record<string, OpRun>> = {
  conv1d: op('conv1d', (x, a) => {
    a.expect('padding_mode', 'zeros');
    const padding = typeof a.peek('padding') === 'string' ? a.string('padding', ['same', 'valid']) : single(a, 'padding', 0);
    return conv1d(x.get('x', 0), x.get('weight', 1), x.optional('bias'), {
      stride: single(a, 'stride', 1),
      padding,
      dilation: single(a, 'dilation', 1),
      groups: a.int('groups', 1),
    });
  }),
  conv_transpose1d: op('conv_transpose1d', (x, a) =>
    convTranspose1d(x.get('x', 0), x.get('weight', 1), x.optional('bias'), {
      stride: single(a, 'stride', 1),
      padding: single(a, 'padding', 0),
      outputPadding: single(a, 'output_padding', 0),
      groups: a.int('groups', 1),
      dilation: single(a, 'dilation', 1),
    }),
  ),
  group_norm: op('group_norm', (x, a) =>
    groupNorm(x.get('x', 0), a.int('num_groups'), { weight: x.optional('weight'), bias: x.optional('bias'), eps: a.number('eps', 1e-5) }),
  ),
  instance_norm: op('instance_norm', (x, a) => {
    const result = instanceNorm(x.get('x', 0), x.optional('running_mean'), x.optional('running_var'), x.optional('weight'), x.optional('bias'), {
      useInputStats: a.bool('use_input_stats', true),
      momentum: a.number('momentum', 0.1),
      eps: a.number('eps', 1e-5),
    });
    const extra: Record<string, Tensor> = {};
    if (result.runningMean !== null && x.optional('running_mean') !== null) extra.running_mean_after = result.runningMean;
    if (result.runningVar !== null && x.optional('running_var') !== null) extra.running_var_after = result.runningVar;
    return { output: result.output, extra };
  }),
  embedding: op('embedding', (x, a) => {
    a.expect('max_norm', null);
    a.expect('scale_grad_by_freq', false);
    a.expect('sparse', false);
    return embedding(x.get('indices', 0), x.get('weight', 1), { paddingIdx: a.optionalInt('padding_idx') ?? null });
  }),

  silu: unary('silu', silu),
  mish: unary('mish', mish),
  softsign: unary('softsign', softsign),
  log_sigmoid: unary('log_sigmoid', logSigmoid),
  logsigmoid: unary('logsigmoid', logSigmoid),
  selu: unary('selu', selu),
  celu: op('celu', (x, a) => celu(x.get('x', 0), { alpha: a.number('alpha', 1) })),
  hardtanh: op('hardtanh', (x, a) => hardtanh(x.get('x', 0), { minVal: a.number('min_val', -1), maxVal: a.number('max_val', 1) })),
  relu6: unary('relu6', (t) => hardtanh(t, { minVal: 0, maxVal: 6 })),
  prelu: op('prelu', (x) => prelu(x.get('x', 0), x.get('weight', 1))),

  nll_loss: op('nll_loss', (x, a) =>
    nllLoss(x.get('input', 0), x.get('target', 1), { weight: x.optional('weight'), ignoreIndex: a.int('ignore_index', -100), reduction: reduction(a) }),
  ),
  kl_div: op('kl_div', (x, a) =>
    klDiv(x.get('input', 0), x.get('target', 1), {
      reduction: a.string('reduction', ['none', 'mean', 'sum', 'batchmean'] as const, 'mean'),
      logTarget: a.bool('log_target', false),
    }),
  ),
  smooth_l1_loss: op('smooth_l1_loss', (x, a) => smoothL1Loss(x.get('input', 0), x.get('target', 1), { beta: a.number('beta', 1), reduction: reduction(a) })),
  huber_loss: op('huber_loss', (x, a) => huberLoss(x.get('input', 0), x.get('target', 1), { delta: a.number('delta', 1), reduction: reduction(a) })),
  binary_cross_entropy: op('binary_cross_entropy', (x, a) =>
    binaryCrossEntropy(x.get('input', 0), x.get('target', 1), { weight: x.optional('weight'), reduction: reduction(a) }),
  ),
};
