/**
 * localResponseNorm: PyTorch's F.local_response_norm, normalising each value by the squares
 * of its neighbours across channels (axis 1) of an input of rank 3 or more:
 *
 *   y_c = x_c / (k + alpha/size * sum_{c' = c - size//2}^{c + (size-1)//2} x_c'^2)^beta
 *
 * Note PyTorch's two departures from the AlexNet paper: alpha is divided by `size`, and
 * the window is lopsided for even sizes (size//2 channels before, (size-1)//2 after).
 */
import { assertDType, toTensor, type TensorLike } from '../convert.js';
import { KernelName, type LRNAttrs } from '../kernel_names.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkNoExtra, parseOptions } from './options.js';
import { runKernel } from './run.js';
import { checkFinite } from './unary.js';

export interface LocalResponseNormOptions {
  /** Default 1e-4 (divided by size, as PyTorch). */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
  /** Default 1. */
  k?: number;
}

export function localResponseNorm(x: TensorLike, size: number, options?: LocalResponseNormOptions, ...extra: never[]): Tensor {
  const op = 'localResponseNorm';
  const keys = ['alpha', 'beta', 'k'] as const;
  const { alpha = 1e-4, beta = 0.75, k = 1 } = parseOptions(op, options, keys);
  checkNoExtra(op, extra, keys);
  const input = toTensor(x, op, 'input');
  if (input.rank < 3) {
    throw new Error(`${op}: input must have 3 or more dimensions [N, C, ...], got shape ${formatShape(input.shape)}`);
  }
  assertDType(op, 'input', input, ['float32']);
  const attrs = lrnAttrs(op, size, alpha, beta, k);
  return runKernel(KernelName.LRN, { x: input }, attrs);
}

function lrnAttrs(op: string, size: number, alpha: number, beta: number, k: number): LRNAttrs {
  if (!Number.isInteger(size) || size < 1) throw new Error(`${op}: size must be a positive integer, got ${String(size)}`);
  return { size, alpha: checkFinite(op, 'alpha', alpha), beta: checkFinite(op, 'beta', beta), k: checkFinite(op, 'k', k) };
}

/** The gradient of localResponseNorm with respect to x, from its input x, output y and dy. */
export function lrnGrad(x: Tensor, y: Tensor, dy: Tensor, attrs: LRNAttrs): Tensor {
  const op = 'lrnGrad';
  for (const [name, t] of [['x', x], ['y', y], ['dy', dy]] as const) {
    assertDType(op, name, t, ['float32']);
    if (t.shape.length !== x.shape.length || t.shape.some((d, i) => d !== x.shape[i]) || x.rank < 3) {
      throw new Error(`${op}: x, y and dy must share one shape of rank >= 3, got x ${formatShape(x.shape)}, y ${formatShape(y.shape)}, dy ${formatShape(dy.shape)}`);
    }
  }
  return runKernel(KernelName.LRNGrad, { x, y, dy }, lrnAttrs(op, attrs.size, attrs.alpha, attrs.beta, attrs.k));
}

declare module '../tensor.js' {
  interface Tensor {
    localResponseNorm(size: number, options?: LocalResponseNormOptions): Tensor;
  }
}

Tensor.prototype.localResponseNorm = function (this: Tensor, size: number, ...args: [options?: LocalResponseNormOptions, ...extra: never[]]) {
  return localResponseNorm(this, size, ...args);
};
