/**
 * `pnpm bench` for the gpu.js backend: the hot kernels (matmul and conv2d forward), run three
 * ways in one process on the same values:
 *   - ours: @nn/backend-gpujs in the chosen mode (on webasm: the four-row GEMM and the direct
 *     convolutions; in the GL modes: the 2 × 2 GEMM and im2col);
 *   - plain: the textbook gpu.js kernel in the same mode, one thread per output reading
 *     whole rows (a[y][k] * b[k][x]; a direct convolution loop), inputs already in place;
 *   - cpu: @nn/backend-cpu.
 * ours and plain run in turn, so load that drifts during the run falls on both alike. Each
 * figure is GFLOP/s from the median CPU time of this process (every path here runs on
 * one thread, and CPU time does not count what the scheduler gave to other jobs), with the
 * wall-clock figure beside it. Mode: NN_GPUJS_MODE (default webasm); NN_BENCH_QUICK=1 skips
 * the slowest shapes; NN_BENCH_ONLY=matmul or conv2d runs one group.
 */
import '@nn/backend-cpu';
import { conv2d, dispose, setBackend, tensor, type Tensor } from '@nn/tensor';
import * as gpujs from 'gpu.js';
import { setGpujsOptions, type GpujsMode } from '../src/index.js';

const mode = (process.env.NN_GPUJS_MODE ?? 'webasm') as GpujsMode;
const quick = process.env.NN_BENCH_QUICK === '1';
/** NN_BENCH_ONLY=matmul (or conv2d) runs one group. */
const only = process.env.NN_BENCH_ONLY;

interface Timing {
  cpuMs: number;
  wallMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One timed run of `run`. */
function timeOnce(run: () => void): Timing {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(startCpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs };
}

/**
 * A warm-up run of each, then rounds that run each once in turn until about 1.5 s of work (at
 * least 3, at most 15): on a shared machine the load drifts within seconds, and alternating
 * lets the drift fall on every path alike, so their ratio holds even when the figures move.
 */
function measureTogether(runs: (() => void)[]): Timing[] {
  const warmMs = runs.reduce((sum, run) => sum + timeOnce(run).wallMs, 0);
  const count = Math.max(3, Math.min(15, Math.round(1500 / Math.max(warmMs, 1))));
  const samples = runs.map(() => [] as Timing[]);
  for (let i = 0; i < count; i++) runs.forEach((run, j) => samples[j].push(timeOnce(run)));
  return samples.map((timings) => ({ cpuMs: median(timings.map((t) => t.cpuMs)), wallMs: median(timings.map((t) => t.wallMs)) }));
}

const measure = (run: () => void): Timing => measureTogether([run])[0];

/** Reproducible values in [-1, 1). */
function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

type PlainKernel = (...args: unknown[]) => unknown;
type CreateKernel = (source: string, settings: Record<string, unknown>) => PlainKernel;
const gpu = new gpujs.GPU({ mode });
const createKernel = (source: string, output: number[]): PlainKernel =>
  (gpu.createKernel as unknown as CreateKernel).call(gpu, source, { output, pipeline: true, immutable: true, precision: 'single', tactic: 'precision', loopMaxIterations: 100_000 });

/** The values as gpu.js takes them: rows of a [rows, cols] matrix (or a stack of such). */
function rows(data: Float32Array, rowLength: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let r = 0; r * rowLength < data.length; r++) out.push(data.slice(r * rowLength, (r + 1) * rowLength));
  return out;
}

function planes(data: Float32Array, h: number, w: number): Float32Array[][] {
  const out: Float32Array[][] = [];
  for (let p = 0; p * h * w < data.length; p++) out.push(rows(data.subarray(p * h * w, (p + 1) * h * w), w));
  return out;
}

/** Reads back a gpu.js result the way the backend's dataSync does (textures on GL modes). */
function sync(result: unknown): void {
  const texture = result as { toArray?: () => unknown };
  if (typeof texture.toArray === 'function') texture.toArray();
}

interface Row {
  group: string;
  name: string;
  flops: number;
  ours: Timing;
  plain: Timing;
  cpu: Timing;
}

/** The op on the active backend, read back as a user would. */
function opRun(make: () => Tensor): () => void {
  return () => {
    const t = make();
    t.dataSync();
    dispose(t);
  };
}

/** ours (gpujs) and plain, alternated; then backend-cpu on the same values. */
async function timeCase(inputs: () => Tensor[], op: (inputs: Tensor[]) => Tensor, plain: () => void): Promise<Pick<Row, 'ours' | 'plain' | 'cpu'>> {
  await setBackend('gpujs');
  let held = inputs();
  const [ours, plainTiming] = measureTogether([opRun(() => op(held)), plain]);
  dispose(held);
  await setBackend('cpu');
  held = inputs();
  const cpu = measure(opRun(() => op(held)));
  dispose(held);
  return { ours, plain: plainTiming, cpu };
}

async function matmulRow(n: number): Promise<Row> {
  const a = values(n * n, n);
  const b = values(n * n, n + 1);
  const plainKernel = createKernel(`function(a, b) {\n  let s = 0.0;\n  for (let k = 0; k < ${n}; k++) { s += a[this.thread.y][k] * b[k][this.thread.x]; }\n  return s;\n}`, [n, n]);
  const ar = rows(a, n);
  const br = rows(b, n);
  const timings = await timeCase(
    () => [tensor(a, [n, n]), tensor(b, [n, n])],
    ([x, y]) => x.matmul(y),
    () => sync(plainKernel(ar, br)),
  );
  return { group: 'matmul', name: `${n}×${n}`, flops: 2 * n * n * n, ...timings };
}

interface ConvSpec {
  name: string;
  input: [number, number, number, number];
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
}

async function convRow(spec: ConvSpec): Promise<Row> {
  const [batch, cin, h, w] = spec.input;
  const { outChannels: cout, kernel: k, stride, padding } = spec;
  const outH = Math.floor((h + 2 * padding - k) / stride) + 1;
  const outW = Math.floor((w + 2 * padding - k) / stride) + 1;
  const x = values(batch * cin * h * w, 3);
  const wv = values(cout * cin * k * k, 4);
  // The plain direct convolution: one thread per output pixel of one (image, channel) plane.
  const plainKernel = createKernel(
    `function(x, w) {
  const plane = this.thread.z;
  const n = Math.floor(plane / ${cout});
  const o = plane - n * ${cout};
  let s = 0.0;
  for (let c = 0; c < ${cin}; c++) {
    for (let ki = 0; ki < ${k}; ki++) {
      const ih = this.thread.y * ${stride} - ${padding} + ki;
      if (ih >= 0 && ih < ${h}) {
        for (let kj = 0; kj < ${k}; kj++) {
          const iw = this.thread.x * ${stride} - ${padding} + kj;
          if (iw >= 0 && iw < ${w}) { s += x[n * ${cin} + c][ih][iw] * w[o * ${cin} + c][ki][kj]; }
        }
      }
    }
  }
  return s;
}`,
    [outW, outH, batch * cout],
  );
  const xp = planes(x, h, w);
  const wp = planes(wv, k, k);
  const timings = await timeCase(
    () => [tensor(x, spec.input), tensor(wv, [cout, cin, k, k])],
    ([xt, wt]) => conv2d(xt, wt, null, { stride, padding }),
    () => sync(plainKernel(xp, wp)),
  );
  return { group: 'conv2d', name: spec.name, flops: 2 * batch * cout * outH * outW * cin * k * k, ...timings };
}

const gflops = (flops: number, ms: number): string => (flops / ms / 1e6).toFixed(2);

async function main(): Promise<void> {
  setGpujsOptions({ mode });
  const rowsOut: Row[] = [];
  if (only !== 'conv2d') for (const n of quick ? [256, 512] : [256, 512, 1024]) rowsOut.push(await matmulRow(n));
  const convs: ConvSpec[] = [
    { name: '(a) 64×1×28×28 → 6 × 5×5', input: [64, 1, 28, 28], outChannels: 6, kernel: 5, stride: 1, padding: 0 },
    { name: '(b) 1×64×56×56 → 64 × 3×3 pad 1', input: [1, 64, 56, 56], outChannels: 64, kernel: 3, stride: 1, padding: 1 },
    { name: '(c) 8×3×224×224 → 64 × 7×7 stride 2 pad 3', input: [8, 3, 224, 224], outChannels: 64, kernel: 7, stride: 2, padding: 3 },
  ];
  if (only !== 'matmul') for (const spec of quick ? convs.slice(0, 2) : convs) rowsOut.push(await convRow(spec));
  console.log(`\n@nn/backend-gpujs bench, gpu.js mode '${mode}': GFLOP/s by CPU time (wall clock in brackets)\n`);
  console.log(['case', 'ours (gpujs)', 'plain gpu.js', 'backend-cpu', 'ours/plain', 'ours/cpu'].join(' | '));
  for (const r of rowsOut) {
    console.log(
      [
        `${r.group} ${r.name}`,
        `${gflops(r.flops, r.ours.cpuMs)} (${gflops(r.flops, r.ours.wallMs)})`,
        `${gflops(r.flops, r.plain.cpuMs)} (${gflops(r.flops, r.plain.wallMs)})`,
        `${gflops(r.flops, r.cpu.cpuMs)} (${gflops(r.flops, r.cpu.wallMs)})`,
        `${(r.plain.cpuMs / r.ours.cpuMs).toFixed(2)}×`,
        `${(r.cpu.cpuMs / r.ours.cpuMs).toFixed(2)}×`,
      ].join(' | '),
    );
  }
  await gpu.destroy();
}

await main();
