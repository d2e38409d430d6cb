/**
 * The browser page of the GPU legs: runs every PyTorch vector case (forward, and gradients
 * where the case has them) on the gpu.js backend in the mode named by `?mode=`, reading
 * results back asynchronously (WebGPU has no synchronous readback), then the real-size cases
 * of real_sizes.ts against backend-cpu, and leaves the report
 * in `window.__nnResults` for test/browser.test.ts to collect.
 */
import '@nn/backend-cpu';
import { requiresGrad, vjp } from '@nn/autograd';
import type { GpujsBackend} from '@nn/backend-gpujs';
import { MODES, registerGpujsBackend, type GpujsMode } from '@nn/backend-gpujs';
import { opRun } from '@nn/conformance/cases';
import { ACCUMULATING_TOLERANCE, compareValues, toleranceFor, type Tolerance } from '@nn/conformance/compare';
import { caseInputs, parseVectorCase, vectorToTensor, type VectorCase, type VectorTensor } from '@nn/conformance/vectors';
import { dispose, engine, setBackend, tidy, type Tensor } from '@nn/tensor';
import { checkRealSize, REAL_SIZE_CASES } from './real_sizes.js';
import type { LegReport } from './report.js';

const files = import.meta.glob<unknown>('../../conformance/vectors/*.json', { eager: true, import: 'default' });
const cases: VectorCase[] = Object.entries(files)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([path, json]) => parseVectorCase(path.split('/').pop()!, json));

async function compare(label: string, actual: Tensor, expected: VectorTensor, tolerance: Tolerance): Promise<string | null> {
  const values = await actual.data();
  const result = compareValues(label, { shape: actual.shape, dtype: actual.dtype, values }, { shape: expected.shape, data: expected.data, integer: expected.dtype === 'int64' }, tolerance);
  return result.ok ? null : result.message;
}

/** What differs from PyTorch in one case (empty when it conforms); the same checks as the conformance suite's. */
async function checkCase(c: VectorCase): Promise<string[]> {
  const problems: string[] = [];
  const tolerance = toleranceFor(c.op);
  const forward = tidy(() => {
    const result = opRun(c.op)(caseInputs(c), c.attrs);
    return { output: result.output, extra: result.extra ?? {} };
  });
  try {
    const output = await compare('output', forward.output, c.output, tolerance);
    if (output) problems.push(output);
    for (const [name, expected] of Object.entries(c.extraOutputs)) {
      const actual = forward.extra[name];
      const message = actual ? await compare(`extra output '${name}'`, actual, expected, tolerance) : `extra output '${name}': not produced`;
      if (message) problems.push(message);
    }
  } finally {
    dispose(forward);
  }
  if (c.differentiableInputs.length === 0) return problems;
  const grads = tidy(() => {
    const inputs = caseInputs(c);
    const leaves = c.differentiableInputs.map((name) => requiresGrad(inputs[name]));
    const { output } = opRun(c.op)(inputs, c.attrs);
    return output.requiresGrad ? vjp(output, leaves, vectorToTensor(c.G)) : null;
  });
  if (grads === null) return [...problems, 'output does not depend on the differentiable inputs'];
  try {
    for (const [i, name] of c.differentiableInputs.entries()) {
      const expected = c.grads[name];
      if (!expected) continue;
      const broadcast = expected.shape.length !== c.output.shape.length || expected.shape.some((d, k) => d !== c.output.shape[k]);
      const message = await compare(`grads['${name}']`, grads[i], expected, broadcast ? ACCUMULATING_TOLERANCE : tolerance);
      if (message) problems.push(message);
    }
  } finally {
    dispose(grads);
  }
  return problems;
}

async function run(): Promise<LegReport> {
  const mode = new URLSearchParams(location.search).get('mode') as GpujsMode;
  if (!MODES.includes(mode)) throw new Error(`?mode= must be one of ${MODES.join(', ')}`);
  const name = `gpujs-${mode}`;
  registerGpujsBackend(name, { mode });
  await setBackend(name);
  const backend = engine().findBackend(name) as GpujsBackend;
  const start = performance.now();
  const failures: LegReport['failures'] = [];
  const log = document.getElementById('log')!;
  for (const [k, c] of cases.entries()) {
    let problems: string[];
    try {
      problems = await checkCase(c);
    } catch (error) {
      problems = [`threw: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (problems.length > 0) failures.push({ name: c.name, torch: c.torch, problems });
    log.textContent = `${mode}: ${k + 1}/${cases.length} cases, ${failures.length} failing`;
    // Let the page breathe between cases: kernels run synchronously.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  for (const c of REAL_SIZE_CASES) {
    let problems: string[];
    try {
      problems = await checkRealSize(name, c);
    } catch (error) {
      problems = [`threw: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (problems.length > 0) failures.push({ name: c.name, torch: 'backend-cpu', problems });
    log.textContent = `${mode}: real sizes, ${c.name}, ${failures.length} failing`;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return { mode, ran: backend.mode, cases: cases.length + REAL_SIZE_CASES.length, failures, seconds: (performance.now() - start) / 1000 };
}

run().then(
  (report) => ((window as unknown as { __nnResults: LegReport }).__nnResults = report),
  (error: unknown) => ((window as unknown as { __nnResults: LegReport }).__nnResults = { mode: 'unknown', ran: 'none', cases: 0, failures: [], seconds: 0, error: String(error) }),
);
