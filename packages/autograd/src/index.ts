/**
 * @nn/autograd: reverse-mode automatic differentiation over the engine's kernel-run hook.
 * Importing it starts the tape and installs `backward()`, `detach()`, `requiresGrad_()`
 * on Tensor.
 */
import './tape.js';
import './tensor_methods.js';

export {
  backward,
  detach,
  enableGrad,
  grad,
  isGradEnabled,
  isLeaf,
  noGrad,
  requiresGrad,
  retainGrad,
  valueAndGrad,
  vjp,
  zeroGrad,
  type ValueAndGrad,
} from './api.js';
export type { BackwardOptions } from './backward.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export { differentiableKernels, nonDifferentiableKernels } from './gradients/index.js';
export type { GradContext, GradientDef, InputGrads } from './gradients/types.js';
export { sweepUnreachable, tapeSize } from './tape.js';
