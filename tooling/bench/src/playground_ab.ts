/**
 * The Playground's cases (cases/playground.ts), ours and tfjs-cpu alternating run by run in one
 * process, many runs each: on a machine shared with other jobs the per-run CPU times scatter
 * by 2–3×, and the bench's one median of 25 runs per implementation scatters with them; the
 * minimum and lower quartile of interleaved runs are what stays put.
 * `pnpm --filter @nn/bench exec tsx src/playground_ab.ts [0 = step | 1 = epoch] [runs]`
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients, as in the bench run
import { cases } from './cases/playground.js';
await tf.setBackend('cpu');

const chosen = cases[Number(process.argv[2] ?? 0)];
const runs = Number(process.argv[3] ?? 200);
const ours = chosen.ours();
const peer = chosen.peer(tf);

/** CPU milliseconds of one run; a promise is awaited (the Playground's cases return none, so no tick is added). */
async function cpuMs(run: () => void | Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  const result = run();
  if (result instanceof Promise) await result;
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const quantile = (values: number[], q: number): number => [...values].sort((x, y) => x - y)[Math.floor(values.length * q)];
const summary = (values: number[]): string => `min ${quantile(values, 0).toFixed(2)} p25 ${quantile(values, 0.25).toFixed(2)} med ${quantile(values, 0.5).toFixed(2)}`;

for (let i = 0; i < 30; i++) {
  await cpuMs(ours.run);
  await cpuMs(peer.run);
}
const oursMs: number[] = [];
const peerMs: number[] = [];
for (let i = 0; i < runs; i++) {
  oursMs.push(await cpuMs(ours.run));
  peerMs.push(await cpuMs(peer.run));
}
ours.dispose();
peer.dispose();
console.log(chosen.name);
console.log(' ours    ', summary(oursMs));
console.log(' tfjs-cpu', summary(peerMs));
const ratio = (q: number): string => (quantile(peerMs, q) / quantile(oursMs, q)).toFixed(2);
console.log(' ratio min', ratio(0), 'p25', ratio(0.25), 'med', ratio(0.5));
