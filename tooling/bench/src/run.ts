/**
 * `pnpm bench`: every case in src/cases/ run by @nn on its CPU backend and by TensorFlow.js
 * 4.22 on tfjs-backend-cpu and on tfjs-backend-wasm (single thread, SIMD binary where the
 * runtime has WASM SIMD), all in this one process so that the ratios compare like with like.
 * Arguments filter the cases by substring: `pnpm --filter @nn/bench bench 1024`.
 * Prints a table and writes it as JSON to .bench-out/bench.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { getBackend, setBackend } from '@nn/tensor';
import { setNumThreads } from '@nn/backend-cpu';
import { measure, measureAsync, type Timing } from './measure.js';
import { formatTable, speedups, withRate, type CaseResult, type Implementation, type Speedup } from './report.js';
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
    // Cases whose run returns a promise (training loops) are awaited; the others are timed synchronously.
    return c.async ? await measureAsync(work.run) : measure(() => void work.run());
  } finally {
    work.dispose();
  }
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((a) => a !== '--');
  const cases = (await loadCases()).filter((c) => filters.length === 0 || filters.some((f) => `${c.group} ${c.name}`.includes(f)));
  await setBackend('cpu');
  await tf.setBackend('cpu');
  const wasmBinary = await initTfjsWasm();
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
  console.log(`@nn bench: ${cases.length} cases on ${machine}\n@nn backend: ${getBackend()}; tfjs-wasm: ${wasmBinary}; load average ${loadavg()[0].toFixed(2)}\n`);

  const rows: CaseResult[] = [];
  for (const c of cases) {
    const row: CaseResult = { group: c.group, name: c.name, flops: c.flops, results: {}, errors: {}, speedup: noSpeedup, cpuSpeedup: noSpeedup };
    for (const impl of ['ours', 'tfjs-cpu', 'tfjs-wasm'] as const) {
      if (impl !== 'ours') await tf.setBackend(impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
      try {
        row.results[impl] = withRate(await timeCase(c, impl), c.flops);
      } catch (error) {
        row.errors[impl] = error instanceof Error ? error.message : String(error);
        console.error(`${c.group} ${c.name} on ${impl} failed: ${row.errors[impl]}`);
      }
    }
    row.speedup = speedups(row.results, 'wall');
    row.cpuSpeedup = speedups(row.results, 'cpu');
    rows.push(row);
    console.log(`done: ${c.group} ${c.name}`);
  }

  console.log(`\nBy wall-clock time (median):\n${formatTable(rows, 'wall')}`);
  console.log(`\nBy this process's CPU time (median; steadier when other jobs share the machine):\n${formatTable(rows, 'cpu')}`);
  console.log(`\n"ours vs peer" is the peer's time over ours: above 1× means @nn is faster. Load average now ${loadavg()[0].toFixed(2)}.`);
  const outDir = join(here, '..', '.bench-out');
  mkdirSync(outDir, { recursive: true });
  const report = { date: new Date().toISOString(), machine, loadAverage: loadavg(), tfjsWasm: wasmBinary, cases: rows };
  writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${join(outDir, 'bench.json')}`);
}

await main();
