/**
 * The vectors' PyTorch ops, each as a run function over our public ops: it takes the
 * case's input tensors and PyTorch attributes, translates the attributes to our names and
 * returns the differentiable output (plus any extra outputs the vectors also hold). The
 * forward suite (suites/vectors.ts) compares these results with the vectors; the gradient
 * suite differentiates the same functions with respect to the case's differentiable
 * inputs. An op or attribute that is not translated here is an error, never a skip.
 */
import {
  abs,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  add,
  argmax,
  argmin,
  avgPool2d,
  batchNorm,
  concat,
  conv2d,
  convTranspose2d,
  cos,
  div,
  elu,
  exp,
  flatten,
  gelu,
  layerNorm,
  leakyRelu,
  linear,
  localResponseNorm,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  maxPool2d,
  maxWithIndices,
  mean,
  min,
  minimum,
  minWithIndices,
  mul,
  neg,
  permute,
  pow,
  prod,
  relu,
  reshape,
  rsqrt,
  sigmoid,
  sin,
  softmax,
  softplus,
  sqrt,
  square,
  squeeze,
  stack,
  std,
  sub,
  sum,
  tanh,
  transpose,
  unsqueeze,
  upsample,
  variance,
  broadcastTo,
  ceil,
  clip,
  expand,
  floor,
  gather,
  indexSelect,
  narrow,
  pad,
  round,
  sign,
  type AdaptiveOutputSize,
  type Tensor,
} from '@nn/tensor';
import { op, type AttrReader, type OpRun } from './attrs.js';
import { EXTRA_CASES } from './cases_extra.js';
import { bceWithLogits, crossEntropy, mseLoss } from './losses.js';
import { TRANSFORMER_CASES } from './transformer_cases.js';
import { recurrentCases } from './recurrent.js';

export type { Attrs, OpResult, OpRun } from './attrs.js';

const unary = (name: string, fn: (x: Tensor) => Tensor): OpRun => op(name, (x) => fn(x.get('x', 0)));
const binary = (name: string, fn: (a: Tensor, b: Tensor) => Tensor): OpRun => op(name, (x) => fn(x.get('a', 0), x.get('b', 1)));

/** A reduction with PyTorch's `dim` (None = all) and `keepdim`. */
const reduction = (name: string, fn: (x: Tensor, axis: number | number[] | undefined, options: { keepDim: boolean }) => Tensor): OpRun =>
  op(name, (x, a) => fn(x.get('x', 0), a.axes('dim'), { keepDim: a.bool('keepdim', false) }));

const conv2dCase = op('conv2d', (x, a) => {
  a.expect('padding_mode', 'zeros');
  const padding = typeof a.peek('padding') === 'string' ? a.string('padding', ['same', 'valid']) : a.pair('padding', [0, 0]);
  return conv2d(x.get('x', 0), x.get('weight', 1), x.optional('bias'), {
    stride: a.pair('stride', [1, 1]),
    padding,
    dilation: a.pair('dilation', [1, 1]),
    groups: a.int('groups', 1),
  });
});

/** F.max_pool2d (with return_indices' indices as an extra output). */
const maxPool2dCase = op('max_pool2d', (x, a) => {
  const kernelSize = a.pair('kernel_size');
  a.bool('return_indices', true);
  const { values, indices } = maxPool2d(x.get('x', 0), kernelSize, {
    stride: a.pair('stride', kernelSize),
    padding: a.pair('padding', [0, 0]),
    dilation: a.pair('dilation', [1, 1]),
    ceilMode: a.bool('ceil_mode', false),
    returnIndices: true,
  });
  return { output: values, extra: { indices } };
});

/** PyTorch's adaptive output_size: an int, or a pair where None keeps the input's size. */
function adaptiveSize(a: AttrReader): AdaptiveOutputSize {
  const v = a.raw('output_size');
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2 && v.every((d) => d === null || typeof d === 'number')) return [v[0], v[1]] as [number | null, number | null];
  throw new Error(`cases: adaptive pooling: output_size ${JSON.stringify(v)} is not an int or a pair`);
}

/** F.interpolate / upsample by mode. */
const interpolate = (name: string, fixedMode?: 'nearest' | 'bilinear'): OpRun =>
  op(name, (x, a) => {
    const mode = a.string('mode', ['nearest', 'bilinear'], fixedMode);
    const size = a.has('size') ? a.pair('size') : undefined;
    const scale = a.raw('scale_factor');
    const scaleFactor = typeof scale === 'number' ? scale : Array.isArray(scale) ? [scale[0] as number, scale[1] as number] as const : undefined;
    const alignCorners = a.bool('align_corners', false);
    a.expect('recompute_scale_factor', null);
    return upsample(x.get('x', 0), { size, scaleFactor, mode, alignCorners });
  });

/** F.batch_norm; running statistics before the call are inputs, after it extra outputs. */
const batchNormCase = op('batch_norm', (x, a) => {
  const input = x.get('x', 0);
  const training = a.bool('training', false);
  const momentum = a.number('momentum', 0.1);
  const eps = a.number('eps', 1e-5);
  const result = batchNorm(input, x.optional('running_mean'), x.optional('running_var'), x.optional('weight'), x.optional('bias'), {
    training,
    momentum,
    eps,
  });
  const axes = [0, ...Array.from({ length: input.rank - 2 }, (_, i) => i + 2)];
  const extra: Record<string, Tensor> = {
    batch_mean: mean(input, axes),
    batch_var_biased: variance(input, axes, { correction: 0 }),
    batch_var_unbiased: variance(input, axes, { correction: 1 }),
  };
  if (result.runningMean !== null) extra.running_mean_after = result.runningMean;
  if (result.runningVar !== null) extra.running_var_after = result.runningVar;
  return { output: result.output, extra };
});

/** Every op of the vectors (PyTorch names), and the other foundation ops a reference case may use. */
export const OP_CASES: Readonly<Record<string, OpRun>> = {
  // elementwise
  add: binary('add', add),
  sub: binary('sub', sub),
  mul: binary('mul', mul),
  div: binary('div', div),
  maximum: binary('maximum', maximum),
  minimum: binary('minimum', minimum),
  neg: unary('neg', neg),
  abs: unary('abs', abs),
  exp: unary('exp', exp),
  log: unary('log', log),
  log1p: unary('log1p', log1p),
  sqrt: unary('sqrt', sqrt),
  rsqrt: unary('rsqrt', rsqrt),
  square: unary('square', square),
  sin: unary('sin', sin),
  cos: unary('cos', cos),
  sigmoid: unary('sigmoid', sigmoid),
  tanh: unary('tanh', tanh),
  relu: unary('relu', relu),
  sign: unary('sign', sign),
  floor: unary('floor', floor),
  ceil: unary('ceil', ceil),
  round: unary('round', round),
  clamp: op('clamp', (x, a) => clip(x.get('x', 0), x.optional('min') ?? a.optionalNumber('min'), x.optional('max') ?? a.optionalNumber('max'))),
  pow: op('pow', (x, a) => {
    // torch.pow(x, scalar) has the exponent as an attribute; torch.pow(a, b) as a second tensor.
    const exponent = x.all()[1] ?? a.number('exponent');
    return pow(x.get('x', 0), exponent);
  }),
  leaky_relu: op('leaky_relu', (x, a) => leakyRelu(x.get('x', 0), { negativeSlope: a.number('negative_slope', 0.01) })),
  elu: op('elu', (x, a) => elu(x.get('x', 0), { alpha: a.number('alpha', 1) })),
  gelu: op('gelu', (x, a) => gelu(x.get('x', 0), { approximate: a.string('approximate', ['none', 'tanh'] as const, 'none') })),
  softplus: op('softplus', (x, a) => softplus(x.get('x', 0), { beta: a.number('beta', 1), threshold: a.number('threshold', 20) })),

  // reductions
  sum: reduction('sum', sum),
  mean: reduction('mean', mean),
  prod: reduction('prod', prod),
  logsumexp: reduction('logsumexp', logsumexp),
  max: op('max', (x, a) => {
    // torch.max(a, b) is the elementwise maximum.
    if (x.all().length === 2) return maximum(x.get('a', 0), x.get('b', 1));
    const input = x.get('x', 0);
    const dim = a.optionalInt('dim');
    const keepDim = a.bool('keepdim', false);
    if (dim === undefined) return max(input, undefined, { keepDim });
    const { values, indices } = maxWithIndices(input, dim, { keepDim });
    return { output: values, extra: { indices } };
  }),
  min: op('min', (x, a) => {
    if (x.all().length === 2) return minimum(x.get('a', 0), x.get('b', 1));
    const input = x.get('x', 0);
    const dim = a.optionalInt('dim');
    const keepDim = a.bool('keepdim', false);
    if (dim === undefined) return min(input, undefined, { keepDim });
    const { values, indices } = minWithIndices(input, dim, { keepDim });
    return { output: values, extra: { indices } };
  }),
  argmax: op('argmax', (x, a) => argmax(x.get('x', 0), a.optionalInt('dim'), { keepDim: a.bool('keepdim', false) })),
  argmin: op('argmin', (x, a) => argmin(x.get('x', 0), a.optionalInt('dim'), { keepDim: a.bool('keepdim', false) })),
  var: op('var', (x, a) => variance(x.get('x', 0), a.axes('dim'), { correction: a.number('correction', a.bool('unbiased', true) ? 1 : 0), keepDim: a.bool('keepdim', false) })),
  std: op('std', (x, a) => std(x.get('x', 0), a.axes('dim'), { correction: a.number('correction', a.bool('unbiased', true) ? 1 : 0), keepDim: a.bool('keepdim', false) })),
  softmax: op('softmax', (x, a) => softmax(x.get('x', 0), a.int('dim'))),
  log_softmax: op('log_softmax', (x, a) => logSoftmax(x.get('x', 0), a.int('dim'))),

  // linear algebra
  matmul: binary('matmul', matmul),
  linear: op('linear', (x) => linear(x.get('x', 0), x.get('weight', 1), x.optional('bias'))),

  // shape
  reshape: op('reshape', (x, a) => reshape(x.get('x', 0), a.ints('shape'))),
  transpose: op('transpose', (x, a) => transpose(x.get('x', 0), a.int('dim0'), a.int('dim1'))),
  permute: op('permute', (x, a) => permute(x.get('x', 0), a.ints('dims'))),
  flatten: op('flatten', (x, a) => flatten(x.get('x', 0), a.int('start_dim', 0), a.int('end_dim', -1))),
  squeeze: op('squeeze', (x, a) => squeeze(x.get('x', 0), a.axes('dim'))),
  unsqueeze: op('unsqueeze', (x, a) => unsqueeze(x.get('x', 0), a.int('dim'))),
  expand: op('expand', (x, a) => expand(x.get('x', 0), a.ints('size'))),
  broadcast_to: op('broadcast_to', (x, a) => broadcastTo(x.get('x', 0), a.ints('size'))),
  narrow: op('narrow', (x, a) => narrow(x.get('x', 0), a.int('dim'), a.int('start'), a.int('length'))),
  gather: op('gather', (x, a) => gather(x.get('x', 0), a.int('dim'), x.get('index', 1))),
  index_select: op('index_select', (x, a) => indexSelect(x.get('x', 0), a.int('dim'), x.get('index', 1))),
  pad: op('pad', (x, a) =>
    pad(x.get('x', 0), a.ints('pad'), { mode: a.string('mode', ['constant', 'reflect'] as const, 'constant'), value: a.optionalNumber('value') ?? 0 }),
  ),
  cat: op('cat', (x, a) => concat(x.all(), a.int('dim', 0))),
  stack: op('stack', (x, a) => stack(x.all(), a.int('dim', 0))),

  // losses (composed from tensor ops for now, see losses.ts)
  cross_entropy: crossEntropy,
  mse_loss: mseLoss,
  binary_cross_entropy_with_logits: bceWithLogits,

  // images (NCHW)
  conv2d: conv2dCase,
  conv_transpose2d: op('conv_transpose2d', (x, a) =>
    convTranspose2d(x.get('x', 0), x.get('weight', 1), x.optional('bias'), {
      stride: a.pair('stride', [1, 1]),
      padding: a.pair('padding', [0, 0]),
      outputPadding: a.pair('output_padding', [0, 0]),
      dilation: a.pair('dilation', [1, 1]),
      groups: a.int('groups', 1),
    }),
  ),
  max_pool2d: maxPool2dCase,
  avg_pool2d: op('avg_pool2d', (x, a) => {
    const kernelSize = a.pair('kernel_size');
    return avgPool2d(x.get('x', 0), kernelSize, {
      stride: a.pair('stride', kernelSize),
      padding: a.pair('padding', [0, 0]),
      ceilMode: a.bool('ceil_mode', false),
      countIncludePad: a.bool('count_include_pad', true),
      divisorOverride: a.optionalInt('divisor_override') ?? null,
    });
  }),
  adaptive_avg_pool2d: op('adaptive_avg_pool2d', (x, a) => adaptiveAvgPool2d(x.get('x', 0), adaptiveSize(a))),
  adaptive_max_pool2d: op('adaptive_max_pool2d', (x, a) => {
    a.bool('return_indices', true);
    const { values, indices } = adaptiveMaxPool2d(x.get('x', 0), adaptiveSize(a), { returnIndices: true });
    return { output: values, extra: { indices } };
  }),
  batch_norm: batchNormCase,
  layer_norm: op('layer_norm', (x, a) =>
    layerNorm(x.get('x', 0), typeof a.peek('normalized_shape') === 'number' ? a.int('normalized_shape') : a.ints('normalized_shape'), { weight: x.optional('weight'), bias: x.optional('bias'), eps: a.number('eps', 1e-5) }),
  ),
  local_response_norm: op('local_response_norm', (x, a) =>
    localResponseNorm(x.get('x', 0), a.int('size'), { alpha: a.number('alpha', 1e-4), beta: a.number('beta', 0.75), k: a.number('k', 1) }),
  ),
  upsample_nearest2d: interpolate('upsample_nearest2d', 'nearest'),
  upsample_bilinear2d: interpolate('upsample_bilinear2d', 'bilinear'),
  interpolate: interpolate('interpolate'),

  // issue 15: 1-D convolutions, group/instance norm, embedding, activations, losses (cases_extra.ts)
  ...EXTRA_CASES,

  // attention and Transformer modules (transformer_cases.ts)
  ...TRANSFORMER_CASES,
  // recurrent modules (recurrent.ts)
  ...recurrentCases,
};

/** The run function of `op`; throws, naming the op, when cases.ts has no entry for it. */
export function opRun(opName: string): OpRun {
  const run = OP_CASES[opName];
  if (run === undefined) throw new Error(`cases: no mapping for op '${opName}': add it to OP_CASES in tooling/conformance/src/cases.ts`);
  return run;
}
