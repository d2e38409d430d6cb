/**
 * The vectors' losses as run functions. They belong to @nn/layers' functional losses
 * (issue 3); until those exist they are composed here from public tensor ops, so that the
 * forward values are checked already, with PyTorch's formulas and reductions.
 * TODO(layers): call the functional losses instead once @nn/layers has them.
 */
import { abs, add, div, exp, log1p, logSoftmax, mean, mul, ne, neg, oneHot, permute, relu, reshape, square, sub, sum, unsqueeze, type Tensor } from '@nn/tensor';
import { op, type AttrReader } from './attrs.js';

type Reduction = 'none' | 'mean' | 'sum';
const readReduction = (a: AttrReader): Reduction => a.string('reduction', ['none', 'mean', 'sum'] as const, 'mean');

/** Applies a loss `reduction` to elementwise losses. */
function reduce(reduction: Reduction, losses: Tensor): Tensor {
  return reduction === 'none' ? losses : reduction === 'sum' ? sum(losses) : mean(losses);
}

/**
 * F.cross_entropy on logits [N, C, d...] (or [C]) with class-index targets (int64 in the
 * vectors, int32 here) or class probabilities; class weights, ignore_index and
 * label_smoothing as PyTorch: the weighted mean divides by the summed weights of the
 * targets that count.
 */
export const crossEntropy = op('cross_entropy', (x, a) => {
  const logits = x.get('logits', 0);
  const target = x.get('target', 1);
  const classWeight = x.optional('weight');
  const smoothing = a.number('label_smoothing', 0);
  const ignoreIndex = a.int('ignore_index', -100);
  const reduction = readReduction(a);
  const classAxis = logits.rank === 1 ? 0 : 1;
  const classes = logits.shape[classAxis];
  const logProbs = logSoftmax(logits, classAxis);
  // Class weights [C] broadcast along the class axis: [C, 1, ...] against [N, C, d...].
  const weightShape = logits.shape.map((d, i) => (i === classAxis ? d : 1)).slice(classAxis);
  const w = classWeight === null ? null : reshape(classWeight, weightShape);
  const weighted = w === null ? logProbs : mul(logProbs, w);

  if (target.dtype === 'int32') {
    // Ignored targets become class 0 with an all-zero one-hot row, so they add nothing.
    const counts = ne(target, ignoreIndex).cast('int32');
    let picked = mul(oneHot(mul(target, counts), classes), unsqueeze(counts, -1)).cast('float32');
    // oneHot puts classes last; the logits have them on axis 1.
    if (logits.rank > 2) picked = permute(picked, [0, picked.rank - 1, ...Array.from({ length: picked.rank - 2 }, (_, i) => i + 1)]);
    let losses = neg(sum(mul(picked, weighted), classAxis));
    if (smoothing > 0) {
      const smooth = mul(neg(sum(weighted, classAxis)), counts.cast('float32'));
      losses = add(mul(losses, 1 - smoothing), mul(smooth, smoothing / classes));
    }
    if (reduction !== 'mean') return reduce(reduction, losses);
    return div(sum(losses), sum(w === null ? picked : mul(picked, w)));
  }
  a.expect('ignore_index', -100);
  const probabilities = smoothing > 0 ? add(mul(target, 1 - smoothing), smoothing / classes) : target;
  const losses = neg(sum(mul(probabilities, weighted), classAxis));
  return reduce(reduction, losses);
});

/** F.mse_loss: (input - target)^2. */
export const mseLoss = op('mse_loss', (x, a) => reduce(readReduction(a), square(sub(x.get('input', 0), x.get('target', 1)))));

/**
 * F.binary_cross_entropy_with_logits in PyTorch's stable form:
 * (1 - t) x + (1 + (pw - 1) t) (log(1 + exp(-|x|)) + max(-x, 0)), times the optional weight.
 */
export const bceWithLogits = op('binary_cross_entropy_with_logits', (x, a) => {
  const logits = x.get('logits', 0);
  const target = x.get('target', 1);
  const weight = x.optional('weight');
  const posWeight = x.optional('pos_weight');
  const softplusOfNegative = add(log1p(exp(neg(abs(logits)))), relu(neg(logits)));
  const scale = posWeight === null ? null : add(mul(sub(posWeight, 1), target), 1);
  let losses = add(mul(sub(1, target), logits), scale === null ? softplusOfNegative : mul(scale, softplusOfNegative));
  if (weight !== null) losses = mul(losses, weight);
  return reduce(readReduction(a), losses);
});
