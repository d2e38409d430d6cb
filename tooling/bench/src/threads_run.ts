/**
 * `pnpm --filter @nn/bench bench:threads`: the two-thread figures of issue 14 on matmul 1024,
 * conv (b), conv (c) and ResNet-18 inference: @nn on one thread and on two
 * (setNumThreads), against tfjs-backend-wasm 4.22 on two threads. Stock tfjs-wasm never starts
 * threads in Node; peers/wasm_threads_shim.cjs (copied from ../shared/peers) makes it load its
 * threaded-SIMD binary as a cross-origin-isolated browser page would, so that peer is NOT stock
 * tfjs, and the table says so. It runs apart from `pnpm bench` because tfjs-wasm chooses its
 * binary once per process.
 *
 * Threads are about wall time, so the table is by median wall time (the CPU-time clock of the
 * other runner adds up both threads). On a machine shared with other jobs the two-thread
 * figures are only as good as the cores the scheduler leaves free: the load average is printed
 * before and after, and the cases run in rounds (ours 1, ours 2, tfjs 2, then again) so that a
 * burst of load hits all three alike. Arguments filter the cases by substring.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setBackend } from '@nn/tensor';
import { getNumThreads, setNumThreads } from '@nn/backend-cpu';
import { measure, type Timing } from './measure.js';
import { conv2dCases as convCases } from './cases/conv2d.js';
import { cases as matmulCases } from './cases/matmul.js';
import { resnet18Cases as resnetCases } from './cases/resnet18.js';
import type { BenchCase } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const THREADS = 2;
const ROUNDS = 2;
const PICKED = ['matmul 1024×1024', 'conv2d (b)', 'conv2d (c)', 'models ResNet-18'];

interface ShimModule {
  fakeLogicalCores(n: number): void;
  restoreCpus(): void;
}

/** tfjs-wasm on its threaded-SIMD binary with THREADS threads, through the shim (not stock tfjs). */
async function initThreadedTfjsWasm(): Promise<string> {
  const shim = require('../peers/wasm_threads_shim.cjs') as ShimModule;
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(THREADS);
  shim.fakeLogicalCores(2 * THREADS);
  try {
    await tf.setBackend('wasm');
  } finally {
    shim.restoreCpus();
  }
  const threads = getThreadsCount();
  if (threads !== THREADS) throw new Error(`bench:threads: tfjs-wasm started ${threads} threads, not ${THREADS}`);
  return `tfjs-backend-wasm-threaded-simd.wasm, ${threads} threads (through wasm_threads_shim: not stock tfjs)`;
}

async function time(c: BenchCase, impl: 'ours-1' | 'ours-2' | 'tfjs-wasm-2'): Promise<Timing> {
  if (impl !== 'tfjs-wasm-2') setNumThreads(impl === 'ours-1' ? 1 : THREADS);
  const work = impl === 'tfjs-wasm-2' ? c.peer(tf) : c.ours();
  try {
    // measure() runs synchronous cases only; none of the picked cases is asynchronous.
    return measure(() => void work.run());
  } finally {
    work.dispose();
    await Promise.resolve();
  }
}

const best = (timings: Timing[]): number => Math.min(...timings.map((t) => t.medianMs));
const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((a) => a !== '--');
  const cases = [...matmulCases, ...convCases, ...resnetCases]
    .filter((c) => PICKED.some((p) => `${c.group} ${c.name}`.startsWith(p)))
    .filter((c) => filters.length === 0 || filters.some((f) => `${c.group} ${c.name}`.includes(f)));
  await setBackend('cpu');
  const peer = await initThreadedTfjsWasm();
  setNumThreads(THREADS);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
  const loadBefore = loadavg();
  console.log(`@nn bench:threads: ${cases.length} cases on ${machine}; @nn threads: ${getNumThreads()}; peer: ${peer}; load average ${loadBefore[0].toFixed(2)}\n`);

  const rows = [];
  for (const c of cases) {
    const runs: Record<string, Timing[]> = { 'ours-1': [], 'ours-2': [], 'tfjs-wasm-2': [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const impl of ['ours-1', 'ours-2', 'tfjs-wasm-2'] as const) runs[impl].push(await time(c, impl));
    }
    const [one, two, theirs] = [best(runs['ours-1']), best(runs['ours-2']), best(runs['tfjs-wasm-2'])];
    const gflops = (t: number): string => (c.flops > 0 ? `  ${(c.flops / (t * 1e6)).toFixed(1)} GF/s` : '');
    rows.push({ case: `${c.group} ${c.name}`, flops: c.flops, runs, oursOneMs: one, oursTwoMs: two, tfjsWasmTwoMs: theirs, oursTwoVsTfjsWasmTwo: theirs / two, oursTwoVsOursOne: one / two });
    console.log(`${c.group} ${c.name}: ours 1 thread ${ms(one)} ms${gflops(one)}; ours 2 threads ${ms(two)} ms${gflops(two)}; tfjs-wasm 2 threads (shim, not stock) ${ms(theirs)} ms${gflops(theirs)}; ours-2 vs tfjs-wasm-2 ${(theirs / two).toFixed(2)}×; ours-2 vs ours-1 ${(one / two).toFixed(2)}×`);
  }
  const loadAfter = loadavg();
  console.log(`\nBest of ${ROUNDS} medians of wall time per implementation; "vs" is the other's time over ours-2. Load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after.`);
  const outDir = join(here, '..', '.bench-out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-threads.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, peer, loadBefore, loadAfter, rows }, null, 2)}\n`);
  console.log(`written to ${join(outDir, 'bench-threads.json')}`);
}

await main();
// tfjs-wasm's emscripten pthreads keep Node alive (@nn's workers do not: they are unref'd).
process.exit(0);
