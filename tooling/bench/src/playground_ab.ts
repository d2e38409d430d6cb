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
const c = cases[Number(process.argv[2] ?? 0)];
const ours = c.ours(); const peer = c.peer(tf as never);
const n = Number(process.argv[3] ?? 200);
const to: number[] = [], tp: number[] = [];
const cpu = (f: () => void) => { const t = process.cpuUsage(); f(); const d = process.cpuUsage(t); return (d.user + d.system) / 1000; };
for (let i = 0; i < 30; i++) { ours.run(); peer.run(); }
for (let i = 0; i < n; i++) { to.push(cpu(() => ours.run())); tp.push(cpu(() => peer.run())); }
const st = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return `min ${s[0].toFixed(2)} p25 ${s[s.length >> 2].toFixed(2)} med ${s[s.length >> 1].toFixed(2)}`; };
console.log(c.name); console.log(' ours   ', st(to)); console.log(' tfjs-cpu', st(tp));
const q = (a: number[], f: number) => [...a].sort((x, y) => x - y)[Math.floor(a.length * f)];
console.log(' ratio min', (q(tp, 0) / q(to, 0)).toFixed(2), 'p25', (q(tp, 0.25) / q(to, 0.25)).toFixed(2), 'med', (q(tp, 0.5) / q(to, 0.5)).toFixed(2));
