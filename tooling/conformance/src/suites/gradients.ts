/**
 * The gradient half of the PyTorch vectors: every case runs its op (cases.ts) with its
 * differentiable inputs marked as requiring a gradient, then backward is seeded with the
 * case's G, and each input's gradient (the vector-Jacobian product) is compared with
 * `grads`. It runs on whatever backend is active, so each backend is checked through the
 * same public ops and the same gradient rules.
 */
import { requiresGrad, vjp } from '@nn/autograd';
import { tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { opRun } from '../cases.js';
import { ACCUMULATING_TOLERANCE, compareTensor, toleranceFor } from '../compare.js';
import { caseInputs, loadVectorCases, vectorToTensor, type VectorCase } from '../vectors.js';

export interface GradientSuiteOptions {
  /** Parsed cases (browsers import the files); the repo's vectors/ folder by default. */
  vectors?: readonly VectorCase[];
  /** Case names to skip on this backend. */
  skip?: readonly string[];
}

/** Runs one case's backward pass and returns what differs from the reference (empty when it conforms). */
export function checkVectorGradients(c: VectorCase): string[] {
  return tidy(() => {
    const problems: string[] = [];
    const inputs = caseInputs(c);
    const leaves = c.differentiableInputs.map((name) => requiresGrad(inputs[name]));
    const { output } = opRun(c.op)(inputs, c.attrs);
    if (!output.requiresGrad) return [`output: does not depend on the differentiable inputs (${c.differentiableInputs.join(', ')}) through any recorded op`];
    const grads = vjp(output, leaves, vectorToTensor(c.G));
    c.differentiableInputs.forEach((name, i) => {
      const expected = c.grads[name];
      if (expected === undefined) {
        problems.push(`grads['${name}']: missing from the vector`);
        return;
      }
      // A gradient summed over broadcast axes accumulates many terms, like a reduction.
      const broadcast = expected.shape.length !== c.output.shape.length || expected.shape.some((d, k) => d !== c.output.shape[k]);
      const tolerance = broadcast ? ACCUMULATING_TOLERANCE : toleranceFor(c.op);
      const comparison = compareTensor(`grads['${name}']`, grads[i], expected, tolerance);
      if (!comparison.ok) problems.push(comparison.message);
    });
    return problems;
  });
}

export function defineGradientSuite(backend: string, options: GradientSuiteOptions = {}): void {
  const cases = (options.vectors ?? loadVectorCases()).filter((c) => c.differentiableInputs.length > 0);
  const skip = new Set(options.skip ?? []);

  describe(`PyTorch vectors, gradients (${backend})`, () => {
    it('has differentiable cases', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    for (const c of cases) {
      const test = skip.has(c.name) ? it.skip : it;
      test(c.name, () => {
        const problems = checkVectorGradients(c);
        if (problems.length > 0) throw new Error(`${c.name}: ${c.torch}, seeded with G\n  ${problems.join('\n  ')}`);
      });
    }
  });
}
