/**
 * The forward half of the PyTorch vectors: every case runs its op (cases.ts) on the active
 * backend and compares the output and every extra output with the stored values. A case
 * whose op has no mapping fails; so does a case whose extra outputs the op does not give.
 */
import { tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { OP_CASES, opRun } from '../cases.js';
import { compareTensor, toleranceFor } from '../compare.js';
import { caseInputs, loadVectorCases, type VectorCase } from '../vectors.js';

export interface VectorSuiteOptions {
  /** Parsed cases (browsers import the files); the repo's vectors/ folder by default. */
  vectors?: readonly VectorCase[];
  /** Case names to skip on this backend. */
  skip?: readonly string[];
}

/** Runs one case's forward pass and returns what differs from the reference (empty when it conforms). */
export function checkVectorForward(c: VectorCase): string[] {
  const tolerance = toleranceFor(c.op);
  return tidy(() => {
    const result = opRun(c.op)(caseInputs(c), c.attrs);
    const problems: string[] = [];
    const output = compareTensor('output', result.output, c.output, tolerance);
    if (!output.ok) problems.push(output.message);
    for (const [name, expected] of Object.entries(c.extraOutputs)) {
      const actual = result.extra?.[name];
      if (actual === undefined) {
        problems.push(`extra output '${name}': not produced by the '${c.op}' entry in cases.ts`);
        continue;
      }
      const extra = compareTensor(`extra output '${name}'`, actual, expected, tolerance);
      if (!extra.ok) problems.push(extra.message);
    }
    return problems;
  });
}

export function defineVectorSuite(backend: string, options: VectorSuiteOptions = {}): void {
  const cases = options.vectors ?? loadVectorCases();
  const skip = new Set(options.skip ?? []);

  describe(`PyTorch vectors, forward (${backend})`, () => {
    it('has a mapping in cases.ts for every op in the vectors', () => {
      const unmapped = [...new Set(cases.map((c) => c.op))].filter((op) => !(op in OP_CASES));
      expect(unmapped, `ops without a run function in cases.ts: ${unmapped.join(', ')}`).toEqual([]);
      expect(cases.length).toBeGreaterThan(0);
    });

    for (const c of cases) {
      const test = skip.has(c.name) ? it.skip : it;
      test(c.name, () => {
        const problems = checkVectorForward(c);
        if (problems.length > 0) throw new Error(`${c.name}: ${c.torch}\n  ${problems.join('\n  ')}`);
      });
    }
  });
}
