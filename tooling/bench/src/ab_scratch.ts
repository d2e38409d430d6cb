import { conv2d, matmul, tensor } from '@nn/tensor';
import { setNumThreads } from '@nn/backend-cpu';
import { currentThreadPool } from '../../../packages/backend-cpu/dist/threads/threads.js';
import { readFileSync, readdirSync } from 'node:fs';
const onCpu = (): Map<string, number> => new Map(readdirSync('/proc/self/task').map((t) => [t, Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6]));
import { loadavg } from 'node:os';
import { values } from './values.js';

const which = process.argv[2] ?? 'mm';
const reps = Number(process.argv[3] ?? 20);
let run: () => void;
if (which === 'mm') {
  const a = tensor(values(1024 * 1024, 1), [1024, 1024]);
  const b = tensor(values(1024 * 1024, 2), [1024, 1024]);
  run = () => { const c = matmul(a, b); c.dataSync(); c.dispose(); };
} else {
  const spec = which === 'b' ? { x: [1, 64, 56, 56], w: [64, 64, 3, 3], s: 1, p: 1 } : which === 'a' ? { x: [64, 1, 28, 28], w: [6, 1, 5, 5], s: 1, p: 0 } : { x: [8, 3, 224, 224], w: [64, 3, 7, 7], s: 2, p: 3 };
  const x = tensor(values(spec.x.reduce((p, q) => p * q), 1), spec.x);
  const w = tensor(values(spec.w.reduce((p, q) => p * q), 2), spec.w);
  run = () => { const y = conv2d(x, w, null, { stride: spec.s, padding: spec.p }); y.dataSync(); y.dispose(); };
}
const median = (v: number[]) => { const s = [...v].sort((p, q) => p - q); return s[s.length >> 1]; };
const wall: Record<string, number[]> = { one: [], two: [] };
const mainCpu: Record<string, number[]> = { one: [], two: [] };
const otherCpu: Record<string, number[]> = { one: [], two: [] };
const cpu: Record<string, number[]> = { one: [], two: [] };
setNumThreads(2); run();
setNumThreads(2, { minWork: Infinity }); run();
const load0 = loadavg()[0];
for (let i = 0; i < reps; i++) {
  for (const mode of i % 2 === 0 ? ['one', 'two'] : ['two', 'one']) {
    if (mode === 'one') setNumThreads(2, { minWork: Infinity }); else setNumThreads(2);
    const s0 = onCpu(); const c0 = process.cpuUsage(); const t0 = performance.now();
    run();
    const t1 = performance.now(); const c1 = process.cpuUsage(c0); const s1 = onCpu();
    const me = String(process.pid);
    mainCpu[mode].push(s1.get(me)! - s0.get(me)!);
    let others = 0; for (const [t, v] of s1) if (t !== me) others += v - (s0.get(t) ?? v);
    otherCpu[mode].push(others);
    wall[mode].push(t1 - t0); cpu[mode].push((c1.user + c1.system) / 1000);
  }
}
const w1 = median(wall.one), w2 = median(wall.two);
const ratios = wall.one.map((t, i) => t / wall.two[i]);
console.log(`${which}: reps ${reps}, load ${load0.toFixed(1)}→${loadavg()[0].toFixed(1)}; 1 thread wall ${w1.toFixed(1)} ms cpu ${median(cpu.one).toFixed(1)} ms; 2 threads wall ${w2.toFixed(1)} ms cpu ${median(cpu.two).toFixed(1)} ms; wall ratio of medians ${(w1 / w2).toFixed(2)}×, median paired ${median(ratios).toFixed(2)}×; main thread on-CPU 1t ${median(mainCpu.one).toFixed(1)} / 2t ${median(mainCpu.two).toFixed(1)} ms (${(median(mainCpu.one) / median(mainCpu.two)).toFixed(2)}×), other threads 2t ${median(otherCpu.two).toFixed(1)} ms; tasks ${currentThreadPool()?.tasksTaken().join('/')}`);
