/**
 * Installs autograd's methods on Tensor, PyTorch's names in camelCase: `loss.backward()`,
 * `x.detach()`, `w.requiresGrad_()`, `h.retainGrad()`, `t.isLeaf`.
 */
import { Tensor, type TensorLike } from '@nn/tensor';
import { backward, detach, isLeaf, requiresGrad, retainGrad } from './api.js';
import type { BackwardOptions } from './backward.js';

declare module '@nn/tensor' {
  interface Tensor {
    /** Accumulates d(this)/d(leaf) into every leaf's .grad; see backward() in @nn/autograd. */
    backward(gradient?: TensorLike, options?: BackwardOptions): void;
    /** The same values as a leaf that does not require a gradient. */
    detach(): Tensor;
    /** Marks this leaf as requiring a gradient (or not); returns it. */
    requiresGrad_(flag?: boolean): Tensor;
    /** Makes backward() fill .grad of this non-leaf tensor too. */
    retainGrad(): Tensor;
    /** True unless the tensor was computed by an op the tape recorded. */
    readonly isLeaf: boolean;
  }
}

Tensor.prototype.backward = function (this: Tensor, gradient?: TensorLike, options?: BackwardOptions) { backward(this, gradient, options); };
Tensor.prototype.detach = function (this: Tensor) { return detach(this); };
Tensor.prototype.requiresGrad_ = function (this: Tensor, flag = true) { return requiresGrad(this, flag); };
Tensor.prototype.retainGrad = function (this: Tensor) { return retainGrad(this); };
Object.defineProperty(Tensor.prototype, 'isLeaf', {
  get(this: Tensor) {
    return isLeaf(this);
  },
  configurable: true,
});
