/**
 * Comparing our results with references: |actual - expected| <= atol + rtol * |expected|
 * elementwise (vectors/README.md), integers exactly, and on failure a message that names the
 * worst element, so that a failing case says at once how far off it is and where.
 */
import type { Tensor } from '@nn/tensor';
import type { VectorTensor } from './vectors.js';

export interface Tolerance {
  atol: number;
  rtol: number;
}

/** For elementwise results: float32 rounding of one or two operations. */
export const DEFAULT_TOLERANCE: Readonly<Tolerance> = { atol: 1e-5, rtol: 1e-4 };
/** For results summed over many terms (reductions, losses, matmul, conv), whose order differs from PyTorch's. */
export const ACCUMULATING_TOLERANCE: Readonly<Tolerance> = { atol: 1e-4, rtol: 1e-4 };
/** Indices and integer results. */
export const EXACT: Readonly<Tolerance> = { atol: 0, rtol: 0 };

/** Vector ops (PyTorch names) whose outputs accumulate many float32 terms. */
const ACCUMULATING_OPS = new Set([
  'sum',
  'mean',
  'prod',
  'logsumexp',
  'var',
  'std',
  'softmax',
  'log_softmax',
  'cross_entropy',
  'nll_loss',
  'mse_loss',
  'l1_loss',
  'binary_cross_entropy',
  'kl_div',
  'smooth_l1_loss',
  'huber_loss',
  'binary_cross_entropy_with_logits',
  'matmul',
  'linear',
  'conv1d',
  'conv2d',
  'conv_transpose1d',
  'conv_transpose2d',
  'avg_pool2d',
  'adaptive_avg_pool2d',
  'batch_norm',
  'layer_norm',
  'group_norm',
  'instance_norm',
  'local_response_norm',
  'upsample_bilinear2d',
  'multi_head_attention',
  'transformer_encoder_layer',
  'transformer_encoder',
  'transformer_decoder_layer',
  'transformer_decoder',
  'rnn',
  'lstm',
  'gru',
]);

/** The tolerance the vectors README gives for a case of `op`. */
export function toleranceFor(op: string): Tolerance {
  return ACCUMULATING_OPS.has(op) ? ACCUMULATING_TOLERANCE : DEFAULT_TOLERANCE;
}

/** Reference values: a vector tensor, or plain values computed by a naive loop. */
export interface Expected {
  shape: readonly number[];
  data: ArrayLike<number>;
  /** Integer results (indices) compare exactly and must come back as int32. */
  integer?: boolean;
  /** The dtype the result must have (default float32, or int32 when `integer`); non-float compares exactly. */
  dtype?: 'float32' | 'int32' | 'bool';
}

export interface Comparison {
  ok: boolean;
  /** Empty when ok; otherwise what differs, with the worst element. */
  message: string;
  maxAbsError: number;
  mismatches: number;
}

function indexOf(flat: number, shape: readonly number[]): string {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return `[${index.join(',')}]`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Compares plain values; `label` names the result in the message (e.g. `output`, `indices`). */
export function compareValues(
  label: string,
  actual: { shape: readonly number[]; dtype: string; values: ArrayLike<number> },
  expected: Expected,
  tolerance: Tolerance,
): Comparison {
  const failed = (message: string): Comparison => ({ ok: false, message: `${label}: ${message}`, maxAbsError: Infinity, mismatches: -1 });
  if (!sameShape(actual.shape, expected.shape)) {
    return failed(`shape [${actual.shape.join(',')}], expected [${expected.shape.join(',')}]`);
  }
  const wantDType = expected.dtype ?? (expected.integer ? 'int32' : 'float32');
  if (actual.dtype !== wantDType) return failed(`dtype ${actual.dtype}, expected ${wantDType}`);
  const { atol, rtol } = wantDType === 'float32' ? tolerance : EXACT;
  let maxAbsError = 0;
  let mismatches = 0;
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.values[i];
    const b = expected.data[i];
    let error: number;
    let ratio: number;
    if (Number.isNaN(b) || !Number.isFinite(b)) {
      // NaN must stay NaN and an infinity must be the same infinity.
      const same = Number.isNaN(b) ? Number.isNaN(a) : a === b;
      error = same ? 0 : Infinity;
      ratio = same ? 0 : Infinity;
    } else {
      error = Math.abs(a - b);
      if (Number.isNaN(error)) error = Infinity;
      const allowed = atol + rtol * Math.abs(b);
      ratio = allowed === 0 ? (error === 0 ? 0 : Infinity) : error / allowed;
    }
    if (error > maxAbsError) maxAbsError = error;
    if (ratio > 1) mismatches++;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (mismatches === 0) return { ok: true, message: '', maxAbsError, mismatches };
  const a = actual.values[worst];
  const b = expected.data[worst];
  const allowed = atol + rtol * Math.abs(b);
  const message =
    `${label}: ${mismatches} of ${expected.data.length} values ${atol === 0 && rtol === 0 ? 'differ (must match exactly)' : `out of tolerance (atol ${atol}, rtol ${rtol})`}; ` +
    `worst at ${indexOf(worst, expected.shape)}: got ${a}, expected ${b}, |diff| ${Math.abs(a - b).toExponential(3)} > allowed ${allowed.toExponential(3)}; ` +
    `max |diff| ${maxAbsError.toExponential(3)}`;
  return { ok: false, message, maxAbsError, mismatches };
}

/** Compares a tensor with a vector tensor (int64 references are indices: exact, int32 here). */
export function compareTensor(label: string, actual: Tensor, expected: VectorTensor, tolerance: Tolerance): Comparison {
  return compareValues(
    label,
    { shape: actual.shape, dtype: actual.dtype, values: actual.dataSync() },
    { shape: expected.shape, data: expected.data, integer: expected.dtype === 'int64' },
    tolerance,
  );
}

/** Throws the comparison's message unless `actual` matches `expected` (for property tests). */
export function assertClose(actual: Tensor, expected: Expected, tolerance: Tolerance = DEFAULT_TOLERANCE, label = 'result'): void {
  const result = compareValues(label, { shape: actual.shape, dtype: actual.dtype, values: actual.dataSync() }, expected, tolerance);
  if (!result.ok) throw new Error(result.message);
}
