/**
 * `pnpm --filter @nn/bench bench:lenet`: the LeNet-5 training step of src/cases/lenet_train.ts
 * on all four implementations, ours, tfjs-cpu, tfjs-wasm and ConvNetJS, in images per second
 * and as ratios (issue 3's target: at least 20× tfjs-cpu). The general runner (src/run.ts)
 * shows the tfjs columns only; this adds ConvNetJS, which is not a TensorFlow.js backend.
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setBackend } from '@nn/tensor';
import '@nn/backend-cpu';
import { LENET_BATCH, lenetTrainCases, type Work } from './cases/lenet_train.js';
import { measure, type Timing } from './measure.js';

interface Row {
  implementation: string;
  timing?: Timing;
  error?: string;
}

function time(prepare: () => Work): Timing {
  const work = prepare();
  try {
    return measure(work.run);
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
    const attempt = async (implementation: string, prepare: () => Work, tfBackend?: string): Promise<void> => {
      try {
        if (tfBackend !== undefined) await tf.setBackend(tfBackend);
        rows.push({ implementation, timing: time(prepare) });
      } catch (error) {
        rows.push({ implementation, error: error instanceof Error ? error.message : String(error) });
      }
      console.log(`done: ${implementation}`);
    };
    await attempt('ours (@nn/backend-cpu)', c.ours);
    await attempt('tfjs-layers on tfjs-cpu', () => c.peer(tf), 'cpu');
    await attempt('tfjs-layers on tfjs-wasm', () => c.peer(tf), 'wasm');
    for (const [name, prepare] of Object.entries(c.otherPeers)) await attempt(name, prepare);

    // Wall time, and this process's CPU time: the steadier figure when other jobs share the machine.
    const ours = rows[0].timing;
    console.log(`\n${c.group} ${c.name}: images per second by wall time | by CPU time, and ours' speed over each`);
    for (const row of rows) {
      if (row.timing === undefined) {
        console.log(`  ${row.implementation.padEnd(26)} cannot train: ${row.error}`);
        continue;
      }
      const { medianMs, medianCpuMs, runs } = row.timing;
      const rate = (ms: number): string => ((LENET_BATCH / ms) * 1000).toFixed(1).padStart(7);
      const ratio = ours !== undefined && row !== rows[0] ? `   ours ${(medianMs / ours.medianMs).toFixed(1)}× | ${(medianCpuMs / ours.medianCpuMs).toFixed(1)}×` : '';
      console.log(`  ${row.implementation.padEnd(26)} ${medianMs.toFixed(0).padStart(6)} ms/step ${rate(medianMs)} | ${rate(medianCpuMs)} images/s (${runs} runs)${ratio}`);
    }
  }
}

await main();
