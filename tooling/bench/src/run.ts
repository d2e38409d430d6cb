/**
 * `pnpm bench`: every case in src/cases/ run by @nn on its CPU backend and by TensorFlow.js
 * 4.22 on tfjs-backend-cpu and on tfjs-backend-wasm (single thread, SIMD binary where the
 * runtime has WASM SIMD), all in this one process so that the ratios compare like with like.
 * Arguments filter the cases by substring: `pnpm --filter @nn/bench bench 1024`.
 * Prints a table and writes it as JSON to .bench-out/bench.json.
 *
 * Each case runs in a child process of its own (this file again, with NN_BENCH_CASE naming
 * the case): in one process every figure moved with what had run before it (ResNet-18's by
 * 2× on both sides: the JIT's state, the heap, WebAssembly memories grown by earlier cases),
 * so a case's ratio depended on the order of the cases.
 */
// First: it must set V8's flag before @nn/backend-cpu compiles its kernel.
import { caseFilters, relaxedSimdAsked } from './relaxed_simd.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { getBackend, setBackend } from '@nn/tensor';
import { measureGemmPeak, setNumThreads } from '@nn/backend-cpu';
import { measureAsync, measureInterleaved, type Timing } from './measure.js';
import { formatTable, speedups, withRate, type CaseResult, type Implementation, type Speedup } from './report.js';
import { ceilingNote, ONE_THREAD_TARGETS, verdict } from './targets.js';
import type { BenchCase } from './types.js';

// Single-threaded like the tfjs-wasm it is compared with (two threads: bench:threads), and so
// that CPU time is the op's time.
setNumThreads(1);

const here = dirname(fileURLToPath(import.meta.url));
const noSpeedup: Speedup = { 'tfjs-cpu': null, 'tfjs-wasm': null };

/** Every exported BenchCase[] of every module in src/cases/, matmul first, then by file name. */
async function loadCases(): Promise<BenchCase[]> {
  const dir = join(here, 'cases');
  const files = readdirSync(dir)
    .filter((f) => /\.[cm]?[tj]s$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
    .sort((x, y) => Number(y.startsWith('matmul')) - Number(x.startsWith('matmul')) || x.localeCompare(y));
  const cases: BenchCase[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (Array.isArray(value) && value.every(isBenchCase)) cases.push(...value);
  }
  return cases;
}

function isBenchCase(value: unknown): value is BenchCase {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<BenchCase>;
  return typeof c.group === 'string' && typeof c.name === 'string' && typeof c.ours === 'function' && typeof c.peer === 'function';
}

/** tfjs-wasm in Node reads its .wasm files from the package's dist folder; threads stay off. */
async function initTfjsWasm(): Promise<string> {
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${wasmDir}/`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return simd ? 'tfjs-backend-wasm-simd.wasm (SIMD, 1 thread)' : 'tfjs-backend-wasm.wasm (no SIMD, 1 thread)';
}

async function timeCase(c: BenchCase, impl: Implementation): Promise<Timing> {
  const work = impl === 'ours' ? c.ours() : c.peer(tf);
  try {
    // A run that returns a promise (training loops) is awaited.
    return await measureAsync(work.run);
  } finally {
    work.dispose();
  }
}

const caseKey = (c: BenchCase): string => `${c.group} ${c.name}`;

/**
 * One case on every implementation, in this process (a child's whole work): tfjs-cpu alone
 * (seconds a run; its ratio is far from any bar), then ours and tfjs-wasm interleaved run by
 * run, so that the ratio the issue's targets read compares runs made in the same seconds.
 */
async function runCase(c: BenchCase): Promise<CaseResult> {
  const row: CaseResult = { group: c.group, name: c.name, flops: c.flops, results: {}, errors: {}, speedup: noSpeedup, cpuSpeedup: noSpeedup };
  await tf.setBackend('cpu');
  try {
    row.results['tfjs-cpu'] = withRate(await timeCase(c, 'tfjs-cpu'), c.flops);
  } catch (error) {
    failed(row, c, 'tfjs-cpu', error);
  }
  await tf.setBackend('wasm');
  const ours = c.ours();
  let theirs: ReturnType<BenchCase['peer']> | undefined;
  try {
    theirs = c.peer(tf);
    // A peer that cannot run the case (throws on its first run) drops out; ours is still timed.
    await theirs.run();
  } catch (error) {
    failed(row, c, 'tfjs-wasm', error);
    theirs?.dispose();
    theirs = undefined;
  }
  try {
    const timings = await measureInterleaved(theirs === undefined ? [ours.run] : [ours.run, theirs.run]);
    row.results.ours = withRate(timings[0], c.flops);
    if (timings[1] !== undefined) row.results['tfjs-wasm'] = withRate(timings[1], c.flops);
  } catch (error) {
    failed(row, c, 'ours', error);
  } finally {
    ours.dispose();
    theirs?.dispose();
  }
  row.speedup = speedups(row.results, 'wall');
  row.cpuSpeedup = speedups(row.results, 'cpu');
  return row;
}

function failed(row: CaseResult, c: BenchCase, impl: Implementation, error: unknown): void {
  row.errors[impl] = error instanceof Error ? error.message : String(error);
  console.error(`${caseKey(c)} on ${impl} failed: ${row.errors[impl]}`);
}

/** Runs one case in a fresh Node process (the same loader flags, this file) and reads back its row. */
function runCaseInChild(c: BenchCase, scratchDir: string, index: number): CaseResult {
  const rowFile = join(scratchDir, `case-${index}.json`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, NN_BENCH_CASE: caseKey(c), NN_BENCH_ROW: rowFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    return JSON.parse(readFileSync(rowFile, 'utf8')) as CaseResult;
  } catch {
    const why = `its process ended with ${child.status === null ? `signal ${String(child.signal)}` : `code ${child.status}`} and no result`;
    console.error(`${caseKey(c)}: ${why}`);
    return { group: c.group, name: c.name, flops: c.flops, results: {}, errors: { ours: why }, speedup: noSpeedup, cpuSpeedup: noSpeedup };
  }
}

async function main(): Promise<void> {
  const only = process.env.NN_BENCH_CASE;
  const filters = caseFilters();
  const cases = (await loadCases()).filter((c) => (only === undefined ? filters.length === 0 || filters.some((f) => caseKey(c).includes(f)) : caseKey(c) === only));
  await setBackend('cpu');
  await tf.setBackend('cpu');
  const wasmBinary = await initTfjsWasm();
  if (only !== undefined) {
    if (cases.length !== 1) throw new Error(`bench: NN_BENCH_CASE names no single case: '${only}'`);
    writeFileSync(process.env.NN_BENCH_ROW!, JSON.stringify(await runCase(cases[0])));
    return;
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
  // Before the cases, on a machine with nothing of ours running yet; its kernel is the one every case runs.
  const peak = measureGemmPeak(500);
  console.log(
    `@nn bench: ${cases.length} cases on ${machine}, each in a process of its own\n@nn backend: ${getBackend()} (GEMM kernel ${peak.kernel}${relaxedSimdAsked ? ', --relaxed-simd' : ''}); tfjs-wasm: ${wasmBinary}; load average ${loadavg()[0].toFixed(2)}\n`,
  );

  const rows: CaseResult[] = [];
  const scratchDir = mkdtempSync(join(tmpdir(), 'nn-bench-'));
  try {
    for (const [index, c] of cases.entries()) {
      rows.push(runCaseInChild(c, scratchDir, index));
      console.log(`done: ${caseKey(c)} (load ${loadavg()[0].toFixed(1)})`);
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }

  console.log(`\nBy wall-clock time (median):\n${formatTable(rows, 'wall')}`);
  console.log(`\nBy this process's CPU time (median; steadier when other jobs share the machine):\n${formatTable(rows, 'cpu')}`);
  console.log(
    `\n"ours vs peer" is the peer's time over ours: above 1× means @nn is faster. Against tfjs-cpu, the ratio of the medians; against tfjs-wasm, timed interleaved with ours, the median of the ratios sample by sample. Load average now ${loadavg()[0].toFixed(2)}.`,
  );
  const targetOf = (row: CaseResult) => ONE_THREAD_TARGETS.find((t) => `${row.group} ${row.name}`.startsWith(t.prefix));
  const verdicts = rows.flatMap((row) => {
    const target = targetOf(row);
    const ratio = row.cpuSpeedup['tfjs-wasm'];
    return target === undefined || ratio === null ? [] : [`  ${row.group} ${row.name}: ours vs tfjs-wasm by CPU time ${verdict(ratio, target.vsTfjsWasm)}`];
  });
  if (verdicts.length > 0) console.log(`\nIssue 14's one-thread targets (GEMM kernel ${peak.kernel}):\n${verdicts.join('\n')}`);
  const ceilings = rows.flatMap((row) => {
    const target = targetOf(row);
    const ours = row.results.ours?.cpuGflops, peer = row.results['tfjs-wasm']?.cpuGflops;
    return row.group !== 'matmul' || target === undefined || ours == null || peer == null ? [] : [`  ${ceilingNote(`${row.group} ${row.name}`, ours, peer, target.vsTfjsWasm, peak.gflopsPerSecond)}`];
  });
  if (ceilings.length > 0) {
    console.log(`\nThe GEMM micro-kernel's in-cache peak here (measureGemmPeak, ${peak.kernel}, one thread): ${peak.gflopsPerSecond.toFixed(1)} GFLOP/s; by CPU time:\n${ceilings.join('\n')}`);
  }
  const outDir = join(here, '..', '.bench-out');
  mkdirSync(outDir, { recursive: true });
  const report = { date: new Date().toISOString(), machine, loadAverage: loadavg(), tfjsWasm: wasmBinary, gemmPeak: peak, cases: rows };
  writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${join(outDir, 'bench.json')}`);
  // The LeNet-5 report (lenet_report.ts, also `bench:lenet`) with the whole run, or when a filter names it.
  if (filters.length === 0 || filters.some((f) => f.toLowerCase().includes('lenet'))) {
    spawnSync(process.execPath, [...process.execArgv, join(here, 'lenet_report.ts')], { stdio: 'inherit' });
  }
}

await main();
