/**
 * The two faces over the one tape: PyTorch's (requiresGrad, backward, .grad, noGrad,
 * detach) for training loops, and the functional one (grad, valueAndGrad, vjp) for
 * gradients of any function of tensors.
 */
import { engine, formatShape, ones, shapesEqual, Tensor, tidy, toTensor, zeros, type TensorLike } from '@nn/tensor';
import { runBackward, type BackwardOptions } from './backward.js';
import { isGradEnabled, producerOf, setGradEnabled } from './tape.js';

/** Non-leaf tensors whose .grad backward fills (pruned of disposed ones at each backward). */
const retained = new Set<Tensor>();

/**
 * Marks a leaf tensor as needing a gradient (PyTorch's requires_grad_): later backward()
 * calls accumulate into its .grad. Only float32 tensors can; returns the tensor.
 */
export function requiresGrad<T extends Tensor>(t: T, flag = true): T {
  if (flag && t.dtype !== 'float32') {
    throw new Error(`requiresGrad: only float32 tensors can require gradients, got ${t.dtype} (shape ${formatShape(t.shape)})`);
  }
  if (producerOf(t)) {
    throw new Error('requiresGrad: this tensor is the result of a recorded op (not a leaf); use detach() to get a leaf');
  }
  t.requiresGrad = flag;
  return t;
}

/** Whether `t` is a leaf: made by the user rather than by an op the tape recorded. */
export function isLeaf(t: Tensor): boolean {
  return producerOf(t) === undefined;
}

/** Asks backward() to fill .grad of a non-leaf tensor too (PyTorch's retain_grad). */
export function retainGrad(t: Tensor): Tensor {
  if (!t.requiresGrad) throw new Error('retainGrad: the tensor does not require a gradient');
  if (!isLeaf(t)) retained.add(t);
  return t;
}

/** Runs `fn` without recording (for evaluation and parameter updates); returns its result. */
export function noGrad<T>(fn: () => T): T {
  const previous = setGradEnabled(false);
  try {
    return fn();
  } finally {
    setGradEnabled(previous);
  }
}

/** Runs `fn` with recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const previous = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(previous);
  }
}

export { isGradEnabled };

/** The same values as a new leaf that does not require a gradient (shares the buffer, no copy). */
export function detach(t: Tensor): Tensor {
  return engine().makeTensorFromInfo(t, engine().backendOf(t));
}

/**
 * Computes the gradient of `output` with respect to every leaf that requires one and adds
 * it to their .grad. A non-scalar output needs `gradient` (the vector of the
 * vector-Jacobian product, of output's shape). The graph's saved tensors are freed after.
 */
export function backward(output: Tensor, gradient?: TensorLike, options: BackwardOptions = {}): void {
  if (!output.requiresGrad) {
    throw new Error('backward: the tensor does not require a gradient and was not computed from one that does');
  }
  const seed = seedFor('backward', output, gradient);
  try {
    runBackward({ roots: [output], seeds: [seed.tensor], retainGraph: options.retainGraph ?? false, retained: liveRetained() });
  } finally {
    if (seed.owned) seed.tensor.dispose();
  }
}

function liveRetained(): Set<Tensor> {
  for (const t of retained) if (t.isDisposed) retained.delete(t);
  return retained;
}

/** The backward seed: `gradient` checked against the output, or 1 for a one-element output. */
function seedFor(op: string, output: Tensor, gradient: TensorLike | undefined): { tensor: Tensor; owned: boolean } {
  if (gradient === undefined) {
    if (output.size !== 1) {
      throw new Error(`${op}: a gradient can be implied only for a one-element output; pass one of shape ${formatShape(output.shape)}`);
    }
    return { tensor: ones(output.shape), owned: true };
  }
  const given = toTensor(gradient, op, 'gradient');
  if (!shapesEqual(given.shape, output.shape) || given.dtype !== 'float32') {
    throw new Error(`${op}: gradient ${formatShape(given.shape)} ${given.dtype} must match the output ${formatShape(output.shape)} float32`);
  }
  return { tensor: given, owned: given !== gradient };
}

/** Clears .grad of each tensor (PyTorch's zero_grad(set_to_none=True)): the old gradients are freed. */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) {
    t.grad?.dispose();
    t.grad = null;
  }
}

/**
 * The vector-Jacobian product: gradients of `output` (seeded with `gradient`, default 1 for
 * a one-element output) with respect to `inputs`, returned rather than stored in .grad
 * (torch.autograd.grad). An input the output does not depend on gets zeros.
 */
export function vjp(output: Tensor, inputs: readonly Tensor[], gradient?: TensorLike, options: BackwardOptions = {}): Tensor[] {
  const seed = seedFor('vjp', output, gradient);
  try {
    if (!output.requiresGrad) return inputs.map((t) => zeros(t.shape));
    return runBackward({ roots: [output], seeds: [seed.tensor], retainGraph: options.retainGraph ?? false, targets: inputs });
  } finally {
    if (seed.owned) seed.tensor.dispose();
  }
}

type Fn = (...args: Tensor[]) => Tensor;

export interface ValueAndGrad<G> {
  value: Tensor;
  grad: G;
}

/**
 * The gradient function of a scalar-valued `f` (jax.grad, tf.grad): `grad(f)(x, y)` is
 * df/dx; `grad(f, [0, 1])(x, y)` is [df/dx, df/dy]. Arguments are not modified: f sees
 * fresh leaves on the same buffers, and nothing else's .grad changes.
 */
export function grad(f: Fn, argnums?: number): (...args: TensorLike[]) => Tensor;
export function grad(f: Fn, argnums: readonly number[]): (...args: TensorLike[]) => Tensor[];
export function grad(f: Fn, argnums: number | readonly number[] = 0): (...args: TensorLike[]) => Tensor | Tensor[] {
  return (...args) => {
    const { value, grad: g } = evaluate('grad', f, argnums, args);
    value.dispose();
    return g;
  };
}

/** Like grad, also returning f's value: `valueAndGrad(f)(x)` is { value, grad }. */
export function valueAndGrad(f: Fn, argnums?: number): (...args: TensorLike[]) => ValueAndGrad<Tensor>;
export function valueAndGrad(f: Fn, argnums: readonly number[]): (...args: TensorLike[]) => ValueAndGrad<Tensor[]>;
export function valueAndGrad(f: Fn, argnums: number | readonly number[] = 0): (...args: TensorLike[]) => ValueAndGrad<Tensor | Tensor[]> {
  return (...args) => evaluate('valueAndGrad', f, argnums, args);
}

function evaluate(op: string, f: Fn, argnums: number | readonly number[], args: readonly TensorLike[]): ValueAndGrad<Tensor | Tensor[]> {
  if (typeof f !== 'function') throw new Error(`${op}: expected a function, got ${typeof f}`);
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) {
      throw new Error(`${op}: argnums ${formatShape(list)} refers to argument ${i}, but the function got ${args.length}`);
    }
  }
  const result = tidy(() => {
    const tensors = args.map((a, i) => toTensor(a, op, `args[${i}]`));
    const leaves = tensors.map((t, i) => {
      if (!list.includes(i)) return t;
      if (t.dtype !== 'float32') throw new Error(`${op}: argument ${i} has dtype ${t.dtype}; only float32 inputs have gradients`);
      return requiresGrad(detach(t));
    });
    const value = enableGrad(() => f(...leaves));
    if (!(value instanceof Tensor) || value.size !== 1) {
      const shape = value instanceof Tensor ? `shape ${formatShape(value.shape)}` : typeof value;
      throw new Error(`${op}: the function must return a one-element tensor, got ${shape}`);
    }
    const grads = vjp(value, list.map((i) => leaves[i]));
    return { value: detach(value), grads };
  });
  return { value: result.value, grad: typeof argnums === 'number' ? result.grads[0] : result.grads };
}
