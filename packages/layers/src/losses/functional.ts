/**
 * Loss functions with PyTorch's formulas (torch.nn.functional), built from tensor ops so
 * that autograd differentiates them. Every loss takes `reduction`: 'mean' (default), 'sum'
 * or 'none'. Unlike PyTorch, which broadcasts a mismatched target with a warning,
 * elementwise losses require input and target of the same shape: [N, 1] against [N] is
 * almost always a bug.
 */
import { abs, cast, clip, engine, eq, exp, gather, indexSelect, log, log1p, logSoftmax, minimum, ne, oneHot, shapesEqual, where, type Tensor } from '@nn/tensor';

export type Reduction = 'none' | 'mean' | 'sum';

export interface ReductionOptions {
  reduction?: Reduction;
}

function reductionOf(op: string, options: ReductionOptions): Reduction {
  const r = options.reduction ?? 'mean';
  if (r !== 'none' && r !== 'mean' && r !== 'sum') throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(r)}'`);
  return r;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

function shapeText(t: Tensor): string {
  return `[${t.shape.join(',')}]`;
}

/** Checks an elementwise loss's operands; returns the target as float32. */
function pairOf(op: string, input: Tensor, target: Tensor): Tensor {
  if (input.dtype !== 'float32') throw new Error(`${op}: input must be float32, got ${input.dtype}`);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`${op}: input ${shapeText(input)} and target ${shapeText(target)} must have the same shape`);
  }
  return target.dtype === 'float32' ? target : cast(target, 'float32');
}

/** Mean squared error: (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const op = 'mseLoss';
  const r = reductionOf(op, options);
  return reduce(input.sub(pairOf(op, input, target)).square(), r);
}

/** Mean absolute error: |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const op = 'l1Loss';
  const r = reductionOf(op, options);
  return reduce(abs(input.sub(pairOf(op, input, target))), r);
}

/** 0.5·d²/β where |d| < β, |d| − 0.5·β elsewhere (β = 0 is the L1 loss). Default β = 1. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const op = 'smoothL1Loss';
  const r = reductionOf(op, options);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new Error(`${op}: beta must be >= 0, got ${beta}`);
  const d = abs(input.sub(pairOf(op, input, target)));
  if (beta === 0) return reduce(d, r);
  return reduce(where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), r);
}

/** 0.5·d² where |d| < δ, δ·(|d| − 0.5·δ) elsewhere. Default δ = 1. */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const op = 'huberLoss';
  const r = reductionOf(op, options);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error(`${op}: delta must be > 0, got ${delta}`);
  const d = abs(input.sub(pairOf(op, input, target)));
  return reduce(where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), r);
}

export interface ClassLossOptions extends ReductionOptions {
  /** A weight per class, [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (nor to the mean's denominator). Default -100. */
  ignoreIndex?: number;
}

/** [N, C, d1, ...] or unbatched [C]: the class axis and the count. */
function classAxisOf(op: string, input: Tensor): { axis: number; classes: number } {
  if (input.rank === 0) throw new Error(`${op}: input must have a class dimension, got a 0-d tensor`);
  if (input.dtype !== 'float32') throw new Error(`${op}: input must be float32, got ${input.dtype}`);
  const axis = input.rank === 1 ? 0 : 1;
  return { axis, classes: input.shape[axis] };
}

function checkWeight(op: string, weight: Tensor | null | undefined, classes: number): Tensor | null {
  if (weight == null) return null;
  if (weight.rank !== 1 || weight.shape[0] !== classes) throw new Error(`${op}: weight must have shape [${classes}] (one per class), got ${shapeText(weight)}`);
  return weight.dtype === 'float32' ? weight : cast(weight, 'float32');
}

/**
 * Checks class-index targets: the input's shape without the class axis, integers in
 * [0, C) or ignoreIndex. float32 targets holding integers are accepted (our tensor() makes
 * float32 by default); they are converted to int32.
 */
function checkIndexTarget(op: string, input: Tensor, target: Tensor, axis: number, classes: number, ignoreIndex: number): Tensor {
  const expected = input.shape.filter((_, i) => i !== axis);
  if (!shapesEqual(target.shape, expected)) {
    throw new Error(`${op}: class-index target must have shape [${expected.join(',')}] for input ${shapeText(input)}, got ${shapeText(target)}`);
  }
  if (target.dtype === 'bool') throw new Error(`${op}: target must hold class indices (int32), got bool`);
  // A target computed on a WebGPU device cannot be read synchronously: its values go unchecked.
  if (!engine().canReadSync(target)) return target.dtype === 'int32' ? target : cast(target, 'int32');
  const values = target.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === ignoreIndex) continue;
    if (!Number.isInteger(v)) throw new Error(`${op}: class-index target must hold integers, got ${v} at flat index ${i}`);
    if (v < 0 || v >= classes) throw new Error(`${op}: target ${v} at flat index ${i} is out of bounds for ${classes} classes`);
  }
  return target.dtype === 'int32' ? target : cast(target, 'int32');
}

/** -w[y]·input[y] per element, with the per-element weights (0 where ignored). */
function pickNegLogLikelihood(input: Tensor, target: Tensor, axis: number, weight: Tensor | null, ignoreIndex: number): { loss: Tensor; weights: Tensor } {
  const safe = where(eq(target, ignoreIndex), 0, target);
  const picked = gather(input, axis, safe.unsqueeze(axis)).squeeze(axis);
  const keep = cast(ne(target, ignoreIndex), 'float32');
  const weights = weight === null ? keep : indexSelect(weight, 0, safe.reshape([-1])).reshape(target.shape).mul(keep);
  return { loss: picked.mul(weights).neg(), weights };
}

/** Negative log-likelihood of log-probabilities (after logSoftmax); mean divides by the summed target weights. */
export function nllLoss(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const r = reductionOf(op, options);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const { axis, classes } = classAxisOf(op, input);
  const weight = checkWeight(op, options.weight, classes);
  const t = checkIndexTarget(op, input, target, axis, classes, ignoreIndex);
  const { loss, weights } = pickNegLogLikelihood(input, t, axis, weight, ignoreIndex);
  return r === 'mean' ? weightedMean(loss, weights) : reduce(loss, r);
}

/**
 * sum(loss) / sum(weights), PyTorch's weighted mean. When every target is ignored (total
 * weight 0) PyTorch returns NaN but a zero gradient (the ignored elements get none), so the
 * NaN enters as a constant and the division uses 1: no 0·∞ reaches the gradient.
 */
function weightedMean(loss: Tensor, weights: Tensor): Tensor {
  const total = weights.sum();
  const empty = eq(total, 0);
  return loss.sum().div(where(empty, 1, total)).add(where(empty, Number.NaN, 0));
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross entropy of logits [N, C, d...] (or [C]) against class indices [N, d...] or class
 * probabilities of the input's shape, PyTorch's formulas exactly: with indices, the mean
 * divides by the summed weights of the non-ignored targets, and label smoothing adds
 * ε/C·(−Σ_c w_c log p_c) normalised the same way; with probabilities, the mean divides by
 * the number of elements without the class axis.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const r = reductionOf(op, options);
  const { axis, classes } = classAxisOf(op, input);
  const weight = checkWeight(op, options.weight, classes);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`${op}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  const logp = logSoftmax(input, axis);
  // [C] seen as [1, C, 1, ...] against the input.
  const classColumn = (w: Tensor): Tensor => w.reshape(input.shape.map((d, i) => (i === axis ? d : 1)));

  if (target.dtype === 'float32' && shapesEqual(target.shape, input.shape)) {
    if (options.ignoreIndex !== undefined && options.ignoreIndex !== -100) throw new Error(`${op}: ignoreIndex is not supported with class-probability targets`);
    let probs = target;
    if (smoothing > 0) probs = probs.mul(1 - smoothing).add(smoothing / classes);
    let terms = logp.mul(probs);
    if (weight !== null) terms = terms.mul(classColumn(weight));
    if (r === 'none') return terms.sum(axis).neg();
    if (r === 'sum') return terms.sum().neg();
    return terms.sum().neg().div(input.size / classes);
  }

  const ignoreIndex = options.ignoreIndex ?? -100;
  const t = checkIndexTarget(op, input, target, axis, classes, ignoreIndex);
  const { loss, weights } = pickNegLogLikelihood(logp, t, axis, weight, ignoreIndex);
  const nll = r === 'mean' ? weightedMean(loss, weights) : reduce(loss, r);
  if (smoothing === 0) return nll;
  const keep = cast(ne(t, ignoreIndex), 'float32');
  const smooth = (weight === null ? logp : logp.mul(classColumn(weight))).sum(axis).neg().mul(keep);
  const smoothReduced = r === 'none' ? smooth : r === 'sum' ? smooth.sum() : weightedMean(smooth, weight === null ? keep : weights);
  return nll.mul(1 - smoothing).add(smoothReduced.mul(smoothing / classes));
}

export interface BinaryLossOptions extends ReductionOptions {
  /** Multiplies each element's loss (broadcast to the input). */
  weight?: Tensor | null;
}

/**
 * Binary cross entropy of probabilities in [0, 1]: −w·(y·log x + (1 − y)·log(1 − x)), each
 * log clamped at −100 as PyTorch does, so a confident wrong answer costs 100, not infinity.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryLossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  const r = reductionOf(op, options);
  const y = pairOf(op, input, target);
  if (input.size > 0) {
    const [min, max] = [input.min(), input.max()];
    // WebGPU has no synchronous readback: there the range goes unchecked (as PyTorch's CUDA
    // kernel only asserts on the device), and a value outside [0, 1] gives NaN.
    if (engine().canReadSync(min) && engine().canReadSync(max)) {
      const [lo, hi] = [min.item(), max.item()];
      if (!(lo >= 0 && hi <= 1)) throw new Error(`${op}: all elements of input should be between 0 and 1, got values in [${lo}, ${hi}]`);
    }
    min.dispose();
    max.dispose();
  }
  const logX = clip(log(input), -100);
  const logOneMinusX = clip(log(input.neg().add(1)), -100);
  let loss = y.mul(logX).add(y.neg().add(1).mul(logOneMinusX)).neg();
  if (options.weight != null) loss = loss.mul(options.weight);
  return reduce(loss, r);
}

export interface BCEWithLogitsOptions extends BinaryLossOptions {
  /** Weight of the positive class per output (broadcast along the last axis): > 1 raises recall. */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid + binary cross entropy in one numerically stable formula (PyTorch's):
 * (1 − y)·x − p·log σ(x), with p = (posWeight − 1)·y + 1 and log σ(x) = min(x, 0) − log1p(e^−|x|).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const r = reductionOf(op, options);
  const y = pairOf(op, input, target);
  let logSigmoid = minimum(input, 0).sub(log1p(exp(abs(input).neg())));
  if (options.posWeight != null) logSigmoid = logSigmoid.mul(options.posWeight.sub(1).mul(y).add(1));
  let loss = y.neg().add(1).mul(input).sub(logSigmoid);
  if (options.weight != null) loss = loss.mul(options.weight);
  return reduce(loss, r);
}

export interface DiceOptions extends ReductionOptions {
  /** Added to numerator and denominator (Laplace smoothing): an empty mask predicted empty scores 1. Default 1. */
  smooth?: number;
  /** Applied to the input first: 'sigmoid' for binary masks from logits, 'softmax' over classes. Default 'none'. */
  activation?: 'none' | 'sigmoid' | 'softmax';
}

/**
 * Dice loss for segmentation (Milletari et al., 2016, V-Net): per sample n and channel c,
 * 1 − (2·Σ p·t + smooth) / (Σ p + Σ t + smooth), sums over the spatial axes. input is
 * [N, C, ...] scores; target is either the same shape (masks or probabilities) or class
 * indices [N, ...] (turned into one-hot over C). 'none' gives [N, C]; 'mean' averages
 * over samples and channels.
 */
export function diceLoss(input: Tensor, target: Tensor, options: DiceOptions = {}): Tensor {
  const op = 'diceLoss';
  const r = reductionOf(op, options);
  const smooth = options.smooth ?? 1;
  if (!(smooth >= 0)) throw new Error(`${op}: smooth must be >= 0, got ${smooth}`);
  if (input.rank < 2) throw new Error(`${op}: input must be [N, C, ...], got ${shapeText(input)}`);
  if (input.dtype !== 'float32') throw new Error(`${op}: input must be float32, got ${input.dtype}`);
  const activation = options.activation ?? 'none';
  const p = activation === 'sigmoid' ? input.sigmoid() : activation === 'softmax' ? input.softmax(1) : activation === 'none' ? input : null;
  if (p === null) throw new Error(`${op}: activation must be 'none', 'sigmoid' or 'softmax', got '${String(activation)}'`);
  let t: Tensor;
  if (shapesEqual(target.shape, input.shape)) {
    t = target.dtype === 'float32' ? target : cast(target, 'float32');
  } else {
    const classes = input.shape[1];
    const indices = checkIndexTarget(op, input, target, 1, classes, Number.NaN);
    // one-hot puts classes last: [N, ..., C] → [N, C, ...].
    const hot = cast(oneHot(indices, classes), 'float32');
    const perm = [0, hot.rank - 1, ...Array.from({ length: hot.rank - 2 }, (_, i) => i + 1)];
    t = hot.permute(perm);
  }
  const spatial = Array.from({ length: input.rank - 2 }, (_, i) => i + 2);
  const sumSpatial = (x: Tensor): Tensor => (spatial.length > 0 ? x.sum(spatial) : x);
  const intersection = sumSpatial(p.mul(t));
  const total = sumSpatial(p).add(sumSpatial(t));
  const loss = intersection.mul(2).add(smooth).div(total.add(smooth)).neg().add(1);
  return reduce(loss, r);
}
