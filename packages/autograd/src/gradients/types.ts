/**
 * What a gradient is: for one kernel name, how the gradient of its first output flows back
 * to each input, written with public @nn/tensor ops so that it runs on every backend.
 */
import type { Shape, Tensor } from '@nn/tensor';

/** What a gradient function can read about the kernel run it differentiates. */
export interface GradContext<A = Record<string, unknown>> {
  /** The attributes the kernel ran with. */
  readonly attrs: A;
  /** An input's value, as it was when the kernel ran (only the names listed in `saveInputs`). */
  readonly input: (name: string) => Tensor;
  /** An output's value (only when `saveOutputs` is set). */
  readonly output: (index?: number) => Tensor;
  readonly inputShape: (name: string) => Shape;
  /** Input names in the order the op passed them (Concat's x0, x1, ...). */
  readonly inputNames: readonly string[];
  /** Whether `name` needs a gradient; a gradient may skip work for inputs that do not. */
  readonly needs: (name: string) => boolean;
}

/** Gradients by input name; inputs that need none may be left out. */
export type InputGrads = Record<string, Tensor | undefined>;

export interface GradientDef<A = Record<string, unknown>> {
  /** Inputs whose values the gradient reads; they are kept (shared, not copied) until backward has run. */
  readonly saveInputs?: readonly string[];
  /** Whether the gradient reads the kernel's outputs. */
  readonly saveOutputs?: boolean;
  /** `dy` is the gradient of the kernel's first output (the only differentiable one of any kernel here). */
  readonly grad: (dy: Tensor, ctx: GradContext<A>) => InputGrads;
}

/** A family's gradients by kernel name. */
export type GradientTable = Record<string, GradientDef>;

/** Types a table entry by its attributes while storing it in an untyped table. */
export function gradient<A>(def: GradientDef<A>): GradientDef {
  return def as unknown as GradientDef;
}
