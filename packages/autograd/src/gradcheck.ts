/**
 * gradcheck: compares the tape's gradients with central differences, as
 * torch.autograd.gradcheck does, for a function of tensors users write themselves.
 *
 * We have no float64 tensors, so the function runs in float32 and the check is built to
 * survive that: the output is projected on a fixed random vector v (s = sum(v * f(x))) and
 * summed in float64 on the JavaScript side; the step actually taken is measured after
 * float32 rounding of x ± eps. What remains is the float32 rounding of f's outputs (about
 * 6e-8 of their magnitude), which a difference quotient amplifies by 1/(2 eps): with the
 * default eps = 1e-3 that is ~3e-5 of the output magnitude, well inside the default
 * atol = 1e-3 and rtol = 1e-2, while the truncation error of central differences
 * (eps^2/6 times the third derivative) stays near 1e-7. Keep inputs at least eps away from
 * kinks (relu at 0, ties of max, clip bounds), where no finite difference is meaningful.
 */
import { noGrad, detach, requiresGrad, vjp } from './api.js';
import { tensor, tidy, toTensor, type Tensor, type TensorLike } from '@nn/tensor';

export interface GradcheckOptions {
  /** Half the central-difference step (default 1e-3). */
  eps?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Relative tolerance, against the numerical derivative (default 1e-2). */
  rtol?: number;
  /** Indices of the inputs to check (default: every float32 input). */
  wrt?: readonly number[];
  /** Throw an error describing the worst mismatches (default true), or only report them. */
  raiseOnFailure?: boolean;
  /** Seed of the projection vector v (default 1). */
  seed?: number;
}

export interface GradcheckMismatch {
  input: number;
  /** Flat index within that input. */
  index: number;
  analytical: number;
  numerical: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytical - numerical| over all checked elements. */
  maxAbsError: number;
  /** Up to ten mismatches, worst first. */
  mismatches: GradcheckMismatch[];
}

/** Checks fn's gradients at `inputs` against central differences; see the module comment for the tolerances. */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly TensorLike[], options: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2, raiseOnFailure = true, seed = 1 } = options;
  const given = inputs.map((x, i) => toTensor(x, 'gradcheck', `inputs[${i}]`));
  const wrt = options.wrt ?? given.flatMap((t, i) => (t.dtype === 'float32' ? [i] : []));
  for (const i of wrt) {
    if (given[i]?.dtype !== 'float32') throw new Error(`gradcheck: input ${i} is not a float32 tensor`);
  }
  const outputShape = noGrad(() => tidy(() => fn(...given).shape));
  const v = projection(outputShape.reduce((a, b) => a * b, 1), seed);
  const project = (values: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += v[i] * values[i];
    return s;
  };

  let analytical: ArrayLike<number>[] = [];
  tidy(() => {
    const leaves = given.map((t, i) => (wrt.includes(i) ? requiresGrad(detach(t)) : t));
    const out = fn(...leaves);
    analytical = vjp(out, wrt.map((i) => leaves[i]), tensor(v, out.shape)).map((g) => g.dataSync());
  });

  const mismatches: GradcheckMismatch[] = [];
  let maxAbsError = 0;
  wrt.forEach((inputIndex, k) => {
    const base = given[inputIndex].dataSync() as Float32Array;
    const values = Float32Array.from(base);
    const evaluate = (): number =>
      noGrad(() =>
        tidy(() => {
          const args = given.map((t, i) => (i === inputIndex ? tensor(values, t.shape) : t));
          return project(fn(...args).dataSync());
        }),
      );
    for (let j = 0; j < values.length; j++) {
      const x = base[j];
      values[j] = x + eps;
      const up = values[j];
      const fUp = evaluate();
      values[j] = x - eps;
      const down = values[j];
      const fDown = evaluate();
      values[j] = x;
      const numerical = (fUp - fDown) / (up - down);
      const a = analytical[k][j];
      const error = Math.abs(a - numerical);
      maxAbsError = Math.max(maxAbsError, error);
      if (!(error <= atol + rtol * Math.abs(numerical))) mismatches.push({ input: inputIndex, index: j, analytical: a, numerical });
    }
  });
  mismatches.sort((a, b) => Math.abs(b.analytical - b.numerical) - Math.abs(a.analytical - a.numerical));
  const result: GradcheckResult = { ok: mismatches.length === 0, maxAbsError, mismatches: mismatches.slice(0, 10) };
  if (!result.ok && raiseOnFailure) {
    const lines = result.mismatches.map((m) => `  input ${m.input}[${m.index}]: analytical ${m.analytical}, numerical ${m.numerical}`);
    throw new Error(`gradcheck: ${mismatches.length} gradient element(s) differ beyond atol ${atol} + rtol ${rtol}; worst:\n${lines.join('\n')}`);
  }
  return result;
}

/** A fixed pseudo-random vector in [-1, 1] (its own generator, so the global seed is untouched). */
function projection(size: number, seed: number): Float32Array {
  const v = new Float32Array(size);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    v[i] = (state / 4294967296) * 2 - 1;
  }
  return v;
}
