/**
 * `pnpm --filter @nn/bench bench:lenet-memory [steps]` (also run by the LeNet report): the
 * memory of LeNet-5 training (src/cases/lenet_train.ts, batch 64) on one thread and on two,
 * each in a fresh process: the resident set after a warm-up, after `steps` more steps (1,000
 * by default), and the peak over the process's life, with the live tensors and the backend's
 * pooled bytes beside them (both readings after a full collection). Issue 14: peak RSS no higher than before the threads (237 MiB for
 * 600 steps, README of backend-cpu), and no growth over 1,000 steps.
 *
 * The steps run in one synchronous loop that never yields to the event loop, the harder case:
 * autograd's tape once held each output in a WeakRef, which the language keeps alive until the
 * current job ends, so such a loop grew by about 20 KB a step until it yielded. It holds flags
 * now, and the loop stays flat without yielding (autograd's training_loop test checks it).
 */
// First: with NN_BENCH_RELAXED_SIMD=1 it sets V8's flag before @nn/backend-cpu compiles its kernel.
import './relaxed_simd.js';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { engine, memory, setBackend } from '@nn/tensor';
import { setNumThreads, type CpuBackend } from '@nn/backend-cpu';
import { lenetTrainCases } from './cases/lenet_train.js';

const WARM_UP = 50;
/**
 * Growth of the live JavaScript memory (heap used and array buffers, after a full collection)
 * that still reads as flat. RSS is printed too, but it is no test of a leak: pages freed by a
 * collection stay resident in the allocator for a while, so it wanders by tens of MiB.
 */
const FLAT_MIB = 2;
const MiB = 1024 * 1024;

interface Reading {
  threads: number;
  steps: number;
  rssWarmMiB: number;
  rssEndMiB: number;
  peakRssMiB: number;
  tensorsWarm: number;
  tensorsEnd: number;
  pooledWarmMiB: number;
  pooledEndMiB: number;
  liveWarmMiB: number;
  liveEndMiB: number;
}

/** Heap used and array buffers (typed arrays' memory): what the process holds alive. */
function liveBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** A full collection where the process runs with --expose-gc (as main() starts it), so that RSS readings do not land at random points of the collector's cycle. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function measureHere(threads: number, steps: number): Promise<Reading> {
  await setBackend('cpu');
  setNumThreads(threads);
  const work = lenetTrainCases[0].ours();
  const backend = engine().backend as CpuBackend;
  // Our step is synchronous (BenchCase allows a promise for peers).
  for (let i = 0; i < WARM_UP; i++) void work.run();
  await yieldToEventLoop();
  collect();
  const warm = { rss: process.memoryUsage().rss, live: liveBytes(), tensors: memory().numTensors, pooled: backend.pooledBytes };
  for (let i = 1; i <= steps; i++) void work.run();
  await yieldToEventLoop();
  collect();
  const end = { rss: process.memoryUsage().rss, live: liveBytes(), tensors: memory().numTensors, pooled: backend.pooledBytes };
  work.dispose();
  return {
    threads,
    steps,
    rssWarmMiB: warm.rss / MiB,
    rssEndMiB: end.rss / MiB,
    // maxRSS is in KiB.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    tensorsWarm: warm.tensors,
    tensorsEnd: end.tensors,
    pooledWarmMiB: warm.pooled / MiB,
    pooledEndMiB: end.pooled / MiB,
    liveWarmMiB: warm.live / MiB,
    liveEndMiB: end.live / MiB,
  };
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

function report(r: Reading): string {
  const growth = r.liveEndMiB - r.liveWarmMiB;
  const flat = growth <= FLAT_MIB && r.tensorsEnd === r.tensorsWarm && r.pooledEndMiB <= r.pooledWarmMiB;
  return (
    `  ${r.threads} thread${r.threads > 1 ? 's' : ''}, after ${WARM_UP} warm-up steps → after ${r.steps} more: RSS ${r.rssWarmMiB.toFixed(0)} → ${r.rssEndMiB.toFixed(0)} MiB ` +
    `(${signed(r.rssEndMiB - r.rssWarmMiB)}), peak RSS ${r.peakRssMiB.toFixed(0)} MiB; live JS memory ${r.liveWarmMiB.toFixed(1)} → ${r.liveEndMiB.toFixed(1)} MiB (${signed(growth)}); ` +
    `tensors ${r.tensorsWarm} → ${r.tensorsEnd}; pooled ${r.pooledWarmMiB.toFixed(1)} → ${r.pooledEndMiB.toFixed(1)} MiB: ${flat ? 'flat' : 'GROWS'} ` +
    `(flat: live memory within ${FLAT_MIB} MiB, the same tensors, no more pooled)`
  );
}

async function main(): Promise<void> {
  const steps = Number(process.argv.slice(2).find((a) => a !== '--') ?? 1000);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`lenet_memory: steps must be a positive integer, got '${String(steps)}'`);
  const only = process.env.NN_LENET_MEMORY_THREADS;
  if (only !== undefined) {
    console.log(JSON.stringify(await measureHere(Number(only), steps)));
    return;
  }
  console.log(`LeNet-5 training memory, batch 64, each thread count in a fresh process, the steps in one loop that never yields (load ${loadavg()[0].toFixed(2)}):`);
  for (const threads of [1, 2]) {
    const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), String(steps)], {
      env: { ...process.env, NN_LENET_MEMORY_THREADS: String(threads) },
      encoding: 'utf8',
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    try {
      console.log(report(JSON.parse(line) as Reading));
    } catch {
      console.log(`  ${threads} threads: no reading (the process ended with code ${String(child.status)}: ${child.stderr.trim().split('\n').pop() ?? ''})`);
    }
  }
}

await main();
