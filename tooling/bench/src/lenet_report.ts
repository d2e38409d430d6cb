/**
 * Part of `pnpm bench` (also alone: `pnpm --filter @nn/bench bench:lenet`): the LeNet-5
 * training step of src/cases/lenet_train.ts in images per second, and our speed over each
 * peer, on ours with @nn/backend-cpu and with @nn/backend-gpujs (its 'auto' mode: the fastest
 * that works in this Node, named in the row), tfjs-layers on tfjs-cpu and tfjs-wasm, and
 * ConvNetJS, which is not a TensorFlow.js backend and so is not in the general runner's table.
 */
// First: with NN_BENCH_RELAXED_SIMD=1 it sets V8's flag before @nn/backend-cpu compiles its kernel.
import './relaxed_simd.js';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { engine, setBackend } from '@nn/tensor';
import { setNumThreads } from '@nn/backend-cpu';
import { setGpujsOptions, type GpujsBackend } from '@nn/backend-gpujs';
import { LENET_BATCH, lenetTrainCases, type Work } from './cases/lenet_train.js';
import { measureAsync, type Timing } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));

// Single-threaded like the tfjs-wasm it is compared with (two threads: bench:threads), and so
// that CPU time is the op's time.
setNumThreads(1);

interface Row {
  implementation: string;
  timing?: Timing;
  error?: string;
}

async function time(prepare: () => Work): Promise<Timing> {
  const work = prepare();
  try {
    return await measureAsync(work.run);
  } finally {
    work.dispose();
  }
}

async function main(): Promise<void> {
  await setBackend('cpu');
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${wasmDir}/`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  console.log(`LeNet-5 training step, batch ${LENET_BATCH}, on ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${loadavg()[0].toFixed(2)}`);

  for (const c of lenetTrainCases) {
    const rows: Row[] = [];
    const attempt = async (implementation: string | (() => string), prepare: () => Work, before?: () => Promise<unknown>): Promise<void> => {
      let name = typeof implementation === 'string' ? implementation : '';
      try {
        await before?.();
        if (typeof implementation !== 'string') name = implementation();
        rows.push({ implementation: name, timing: await time(prepare) });
      } catch (error) {
        rows.push({ implementation: name || 'ours (@nn/backend-gpujs)', error: error instanceof Error ? error.message : String(error) });
      }
      console.log(`done: ${name}`);
    };
    await attempt('ours (@nn/backend-cpu)', c.ours, () => setBackend('cpu'));
    setGpujsOptions({ mode: 'auto' });
    const gpujsMode = (): string => `ours (@nn/backend-gpujs, ${(engine().findBackend('gpujs') as GpujsBackend).mode})`;
    await attempt(gpujsMode, c.ours, () => setBackend('gpujs'));
    await setBackend('cpu');
    await attempt('tfjs-layers on tfjs-cpu', () => c.peer(tf), () => tf.setBackend('cpu'));
    await attempt('tfjs-layers on tfjs-wasm', () => c.peer(tf), () => tf.setBackend('wasm'));
    for (const [name, prepare] of Object.entries(c.otherPeers)) await attempt(name, prepare);

    // Wall time, and this process's CPU time: the steadier figure when other jobs share the machine.
    const [onCpu, onGpujs] = rows;
    const over = (ours: Row, row: Row): string =>
      ours.timing && row.timing && ours !== row ? `${(row.timing.medianMs / ours.timing.medianMs).toFixed(2)}× | ${(row.timing.medianCpuMs / ours.timing.medianCpuMs).toFixed(2)}×` : '-';
    console.log(`\n${c.group} ${c.name}: images per second by wall time | by CPU time, and our speed over each (wall | CPU)`);
    const width = Math.max(...rows.map((row) => row.implementation.length));
    for (const row of rows) {
      if (row.timing === undefined) {
        console.log(`  ${row.implementation.padEnd(width)}  cannot train: ${row.error}`);
        continue;
      }
      const { medianMs, medianCpuMs, runs } = row.timing;
      const rate = (ms: number): string => ((LENET_BATCH / ms) * 1000).toFixed(1).padStart(7);
      console.log(
        `  ${row.implementation.padEnd(width)}  ${medianMs.toFixed(0).padStart(6)} ms/step ${rate(medianMs)} | ${rate(medianCpuMs)} images/s (${runs} runs)` +
          `   backend-cpu ${over(onCpu, row)}   backend-gpujs ${over(onGpujs, row)}`,
      );
    }
    const epoch = onCpu.timing ? (60_000 / LENET_BATCH) * (onCpu.timing.medianMs / 1000) : NaN;
    console.log(`  one 60,000-image epoch on backend-cpu at this rate: ${epoch.toFixed(0)} s (issue 7's target: under 120 s)`);
  }
  // Memory over 1,000 steps on one thread and two, each in a fresh process (lenet_memory.ts).
  console.log('');
  spawnSync(process.execPath, [...process.execArgv, join(here, 'lenet_memory.ts')], { stdio: 'inherit' });
}

await main();
