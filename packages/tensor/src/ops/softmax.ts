/**
 * softmax and logSoftmax along one axis, each its own kernel so that the backend can
 * subtract the maximum first (numerically stable) and autograd has one simple gradient.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { KernelName, type AxisAttrs } from '../kernel_names.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { checkNoExtra } from './options.js';
import { runKernel } from './run.js';

function softmaxOp(op: string, kernelName: string, x: TensorLike, axis: number, extra: readonly unknown[]): Tensor {
  checkNoExtra(op, extra);
  const t = toTensor(x, op, 'x');
  if (typeof axis !== 'number') throw new Error(`${op}: axis must be a single integer, got ${String(axis)}`);
  const attrs: AxisAttrs = { axis: normalizeAxis(op, axis, t.rank) };
  if (t.dtype !== 'float32') return engine().tidy(() => runKernel(kernelName, { x: cast(t, 'float32') }, attrs));
  return runKernel(kernelName, { x: t }, attrs);
}

/** exp(x) / sum(exp(x)) along `axis` (default: the last), as F.softmax. */
export const softmax = (x: TensorLike, axis = -1, ...extra: never[]): Tensor => softmaxOp('softmax', KernelName.Softmax, x, axis, extra);
/** x - logsumexp(x) along `axis` (default: the last), as F.log_softmax. */
export const logSoftmax = (x: TensorLike, axis = -1, ...extra: never[]): Tensor => softmaxOp('logSoftmax', KernelName.LogSoftmax, x, axis, extra);

declare module '../tensor.js' {
  interface Tensor {
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
  }
}

Tensor.prototype.softmax = function (this: Tensor, ...args: [axis?: number, ...extra: never[]]) { return softmax(this, ...args); };
Tensor.prototype.logSoftmax = function (this: Tensor, ...args: [axis?: number, ...extra: never[]]) { return logSoftmax(this, ...args); };
